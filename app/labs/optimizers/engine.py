"""One batched forward/backward for every racer, then each torch.optim optimiser steps its own rows.

All points live in one float64 buffer of shape [R, 2]. Each racer (or swarm) owns a block of rows
and its parameter is a leaf tensor sharing that block's storage, so ``optimizer.step()`` moves the
buffer in place. The surface is evaluated once on a second leaf over the whole buffer; its gradient
is handed to each racer as a view. Per step this costs one forward and one backward for everyone,
instead of one each, which is most of an eager 2-element step.
"""

from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor

from app.labs.optimizers.evaluate import SurfaceFn
from app.labs.optimizers.specs import OptimizerSpec, build_optimizers

DTYPE = torch.float64  # the optimisers' arithmetic is exact enough to compare with plain loops


@dataclass
class Block:
    spec: OptimizerSpec
    rows: slice  # this block's rows of the buffer
    param: Tensor  # leaf over those rows: what the optimiser owns
    optimizer: torch.optim.Optimizer
    group: dict[str, Any]  # its param group in ``optimizer``
    active: bool = True  # a diverged racer gets no gradient, so torch.optim leaves it where it is


class Batch:
    """Blocks of points, each advanced by its own torch.optim optimiser over one shared surface."""

    def __init__(self, surface: SurfaceFn, starts: list[Tensor], specs: list[OptimizerSpec]) -> None:
        self.surface = surface
        self.points = torch.cat([s.reshape(-1, 2) for s in starts]).to(DTYPE)  # [R, 2], moved in place
        bounds, a = [], 0
        for s in starts:
            bounds.append(slice(a, a + s.reshape(-1, 2).shape[0]))
            a = bounds[-1].stop
        params = [self.points[rows].detach().requires_grad_() for rows in bounds]
        built = build_optimizers(specs, params)
        self.blocks = [
            Block(spec, rows, param, optimizer, group)
            for spec, rows, param, (optimizer, group) in zip(specs, bounds, params, built, strict=True)
        ]
        self.optimizers = list(dict.fromkeys(b.optimizer for b in self.blocks))  # each class once
        self._leaf = self.points.detach().requires_grad_()  # what the surface is evaluated on
        self.grad = torch.zeros_like(self.points)  # gradient behind the last step
        self.values = self._forward()  # surface values at ``points``

    def _forward(self) -> Tensor:
        # The graph is kept for the next step's backward: evaluating the new points once serves
        # both the values recorded now and the gradient used next.
        values = self.surface(self._leaf[:, 0], self._leaf[:, 1])
        self._pending = values.sum()
        return values.detach()

    def advance(self) -> Tensor:
        """One optimiser step for every active block; returns the surface at the new points."""
        self._leaf.grad = None
        self._pending.backward()  # type: ignore[no-untyped-call]
        grad = self._leaf.grad
        assert grad is not None  # the surface uses x or y, so the leaf always receives a gradient
        for block in self.blocks:
            block.param.grad = grad[block.rows] if block.active else None
        for optimizer in self.optimizers:
            optimizer.step()
        self.grad = grad
        self.values = self._forward()
        return self.values
