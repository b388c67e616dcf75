"""A race: up to eight torch.optim optimisers on one surface, each path recorded step by step."""

import math
from collections.abc import Mapping
from typing import Any

import torch

from app.labs.errors import FieldError
from app.labs.optimizers.engine import DTYPE, Batch
from app.labs.optimizers.specs import OptimizerSpec, check_point, parse_specs
from app.labs.optimizers.state import hyperparameters, read_state
from app.labs.optimizers.surfaces import Surface, resolve_surface

MAX_STEPS = 100_000  # the settings' default; the web layer passes its own
MAX_RACERS = 8


class Race:
    """Racers advanced together; a racer whose point or value goes non-finite stops, diverged."""

    def __init__(self, surface: Surface, start: tuple[float, float], specs: list[OptimizerSpec]) -> None:
        self.surface = surface
        self.specs = specs
        self.starts = [spec.start or start for spec in specs]
        tensors = [torch.tensor([s], dtype=DTYPE) for s in self.starts]
        self.batch = Batch(surface, tensors, specs)
        self.steps_done = 0
        values = self.batch.values.tolist()
        for i, (value, where) in enumerate(zip(values, self._start_fields(), strict=True)):
            if not math.isfinite(value):
                raise FieldError(where, f"the surface is not finite at the start {list(self.starts[i])}")
        # Every racer's (x, y, f) per step in one float64 tensor, grown by doubling: 24 bytes a
        # racer-step, where Python lists of floats would take ~150 (100,000 steps x 8 racers).
        self._history = torch.empty((1024, len(specs), 3), dtype=DTYPE)
        self._record(0)
        self.lengths = [1] * len(specs)  # points recorded per racer: a diverged one stops growing
        self.diverged = [False] * len(specs)

    def _record(self, k: int) -> torch.Tensor:
        if k >= self._history.shape[0]:
            self._history = torch.cat([self._history, torch.empty_like(self._history)])
        row = self._history[k]
        row[:, :2] = self.batch.points
        row[:, 2] = self.batch.values
        return row

    def _start_fields(self) -> list[str]:
        return [f"optimizers[{i}].start" if spec.start else "start" for i, spec in enumerate(self.specs)]

    @property
    def finished_racing(self) -> bool:
        return all(self.diverged)

    def step(self) -> None:
        if self.finished_racing:
            return
        self.batch.advance()
        self.steps_done += 1
        finite = torch.isfinite(self._record(self.steps_done)).all(dim=1).tolist()
        for i, block in enumerate(self.batch.blocks):
            if self.diverged[i]:
                continue
            if finite[i]:
                self.lengths[i] += 1
            else:  # the record stops at the last finite point
                self.diverged[i] = True
                block.stop()

    def path(self, i: int, indices: list[int] | None = None) -> tuple[list[list[float]], list[float]]:
        """Racer ``i``'s recorded points and values (all, or at ``indices`` of its record)."""
        rows = self._history[: self.lengths[i], i]
        if indices is not None:
            rows = rows[indices]
        return rows[:, :2].tolist(), rows[:, 2].tolist()

    def last_value(self, i: int) -> float:
        return float(self._history[self.lengths[i] - 1, i, 2])

    def racer_state(self, i: int) -> dict[str, Any]:
        """The state panel for racer ``i`` after its last step: point, gradient used, the step it
        took (new point − old point, per coordinate) and the optimiser's own state."""
        n = self.lengths[i]
        last = self._history[n - 1, i]
        previous = self._history[max(n - 2, 0), i]
        block = self.batch.blocks[i]
        grad = self.batch.grad[i].tolist() if n > 1 else [0.0, 0.0]
        return {
            "step": n - 1,
            "point": last[:2].tolist(),
            "value": float(last[2]),
            "grad": grad,
            "update": (last[:2] - previous[:2]).tolist(),
            "state": read_state(block),
            "hyper": hyperparameters(block),
        }

    def trajectories(self) -> list[dict[str, Any]]:
        out = []
        for i, spec in enumerate(self.specs):
            points, values = self.path(i)
            out.append({"name": spec.name, "points": points, "values": values, "diverged": self.diverged[i]})
        return out


def check_steps(steps: Any, limit: int, where: str = "steps") -> int:
    if isinstance(steps, bool) or not isinstance(steps, int) or not 0 <= steps <= limit:
        raise FieldError(where, f"expected a whole number from 0 to {limit}, got {steps!r}")
    return steps


def trajectories(
    surface: str | Mapping[str, Any],
    start: Any,
    steps: Any,
    optimizers: Any,
    *,
    max_steps: int = MAX_STEPS,
    max_racers: int = MAX_RACERS,
) -> dict[str, Any]:
    """POST /api/optimizers/trajectories: each optimiser's path from ``start`` for ``steps`` steps.

    ``points`` holds the start and one point per step; a racer that goes non-finite stops at its
    last finite point with ``diverged: true``.
    """
    resolved = resolve_surface(surface)
    point = check_point(start, "start")
    count = check_steps(steps, max_steps)
    race = Race(resolved, point, parse_specs(optimizers, "optimizers", max_racers))
    for _ in range(count):
        if race.finished_racing:
            break
        race.step()
    return {"trajectories": race.trajectories()}
