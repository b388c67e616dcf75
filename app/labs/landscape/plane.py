"""A plane of weights around a trained network, its loss filled in row by row, and the 1D line."""

import math
from typing import Any

import torch

from app.labs.landscape.batched import PlaneLoss
from app.labs.landscape.directions import path_axes, random_directions
from app.labs.landscape.model import flat, loss_and_accuracy
from app.labs.landscape.roughness import roughness, sharpness
from app.labs.landscape.surface import axis, line, plane_rows
from app.labs.landscape.trainee import Trainee

LINE_POINTS = 41  # α from −0.5 to 1.5 in steps of 0.05: 0 and 1 are grid points
PATH_MARGIN = 1.2  # a PCA plane reaches this far beyond the path's extent (times span)


class Plane:
    """``center + α·d1 + β·d2`` for a grid of (α, β); ``loss`` rows are filled by ``fill``."""

    def __init__(self, trainee: Trainee, directions: str, normalization: str, grid: int, span: float,
                 generator: torch.Generator) -> None:
        self.trainee = trainee
        model = trainee.model
        self.center = flat(model)
        self.trajectory: torch.Tensor | None = None
        self.explained_variance: list[float] | None = None
        if directions == "pca":
            self.directions, self.explained_variance, self.trajectory = path_axes(trainee.path())
            extent = self.trajectory.abs().max(dim=0).values
            extent = torch.maximum(extent, 0.05 * extent.max()).clamp(min=1e-3)  # a flat path still gets a plane
            half = [float(e) * PATH_MARGIN * span for e in extent]
        else:
            self.directions = random_directions(model, normalization, generator)
            half = [span, span]
        self.alphas, self.betas = axis(grid, half[0]), axis(grid, half[1])
        data = trainee.data
        self.loss_at = PlaneLoss(model, self.center, self.directions, data.x_train, data.y_train, trainee.classify)
        self.trajectory_loss: list[float] | None = None
        if self.trajectory is not None:  # the loss where the path's points fall on the plane, for the 3D view
            self.trajectory_loss = self.loss_at(self.trajectory)[0].tolist()
        self.loss = torch.full((grid, grid), math.nan, dtype=torch.float64)
        self.rows_done = 0
        model.eval()
        with torch.no_grad():
            loss, _ = loss_and_accuracy(model(trainee.data.x_train), trainee.data.y_train, trainee.classify)
        self.center_loss = float(loss)  # the model's own loss, computed without the plane
        self.line_alphas = (torch.arange(LINE_POINTS, dtype=torch.float64) - 10) / 20
        self.line = line(model, trainee.initial, self.center, self.line_alphas,
                         [(data.x_train, data.y_train), (data.x_test, data.y_test)], trainee.classify)

    @property
    def done(self) -> bool:
        return self.rows_done >= len(self.betas)

    def fill(self, rows: int) -> None:
        """Compute the next ``rows`` rows of the grid."""
        start, stop = self.rows_done, min(len(self.betas), self.rows_done + rows)
        if start >= stop:
            return
        self.loss[start:stop] = plane_rows(self.loss_at, self.alphas, self.betas[start:stop]).double()
        self.rows_done = stop

    def summary(self, digits: int | None = None) -> dict[str, Any]:
        """The plane as JSON-ready data; ``digits`` rounds the losses (significant digits) for the wire."""
        def r(v: float) -> float:
            return v if digits is None or not math.isfinite(v) else float(f"{v:.{digits}g}")

        rows = self.loss[: self.rows_done].tolist()
        return {
            "alphas": self.alphas.tolist(),
            "betas": self.betas.tolist(),
            "loss": [[r(v) for v in row] for row in rows],
            "rows_done": self.rows_done,
            "center_loss": self.center_loss,
            "trajectory": None if self.trajectory is None else self.trajectory.tolist(),
            "trajectory_loss": None if self.trajectory_loss is None else [r(v) for v in self.trajectory_loss],
            "roughness": roughness(self.loss) if self.done and len(self.betas) % 2 else None,
            "sharpness": sharpness(self.loss, self.center_loss) if self.done else None,
            "explained_variance": self.explained_variance,
            "line": {"alphas": self.line_alphas.tolist(),
                     "train_loss": self.line[0]["loss"], "test_loss": self.line[1]["loss"],
                     "train_acc": self.line[0]["accuracy"], "test_acc": self.line[1]["accuracy"]},
        }
