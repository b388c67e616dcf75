"""Loss-landscape lab speed: a surface evaluated in batches against a loop that loads each point.

    python -m bench.bench_landscape [--repeats 5]

A 64-64-64-10 ReLU MLP on all 1,797 of scikit-learn's 8x8 digits, filter-normalised random directions,
the mean cross-entropy at every point of a 21x21 grid (and the lab alone on 51x51), one intra-op thread.

- lab: ``app.labs.landscape.batched.PlaneLoss`` (what the lab runs): the first layer's three products
  with the data made once, then chunks of points through batched matrix products that add the bias
  themselves (a row of ones under each activation).
- vmap: ``vmap`` over ``torch.func.functional_call``, every point's parameters a row of one [K, P] tensor
  (the lab's previous evaluation, and the code panel's script).
- naive: for each point, ``vector_to_parameters(θ + α·d1 + β·d2)`` into the model under ``no_grad``,
  then ``F.cross_entropy(model(X), y)`` over all 1,797 digits at once: the tight loop, no DataLoader.
- paper: the loop of the paper's own code (tomgoldstein/loss-landscape), written here: each parameter
  set to ``w + α·d1 + β·d2`` one by one, then loss and accuracy over a ``DataLoader`` of 128-sample
  batches, summed as Python numbers (``eval_loss``); compared with ``lab+acc``, the lab counting the
  accuracy too. This is the loop the issue's "naive loop" names; ``naive`` above is the tightest one.
- floor: only the matrix products of every layer after the first (two 64x64 and the 10x64 output, over
  1,797 digits, for each point), which no exact evaluation avoids (each point feeds them a different
  input); nothing else (no activation, no bias, no loss): the ratio no exact method can beat.

Timings are CPU seconds of this process (on a shared machine the wall clock mostly measures the
others), the methods interleaved in each of ``--repeats`` rounds, so a busy machine hurts them alike.
Printed: the median seconds, the best, and the median over rounds of naive/method (a round's timings
are seconds apart, so a ratio compares like with like); every result is checked equal to the naive
loop's within 1e-5.
The same comparison then runs for the lab's default network (2-16-16-2 on 200 moons), where a point is
little arithmetic and a loop's overhead rules.
"""

import argparse
import os
import statistics
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch.func import functional_call, vmap
from torch.utils.data import DataLoader, TensorDataset

from app.labs.common.datasets import make_dataset
from app.labs.landscape.batched import PlaneLoss
from app.labs.landscape.directions import random_directions
from app.labs.landscape.model import build_model, flat, unflatten
from app.labs.landscape.surface import axis, plane_rows


def grid_coords(grid: int) -> torch.Tensor:
    a = axis(grid, 1.0).float()
    bb, aa = torch.meshgrid(a, a, indexing="ij")
    return torch.stack([aa.reshape(-1), bb.reshape(-1)], dim=1)


def naive(model: torch.nn.Module, center: torch.Tensor, d: torch.Tensor, coords: torch.Tensor,
          x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    out = torch.empty(len(coords))
    model.eval()
    with torch.no_grad():
        for k, (a, b) in enumerate(coords.tolist()):
            torch.nn.utils.vector_to_parameters(center + a * d[0] + b * d[1], model.parameters())
            out[k] = F.cross_entropy(model(x), y)
    return out


def reference(model: torch.nn.Module, center: torch.Tensor, d: torch.Tensor, coords: torch.Tensor,
              x: torch.Tensor, y: torch.Tensor, batch_size: int = 128) -> torch.Tensor:
    """The loop of the paper's code (tomgoldstein/loss-landscape: ``net_plotter.set_weights`` then
    ``evaluation.eval_loss``), written here: each parameter set to its own ``w + α·d1 + β·d2``, then the
    loss and accuracy over a ``DataLoader`` of 128-sample batches, summed per batch as Python numbers."""
    model.eval()
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size)
    weights = [w[0] for w in unflatten(model, center[None]).values()]  # the model's own hold the last point's
    d1, d2 = unflatten(model, d[0:1]).values(), unflatten(model, d[1:2]).values()
    out = torch.empty(len(coords))
    with torch.no_grad():
        for k, (a, b) in enumerate(coords.tolist()):
            for p, w, u, v in zip(model.parameters(), weights, d1, d2, strict=True):
                p.data = w + (u[0] * a + v[0] * b)
            total_loss, correct = 0.0, 0
            for inputs, targets in loader:
                outputs = model(inputs)
                total_loss += F.cross_entropy(outputs, targets).item() * len(inputs)
                correct += int(outputs.argmax(1).eq(targets).sum())
            out[k] = total_loss / len(x)
    return out


def vmapped(model: torch.nn.Module, center: torch.Tensor, d: torch.Tensor, coords: torch.Tensor,
            x: torch.Tensor, y: torch.Tensor, chunk: int = 32) -> torch.Tensor:
    def one(params: dict[str, torch.Tensor]) -> torch.Tensor:
        return F.cross_entropy(functional_call(model, params, (x,)), y)

    with torch.no_grad():
        vectors = center + coords @ d
        return torch.cat([vmap(one)(unflatten(model, vectors[s:s + chunk])) for s in range(0, len(vectors), chunk)])


def floor(model: torch.nn.Module, coords: torch.Tensor, x: torch.Tensor) -> None:
    w = [m.weight.detach() for m in model.modules() if isinstance(m, torch.nn.Linear)][1:]
    h = x.T.contiguous()[: w[0].shape[1]]  # any input of the right size: only the time counts
    for _ in range(len(coords)):
        for weight in w:
            torch.mm(weight, h[: weight.shape[1]])


def rounds(repeats: int, methods: dict[str, Callable[[], object]]) -> tuple[dict[str, list[float]], dict[str, object]]:
    """CPU seconds of each method in each round (this process's own time: a busy machine's waiting is left out)."""
    seconds: dict[str, list[float]] = {name: [] for name in methods}
    results: dict[str, object] = {}
    for _ in range(repeats):
        for name, fn in methods.items():
            start = time.process_time()
            results[name] = fn()
            seconds[name].append(time.process_time() - start)
    return seconds, results


def compare(title: str, model: torch.nn.Sequential, x: torch.Tensor, y: torch.Tensor, repeats: int,
            grid: int = 21) -> None:
    center = flat(model)
    d = random_directions(model, "filter", torch.Generator().manual_seed(1))
    coords = grid_coords(grid)
    a = axis(grid, 1.0)
    methods: dict[str, Callable[[], object]] = {
        "naive": lambda: naive(model, center, d, coords, x, y),
        "vmap": lambda: vmapped(model, center, d, coords, x, y),
        "lab": lambda: plane_rows(PlaneLoss(model, center, d, x, y, True), a, a).reshape(-1),
        # the paper's loop also counts the accuracy: the lab does too here, like for like
        "lab+acc": lambda: PlaneLoss(model, center, d, x, y, True)(coords, accuracy=True)[0],
        "paper": lambda: reference(model, center, d, coords, x, y),
    }
    if len(model) > 5:
        methods["floor"] = lambda: floor(model, coords, x)
    seconds, results = rounds(repeats, methods)
    for name in ("vmap", "lab", "lab+acc", "paper"):
        err = float((results[name] - results["naive"]).abs().max())  # type: ignore[operator]
        assert err < 1e-5, f"{name} differs from the naive loop by {err}"
    print(f"{title}, {grid}x{grid}, CPU seconds over {repeats} rounds:")
    for name, s in seconds.items():
        median = statistics.median(s)
        ratio = statistics.median(n / t for n, t in zip(seconds["naive"], s))
        print(f"  {name:7s} median {median:7.3f} s  best {min(s):7.3f} s  {median / grid**2 * 1e3:6.3f} ms a point  "
              f"naive/{name} median {ratio:5.2f}x")
    paper = statistics.median(p / t for p, t in zip(seconds["paper"], seconds["lab+acc"]))
    print(f"  the paper's loop against the lab, both with accuracy: paper/lab+acc median {paper:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5, help="rounds of every method, interleaved")
    repeats = parser.parse_args().repeats
    torch.set_num_threads(1)
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; 1 intra-op thread, both arms")
    digits = make_dataset("digits", test_fraction=0.5)
    x, y = torch.cat([digits.x_train, digits.x_test]), torch.cat([digits.y_train, digits.y_test])
    model = build_model(64, (64, 64, 64), 10, "relu", False, False, torch.Generator().manual_seed(0))
    compare(f"64-64-64-10 MLP ({len(flat(model)):,} parameters) on {len(x):,} digits", model, x, y, repeats)
    coords51 = axis(51, 1.0)
    loss = PlaneLoss(model, flat(model), random_directions(model, "filter", torch.Generator().manual_seed(1)),
                     x, y, True)
    times = [_timed(lambda: plane_rows(loss, coords51, coords51)) for _ in range(3)]
    seconds = statistics.median(times)
    print(f"  lab 51x51: median {seconds:.2f} CPU s of 3, best {min(times):.2f} "
          f"({seconds / 51**2 * 1e3:.3f} ms a point)")
    moons = make_dataset("moons", 400, 0.1, 0.5, 0)
    small = build_model(2, (16, 16), 2, "relu", False, False, torch.Generator().manual_seed(0))
    compare(f"the lab's default 2-16-16-2 on {len(moons.x_train)} moons", small, moons.x_train, moons.y_train, repeats)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def _timed(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


if __name__ == "__main__":
    main()
