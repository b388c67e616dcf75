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

from app.labs.common.copying import copy_sharing
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
    active: bool = True

    def stop(self) -> None:
        """A diverged racer: with no gradient, torch.optim skips it and it stays where it is."""
        self.active = False
        self.param.grad = None


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
        # The gradient behind the last step. Each racer's .grad is a view of its rows, set once:
        # a step then copies one tensor instead of assigning a .grad per racer.
        self.grad = torch.zeros_like(self.points)
        for block in self.blocks:
            block.param.grad = self.grad[block.rows]
        self.values = self._forward()  # surface values at ``points``

    def __deepcopy__(self, memo: dict[int, Any]) -> "Batch":
        """Its own points, optimisers and gradient; the pending graph (which autograd cannot copy)
        is rebuilt on the copy's points, giving the same values bit for bit."""
        pending = self.__dict__.pop("_pending")
        try:
            new = copy_sharing(self, memo, ())
        finally:
            self._pending = pending
        new._forward()
        return new

    def _forward(self) -> Tensor:
        # The graph is kept for the next step's backward: evaluating the new points once serves
        # both the values recorded now and the gradient used next.
        x, y = self._leaf.unbind(1)
        values = self.surface(x, y)
        self._pending = values.sum()
        return values.detach()

    def advance(self) -> Tensor:
        """One optimiser step for every active block; returns the surface at the new points."""
        (grad,) = torch.autograd.grad(self._pending, self._leaf)
        self.grad.copy_(grad)
        for optimizer in self.optimizers:
            optimizer.step()
        self.values = self._forward()
        return self.values
