"""The live run: train (one step = one mini-batch update of each network), then fill in the planes.

Phases, all counted in ``total_steps`` from the start:
1. ``training``: the curves grow; in PCA mode the path so far is drawn on its own two principal
   axes, which at the end of training are the plane's.
2. ``surface``: the first step chooses the directions and computes the 1D line; every later step
   computes a few rows of each plane (a bounded slice of work), so the surface fills in.
"""

import math
from collections.abc import Mapping
from typing import Any

from app.labs.common.copying import copy_sharing
from app.labs.common.datasets import Dataset
from app.labs.errors import FieldError
from app.labs.landscape.config import LandscapeConfig
from app.labs.landscape.directions import path_axes
from app.labs.landscape.model import flat
from app.labs.landscape.oneshot import direction_generator, load_data
from app.labs.landscape.plane import Plane
from app.labs.landscape.surface import STEP_FLOPS, rows_per_step
from app.labs.landscape.trainee import Trainee

LIVE_PARAMS = ("lr",)


def _round(values: list[list[float]], digits: int = 4) -> list[list[float]]:
    return [[float(f"{v:.{digits}g}") for v in row] for row in values]


class LandscapeRun:
    """A ``LiveRun``. Deep-copyable: a copy continues bitwise identically, sharing the data set."""

    def __init__(self, config: LandscapeConfig, data: Dataset | None = None, step_flops: float = STEP_FLOPS) -> None:
        self.config = config
        self.data = data if data is not None else load_data(config)
        configs: list[tuple[str, LandscapeConfig, dict[str, Any]]] = [("run", config, {})]
        changes = config.changes()
        if changes is not None:
            configs.append(("compare", config.twin(), changes))
        self.trainees = [Trainee(label, cfg, self.data, changes) for label, cfg, changes in configs]
        self.planes: list[Plane | None] = []
        self.train_steps = max(t.total_steps for t in self.trainees)
        n = len(self.data.x_train)
        self.rows = [rows_per_step(t.model, config.grid, n, step_flops) for t in self.trainees]
        surface_steps = max(math.ceil(config.grid / r) for r in self.rows)
        self.total_steps = self.train_steps + 1 + surface_steps
        self._steps = 0
        self._paths: list[dict[str, Any] | None] = [None] * len(self.trainees)
        self._path_marks = [0] * len(self.trainees)

    @property
    def steps_done(self) -> int:
        return self._steps

    @property
    def finished(self) -> bool:
        return self._steps >= self.total_steps or all(t.diverged for t in self.trainees)

    @property
    def phase(self) -> str:
        if self._steps < self.train_steps:
            return "training"
        return "surface" if self._steps < self.total_steps else "done"

    def step(self) -> float:
        """One update of each network still training, or the next slice of the planes."""
        if self._steps < self.train_steps:
            losses = [t.train_step() if t.training else t.loss for t in self.trainees]
        elif self._steps == self.train_steps:
            generators = [direction_generator(t.cfg) for t in self.trainees]
            self.planes = [None if t.diverged else
                           Plane(t, t.cfg.directions, t.cfg.normalization, self.config.grid, self.config.span, g)
                           for t, g in zip(self.trainees, generators, strict=True)]
            losses = [p.center_loss if p else math.nan for p in self.planes]
        else:
            for plane, rows in zip(self.planes, self.rows, strict=True):
                if plane is not None:
                    plane.fill(rows)
            losses = [p.center_loss if p else math.nan for p in self.planes]
        self._steps += 1
        return next((v for v in losses if math.isfinite(v)), math.nan)

    def set_params(self, params: Mapping[str, Any]) -> None:
        """Only the learning rate changes mid-run; a twin comparing lr keeps its own."""
        for key in params:
            if key not in LIVE_PARAMS:
                raise FieldError(key, f"cannot change during a run; {', '.join(LIVE_PARAMS)} can")
        lr = params.get("lr")
        if lr is None:
            return
        if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
            raise FieldError("lr", f"must be a positive finite number, got {lr!r}")
        for t in self.trainees:
            if "lr" not in t.changes:
                t.set_lr(float(lr))

    def _path(self, i: int) -> dict[str, Any] | None:
        """The path so far on its own principal axes (PCA mode), recomputed when a checkpoint is added."""
        t = self.trainees[i]
        if t.cfg.directions != "pca" or len(t.checkpoints) < 2:
            return None
        if self._path_marks[i] != t.checkpoints[-1][0] or self._paths[i] is None:
            _, ratios, coords = path_axes(t.path())
            self._paths[i] = {"trajectory": _round(coords.tolist(), 5), "explained_variance": ratios}
            self._path_marks[i] = t.checkpoints[-1][0]
        return self._paths[i]

    def frame(self) -> dict[str, Any]:
        runs = []
        for i, t in enumerate(self.trainees):
            plane = self.planes[i] if self.planes else None
            part: dict[str, Any] = {
                "label": t.label,
                "changes": t.changes,
                "diverged": t.diverged,
                "loss": t.loss,
                "lr": t.optimizer.param_groups[0]["lr"],
                "epoch": t.steps // t.steps_per_epoch,
                "curves": t.curves,
                "parameters": sum(p.numel() for p in t.model.parameters()),
                "weight_norm": float(flat(t.model).norm()),  # what a raw (unnormalised) direction is measured against
            }
            part["surface"] = None
            part["path"] = None
            if plane is not None:
                part["surface"] = plane.summary(digits=4)
            else:
                part["path"] = self._path(i)
            runs.append(part)
        return {"phase": self.phase, "progress": self._steps / self.total_steps,
                "epochs": self.config.epochs, "grid": self.config.grid,
                "train_steps": self.train_steps, "runs": runs}

    def __deepcopy__(self, memo: dict[int, Any]) -> "LandscapeRun":
        """A branch of this run: its own models, optimisers, generators, curves and planes; the data set,
        the saved checkpoints and the planes' constants (never written after they are made) shared."""
        d = self.data
        fixed: list[object] = [d, d.x_train, d.y_train, d.x_test, d.y_test]
        fixed += [weights for t in self.trainees for _, weights in t.checkpoints]
        fixed += [c for plane in self.planes if plane is not None for c in plane.loss_at.constants()]
        return copy_sharing(self, memo, fixed, [t.model for t in self.trainees])
