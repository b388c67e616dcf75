"""A swarm: thousands of starting points advanced at once, one [N, 2] tensor per optimiser.

SGD, Adagrad, RMSprop and Adam(W) act element by element, so every row of the tensor follows exactly
the path a lone 2-element parameter would: one batched step moves N independent trajectories. The
picture is a cloud draining into basins of attraction, and a count of who ends where.
"""

import math
import typing
from typing import Any, Literal

import torch
from torch import Tensor

from app.labs.errors import FieldError
from app.labs.optimizers.engine import DTYPE, Batch, Block
from app.labs.optimizers.specs import OptimizerSpec
from app.labs.optimizers.surfaces import Surface

Layout = Literal["grid", "random"]
LAYOUTS: tuple[Layout, ...] = typing.get_args(Layout)
MAX_SWARM = 10_000  # the settings' default; the web layer passes its own
BASIN_RADIUS = 0.025  # of the domain's larger side: close enough to a minimum to say it arrived
# basin codes per point, after the minima's own indices 0, 1, 2...
MOVING, ESCAPED, DIVERGED = -1, -2, -3


def swarm_starts(surface: Surface, n: int, layout: str, seed: int) -> Tensor:
    """``n`` starting points over the surface's domain: a square grid of cell centres (the largest
    that fits in ``n``) or ``n`` seeded uniform points."""
    (x0, x1), (y0, y1) = surface.domain
    if layout == "grid":
        side = max(1, math.isqrt(n))
        xs = x0 + (torch.arange(side, dtype=DTYPE) + 0.5) * (x1 - x0) / side
        ys = y0 + (torch.arange(side, dtype=DTYPE) + 0.5) * (y1 - y0) / side
        gy, gx = torch.meshgrid(ys, xs, indexing="ij")
        return torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1)
    if layout == "random":
        generator = torch.Generator().manual_seed(seed)
        unit = torch.rand(n, 2, generator=generator, dtype=DTYPE)
        return unit * torch.tensor([x1 - x0, y1 - y0], dtype=DTYPE) + torch.tensor([x0, y0], dtype=DTYPE)
    raise FieldError("swarm_layout", f"unknown layout {layout!r}; use grid or random")


def sample(n: int, shown: int, seed: int, grid: bool) -> Tensor:
    """Indices of the points drawn each frame: fixed, so the cloud moves rather than flickers.

    A grid keeps a coarser sub-grid (every k-th row and column), so the basin map stays a grid;
    a random cloud keeps a seeded random subset.
    """
    side = math.isqrt(n)
    if shown >= n:
        return torch.arange(n)
    if grid and side * side == n:
        stride = math.ceil(side / max(1, math.isqrt(shown)))
        keep = torch.arange(stride // 2, side, stride)
        return (keep[:, None] * side + keep[None, :]).reshape(-1)
    return torch.randperm(n, generator=torch.Generator().manual_seed(seed))[:shown].sort().values


FRAME_POINTS = 20_000  # points of all clouds in one frame: 8 x 10,000 at full precision were 5.3 MB
DIGITS = 5  # significant digits of a drawn point: far finer than a pixel, a third of a double's text


def shown_per_cloud(cloud_points: int, clouds: int) -> int:
    """How many points of each cloud a frame draws: what was asked, within the frame's budget."""
    return max(1, min(cloud_points, FRAME_POINTS // max(1, clouds)))


def significant(t: Tensor, digits: int = DIGITS) -> Tensor:
    """``t`` rounded to ``digits`` significant digits (non-finite values as they are): a frame's JSON
    then writes ``1.2346`` rather than ``1.2345678901234567``, and the socket compresses less."""
    magnitude = torch.floor(torch.log10(t.abs().double().clamp_min(1e-300)))
    scale = torch.pow(10.0, digits - 1 - magnitude)
    rounded = torch.round(t.double() * scale) / scale
    return torch.where(torch.isfinite(rounded) & (t != 0), rounded, t.double())


class Swarm:
    """The same starting cloud given to each optimiser; every cloud one parameter tensor."""

    def __init__(
        self, surface: Surface, specs: list[OptimizerSpec], starts: Tensor, shown: int, seed: int, grid: bool = False
    ) -> None:
        self.surface = surface
        self.specs = specs
        self.starts = starts
        self.batch = Batch(surface, [starts] * len(specs), specs)
        self.steps_done = 0
        self.shown = sample(starts.shape[0], shown, seed, grid)
        (x0, x1), (y0, y1) = surface.domain
        self._radius = BASIN_RADIUS * max(x1 - x0, y1 - y0)
        self._minima = torch.tensor(surface.minima, dtype=DTYPE).reshape(-1, 2)

    @property
    def size(self) -> int:
        return int(self.starts.shape[0])

    def step(self) -> float:
        """One step for every cloud; the mean surface value over the points still on the map (nan if
        none). Points that left the map are out of the mean: a runaway cloud's 1e300s would overflow
        it to inf (which ends a run) and squash every other cloud's curve."""
        values = self.batch.advance()
        self.steps_done += 1
        kept = values[self._on_map(self.batch.points, values)]
        return float(kept.mean()) if kept.numel() else math.nan

    def _on_map(self, points: Tensor, values: Tensor) -> Tensor:
        """Which points are finite and inside the surface's domain."""
        (x0, x1), (y0, y1) = self.surface.domain
        x, y = points[:, 0], points[:, 1]
        return torch.isfinite(values) & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)

    def basins(self, block: Block) -> Tensor:
        """Per point: the index of the minimum it has reached, or MOVING, ESCAPED, DIVERGED."""
        points = self.batch.points[block.rows]
        values = self.batch.values[block.rows]
        code = torch.full((points.shape[0],), MOVING, dtype=torch.long)
        if self._minima.numel():
            distance, nearest = torch.cdist(points, self._minima).min(dim=1)
            arrived = distance < self._radius
            code[arrived] = nearest[arrived]
        (x0, x1), (y0, y1) = self.surface.domain
        x, y = points[:, 0], points[:, 1]
        code[(x < x0) | (x > x1) | (y < y0) | (y > y1)] = ESCAPED
        code[~(torch.isfinite(points).all(dim=1) & torch.isfinite(values))] = DIVERGED
        return code

    def cloud(self, i: int) -> dict[str, Any]:
        """Optimiser ``i``'s cloud for a frame: the shown sample (points, values, basin codes) and the
        counts over all points."""
        block = self.batch.blocks[i]
        code = self.basins(block)
        counts = torch.bincount(code + 3, minlength=3 + len(self.surface.minima)).tolist()
        return {
            "points": significant(self.batch.points[block.rows][self.shown]).tolist(),
            "values": significant(self.batch.values[block.rows][self.shown]).tolist(),
            "basin": code[self.shown].tolist(),
            "counts": {
                "minima": counts[3:],
                "moving": counts[3 + MOVING],
                "escaped": counts[3 + ESCAPED],
                "diverged": counts[3 + DIVERGED],
            },
            "mean_value": self.cloud_mean(i),
        }

    def cloud_mean(self, i: int) -> float:
        """Optimiser ``i``'s mean surface value over its points still on the map (nan once all left)."""
        rows = self.batch.blocks[i].rows
        values = self.batch.values[rows]
        kept = values[self._on_map(self.batch.points[rows], values)]
        return float(kept.mean()) if kept.numel() else math.nan
