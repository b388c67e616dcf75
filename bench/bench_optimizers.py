"""Optimiser lab speed against the plain torch.optim loops a student would write.

    python bench/bench_optimizers.py [--repeats 3]

1. Race: 8 optimisers x 1,000 steps on Rosenbrock. Naive: one loop per racer (a 2-element parameter,
   one forward/backward and one step() per step). Lab: app.labs.optimizers.trajectories (one
   batched forward/backward for all racers, one step() per optimiser class). Goal: >= 3x.
2. Swarm: 10,000 starting points x 500 steps of Adam on Himmelblau. Naive: one loop per starting
   point, timed on a sample of points and extrapolated. Lab: one [10000, 2] parameter. Goal: >= 1,000x.

Both sides run in this process with one intra-op thread; each figure is the best of ``--repeats``
runs, the two sides alternating, since the machine is shared. The race results are checked to be identical
before timing counts.
"""

import argparse
import time
from collections.abc import Callable
from typing import Any

import torch

from app.labs.optimizers import trajectories
from app.labs.optimizers.specs import parse_specs
from app.labs.optimizers.surfaces import SURFACES
from app.labs.optimizers.swarm import Swarm, swarm_starts

RACERS: list[dict[str, Any]] = [
    {"name": "sgd", "lr": 1e-4},
    {"name": "momentum", "lr": 1e-4},
    {"name": "nesterov", "lr": 1e-4},
    {"name": "adagrad", "lr": 0.1},
    {"name": "rmsprop", "lr": 0.01},
    {"name": "rmsprop", "lr": 0.01, "momentum": 0.5, "centered": True},
    {"name": "adam", "lr": 0.01},
    {"name": "adamw", "lr": 0.01, "amsgrad": True},
]
START = [-1.2, 1.0]


def naive_race(steps: int) -> list[list[float]]:
    surface = SURFACES["rosenbrock"]
    ends = []
    for spec in parse_specs(RACERS):
        p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
        optimizer = spec.kind.cls([p], **spec.kwargs())
        for _ in range(steps):
            optimizer.zero_grad()
            loss = surface(p[0], p[1])
            loss.backward()
            optimizer.step()
        ends.append(p.tolist())
    return ends


def lab_race(steps: int) -> list[list[float]]:
    result = trajectories("rosenbrock", START, steps, RACERS)
    return [t["points"][-1] for t in result["trajectories"]]


def naive_swarm(starts: torch.Tensor, steps: int) -> None:
    surface = SURFACES["himmelblau"]
    for start in starts.tolist():
        p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
        optimizer = torch.optim.Adam([p], lr=0.05)
        for _ in range(steps):
            optimizer.zero_grad()
            surface(p[0], p[1]).backward()
            optimizer.step()


def lab_swarm(starts: torch.Tensor, steps: int) -> None:
    swarm = Swarm(SURFACES["himmelblau"], parse_specs([{"name": "adam", "lr": 0.05}]), starts, shown=1000, seed=0)
    for _ in range(steps):
        swarm.step()
    swarm.cloud(0)  # a frame's worth of reading back


def best_of(repeats: int, *fns: Callable[[], object]) -> list[float]:
    """The best time of each function; their runs alternate, so a busy spell on the shared
    machine hits both sides rather than one."""
    best = [float("inf")] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sample", type=int, default=20, help="starting points timed for the naive swarm")
    args = parser.parse_args()
    torch.set_num_threads(1)
    naive_race(2), lab_race(2)  # warm up: the first optimiser step imports half of torch

    assert naive_race(1000) == lab_race(1000), "the batched race must equal the plain loops"
    naive, lab = best_of(args.repeats, lambda: naive_race(1000), lambda: lab_race(1000))
    steps = len(RACERS) * 1000
    print(f"race  8 optimisers x 1,000 steps: plain loops {naive:.3f} s ({naive / steps * 1e6:.0f} us per racer-step)")
    print(f"                                   lab race    {lab:.3f} s ({lab / steps * 1e6:.0f} us per racer-step)")
    print(f"                                   ratio       {naive / lab:.1f}x   (goal >= 3x)")

    starts = swarm_starts(SURFACES["himmelblau"], 10_000, "random", seed=0)
    sample = starts[: args.sample]
    naive_sample, lab = best_of(args.repeats, lambda: naive_swarm(sample, 500), lambda: lab_swarm(starts, 500))
    per_point = naive_sample / args.sample
    naive_total = per_point * len(starts)
    print(
        f"swarm 10,000 points x 500 steps:  plain loops {naive_total:.0f} s (extrapolated from {args.sample} points, "
        f"{per_point / 500 * 1e6:.0f} us per point-step)"
    )
    per_step = lab / 500 * 1e3
    print(f"                                   lab swarm   {lab:.3f} s ({per_step:.2f} ms per step for all points)")
    print(f"                                   ratio       {naive_total / lab:,.0f}x   (goal >= 1,000x)")


if __name__ == "__main__":
    main()
