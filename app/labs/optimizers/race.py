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
        self.points: list[list[list[float]]] = [[list(s)] for s in self.starts]
        self.values: list[list[float]] = [[v] for v in values]
        self.diverged = [False] * len(specs)

    def _start_fields(self) -> list[str]:
        return [f"optimizers[{i}].start" if spec.start else "start" for i, spec in enumerate(self.specs)]

    @property
    def finished_racing(self) -> bool:
        return all(self.diverged)

    def step(self) -> None:
        if self.finished_racing:
            return
        values = self.batch.advance().tolist()
        points = self.batch.points.tolist()
        self.steps_done += 1
        for i, block in enumerate(self.batch.blocks):
            if self.diverged[i]:
                continue
            point, value = points[i], values[i]
            if math.isfinite(value) and math.isfinite(point[0]) and math.isfinite(point[1]):
                self.points[i].append(point)
                self.values[i].append(value)
            else:  # the record stops at the last finite point
                self.diverged[i] = True
                block.stop()

    def racer_state(self, i: int) -> dict[str, Any]:
        """The state panel for racer ``i`` after its last step: point, gradient used, the step it
        took (new point − old point, per coordinate) and the optimiser's own state."""
        points = self.points[i]
        point, previous = points[-1], points[-2] if len(points) > 1 else points[-1]
        block = self.batch.blocks[i]
        grad = self.batch.grad[i].tolist() if len(points) > 1 else [0.0, 0.0]
        return {
            "step": len(points) - 1,
            "point": point,
            "value": self.values[i][-1],
            "grad": grad,
            "update": [point[0] - previous[0], point[1] - previous[1]],
            "state": read_state(block),
            "hyper": hyperparameters(block),
        }

    def trajectories(self) -> list[dict[str, Any]]:
        return [
            {"name": spec.name, "points": self.points[i], "values": self.values[i], "diverged": self.diverged[i]}
            for i, spec in enumerate(self.specs)
        ]


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
