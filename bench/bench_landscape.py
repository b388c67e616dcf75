"""Loss-landscape lab speed: a surface as batched functional calls against loops that load each point.

    python -m bench.bench_landscape [--rows 3]

A 64-64-64-10 ReLU MLP on all 1,797 of scikit-learn's 8x8 digits, filter-normalised random directions,
the mean cross-entropy at every point of a 21x21 and a 51x51 grid, one intra-op thread.

- lab: ``app.labs.landscape.surface.plane_rows``: every point of the grid is a row of one [K, P]
  tensor; ``vmap`` over ``torch.func.functional_call`` evaluates them in batched calls.
- naive (paper-style): for each point, write θ + α·d1 + β·d2 into the model, then evaluate it over
  a ``DataLoader`` of batches of 128 (as tomgoldstein/loss-landscape's evaluation loop does).
- naive (tight): for each point, ``vector_to_parameters`` then one forward pass over all 1,797 digits.

The same comparison then runs for the lab's default network (2-16-16-2 on 200 moons), where a point costs
little arithmetic and the loops' per-point overhead dominates.

The naive loops are timed on ``--rows`` rows of the 21x21 grid (their cost per point is the same
everywhere) and the result checked equal to the lab's on those rows; the ratios compare seconds per point.
"""

import argparse
import time

import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits  # type: ignore[import-untyped]
from torch.utils.data import DataLoader, TensorDataset

from app.labs.landscape.directions import random_directions
from app.labs.landscape.model import build_model, flat
from app.labs.landscape.surface import axis, plane_rows


def naive_paper(model: torch.nn.Module, center: torch.Tensor, d: torch.Tensor, alphas: torch.Tensor,
                betas: torch.Tensor, loader: DataLoader) -> torch.Tensor:  # type: ignore[type-arg]
    out = torch.empty(len(betas), len(alphas))
    model.eval()
    with torch.no_grad():
        for i, b in enumerate(betas.tolist()):
            for j, a in enumerate(alphas.tolist()):
                torch.nn.utils.vector_to_parameters(center + a * d[0] + b * d[1], model.parameters())
                total, count = 0.0, 0
                for xb, yb in loader:
                    total += F.cross_entropy(model(xb), yb, reduction="sum").item()
                    count += len(yb)
                out[i, j] = total / count
    return out


def naive_tight(model: torch.nn.Module, center: torch.Tensor, d: torch.Tensor, alphas: torch.Tensor,
                betas: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    out = torch.empty(len(betas), len(alphas))
    model.eval()
    with torch.no_grad():
        for i, b in enumerate(betas.tolist()):
            for j, a in enumerate(alphas.tolist()):
                torch.nn.utils.vector_to_parameters(center + a * d[0] + b * d[1], model.parameters())
                out[i, j] = F.cross_entropy(model(x), y)
    return out


def timed(fn, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def small_model(rows: int) -> None:
    """The lab's default: batching pays where each point is little arithmetic."""
    from app.labs.landscape import LandscapeConfig
    from app.labs.landscape.oneshot import load_data

    data = load_data(LandscapeConfig())
    x, y = data.x_train, data.y_train
    model = build_model(2, (16, 16), 2, "relu", False, False, torch.Generator().manual_seed(0))
    center = flat(model)
    d = random_directions(model, "filter", torch.Generator().manual_seed(1))
    a = axis(21, 1.0)
    lab, t_lab = timed(plane_rows, model, center, d, a, a, x, y, True)
    tight, t_tight = timed(naive_tight, model, center, d, a, a[:rows], x, y)
    assert float((tight.double() - lab[:rows]).abs().max()) < 1e-4
    per_lab, per = t_lab / 21**2, t_tight / (rows * 21)
    print(f"default 2-16-16-2 on {len(x)} moons, 21x21: lab {t_lab:.3f} s; tight loop {per * 441:.3f} s "
          f"-> lab is {per / per_lab:.1f}x faster")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3, help="rows of the 21x21 grid the naive loops time")
    rows = parser.parse_args().rows
    torch.set_num_threads(1)
    xs, ys = load_digits(return_X_y=True)
    x, y = torch.tensor(xs / 16.0, dtype=torch.float32), torch.tensor(ys)
    model = build_model(64, (64, 64, 64), 10, "relu", False, False, torch.Generator().manual_seed(0))
    center = flat(model)
    d = random_directions(model, "filter", torch.Generator().manual_seed(1))
    loader = DataLoader(TensorDataset(x, y), batch_size=128)
    print(f"model 64-64-64-10: {center.numel():,} parameters; {len(x):,} digits; 1 thread")
    seconds = {}
    small_model(rows)
    for grid in (21, 51):
        a = axis(grid, 1.0)
        lab, seconds[grid] = timed(plane_rows, model, center, d, a, a, x, y, True)
        print(f"lab {grid}x{grid}: {seconds[grid]:.2f} s ({seconds[grid] / grid**2 * 1e3:.2f} ms a point)")
        if grid == 21:
            some = a[:rows]
            paper, t_paper = timed(naive_paper, model, center, d, a, some, loader)
            tight, t_tight = timed(naive_tight, model, center, d, a, some, x, y)
            for name, result in (("paper-style", paper), ("tight", tight)):
                err = float((result.double() - lab[:rows]).abs().max())
                assert err < 1e-4, f"{name} loop differs from the lab by {err}"
            per_lab = seconds[21] / grid**2
            for name, t in (("paper-style loop (DataLoader, batches of 128)", t_paper),
                            ("tight loop (one forward over all digits)", t_tight)):
                per = t / (rows * grid)
                print(f"naive {name}: {per * 1e3:.2f} ms a point, {per * grid**2:.2f} s for 21x21 "
                      f"-> lab is {per / per_lab:.2f}x faster")


if __name__ == "__main__":
    main()
