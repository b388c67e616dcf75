"""Small, bounded pieces of a training frame: thinned series, shared-edge histograms, grids."""

from collections.abc import Sequence
from typing import Any

import torch

from app.labs.common.histograms import histograms as shared_histograms
from app.labs.common.series import Series

BINS = 30  # weight histogram bins
GRID = 61  # decision-boundary heatmap is GRID × GRID; 61 = 4·15 + 1, so neuron maps take every fourth point
SERIES_LIMIT = 120  # a series keeps between SERIES_LIMIT and 2·SERIES_LIMIT points


def histograms(per_run: Sequence[Sequence[torch.Tensor]], bins: int = BINS) -> list[list[dict[str, Any]]]:
    """Each run's weight histograms per layer, on edges the runs share."""
    return shared_histograms(per_run, bins)


def series(stride: int = 1) -> Series:
    """A record of curve points: bounded, four significant digits (gradient norms span 1e-9 to 1e3)."""
    return Series(SERIES_LIMIT, stride, digits=4)


def square_domain(points: torch.Tensor, margin: float = 0.1) -> tuple[float, float]:
    """The span of ``points`` widened by ``margin`` on each side, for the heatmap axes."""
    lo, hi = float(points.min()), float(points.max())
    pad = margin * max(hi - lo, 1e-6)
    return lo - pad, hi + pad


def grid_axes(x: torch.Tensor, size: int = GRID) -> tuple[torch.Tensor, torch.Tensor]:
    """Heatmap axes covering both input coordinates of ``x`` ([n, 2])."""
    axes = []
    for d in range(2):
        lo, hi = square_domain(x[:, d])
        axes.append(torch.linspace(lo, hi, size))
    return axes[0], axes[1]


def grid_points(ax: torch.Tensor, ay: torch.Tensor) -> torch.Tensor:
    """Every (x, y) of the grid, rows of constant y, as Plotly's heatmap ``z[row][col]`` expects."""
    yy, xx = torch.meshgrid(ay, ax, indexing="ij")
    return torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1)


def rounded(t: torch.Tensor, digits: int = 3) -> list[Any]:
    """Fewer digits on the wire; the screen cannot show more."""
    scale = 10.0**digits
    result: list[Any] = (torch.round(t * scale) / scale).tolist()
    return result


def confusion(pred: torch.Tensor, target: torch.Tensor, classes: int) -> list[list[int]]:
    """``[true][predicted]`` counts."""
    counts = torch.bincount(target * classes + pred, minlength=classes * classes)
    result: list[list[int]] = counts.reshape(classes, classes).tolist()
    return result
