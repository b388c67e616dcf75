"""Small, bounded pieces of a training frame: thinned series, shared-edge histograms, grids."""

from collections.abc import Sequence
from typing import Any

import torch

BINS = 30  # weight histogram bins
GRID = 61  # decision-boundary heatmap is GRID × GRID; 61 = 4·15 + 1, so neuron maps take every fourth point
SERIES_LIMIT = 120  # a series keeps between SERIES_LIMIT and 2·SERIES_LIMIT points


class Series:
    """An append-only record of ``(x, row)`` that halves itself (every other point) when full,
    so a long run costs bounded memory and frame size yet still spans the whole run."""

    def __init__(self, limit: int = SERIES_LIMIT, stride: int = 1) -> None:
        self.limit, self.stride, self._count = limit, stride, 0
        self.x: list[float] = []
        self.rows: list[list[float]] = []

    def wants_next(self) -> bool:
        """Whether the next ``add`` is kept: lets callers skip computing a value nobody keeps."""
        return self._count % self.stride == 0

    def add(self, x: float, row: list[float]) -> None:
        if self.wants_next():
            self.x.append(x)
            self.rows.append([_significant(v) for v in row])
            if len(self.x) >= 2 * self.limit:
                self.x, self.rows, self.stride = self.x[::2], self.rows[::2], self.stride * 2
        self._count += 1

    def columns(self) -> list[list[float]]:
        """The rows transposed: one list per recorded quantity."""
        return [list(col) for col in zip(*self.rows, strict=True)] if self.rows else []


def _significant(value: float, digits: int = 4) -> float:
    """A curve needs four significant digits, not seventeen (gradient norms span 1e-9 to 1e3)."""
    return float(f"{value:.{digits}g}")


def histograms(per_run: Sequence[Sequence[torch.Tensor]], bins: int = BINS) -> list[list[dict[str, Any]]]:
    """Histograms of each run's layer tensors; runs share a layer's edges so they compare bar by bar."""
    layers = len(per_run[0])
    out: list[list[dict[str, Any]]] = [[] for _ in per_run]
    for j in range(layers):
        tensors = [run[j].detach().reshape(-1) for run in per_run]
        finite = [t[torch.isfinite(t)] for t in tensors]
        values = torch.cat(finite) if finite else torch.empty(0)
        if values.numel() == 0:
            for i in range(len(per_run)):
                out[i].append({"edges": [], "counts": []})
            continue
        lo, hi = (float(v) for v in torch.aminmax(values))
        if hi == lo:  # one value everywhere (zeros init): a spike
            lo, hi = lo - 0.5, hi + 0.5
        edges = torch.linspace(lo, hi, bins + 1).tolist()
        for i, t in enumerate(finite):
            counts = torch.histc(t, bins=bins, min=lo, max=hi)
            out[i].append({"edges": edges, "counts": [int(c) for c in counts.tolist()]})
    return out


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
