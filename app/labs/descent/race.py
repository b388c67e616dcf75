"""Gradient-descent lab: batch, stochastic and mini-batch descent racing on the notes' line fit.

The notes (002) fit ``y = w·x + b`` to 100 points ``y = 3 + 2x + 0.5·noise`` drawn with NumPy
seed 0, by mini-batches from a shuffling ``DataLoader`` and MSE. Each variant here is that loop with
``torch.optim.SGD``; the notes' loop computes ``h = x*w + b`` on the whole ``x`` instead of the batch
``data``, which would make every variant batch descent, so we use the batch as the notes intend.

A live race runs several variants side by side on one clock: a *tick* is the smallest chosen batch
size worth of examples. At the end of every tick each variant has seen the same examples, so all of
them finish after ``epochs`` epochs: stochastic descent updates every tick, batch descent once per
epoch. ``seed`` sets what the notes say varies between runs (the start ``w, b`` and the shuffle);
the data is always the notes' (NumPy seed ``NOTES_DATA_SEED``).
"""

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from app.labs.common.copying import copy_sharing
from app.labs.common.params import only_lr, set_lr
from app.labs.common.series import evenly
from app.labs.descent.config import (
    NOTES_DATA_SEED,
    X_RANGE,
    DescentConfig,
    OneRun,
    Variant,
    least_squares,
    make_loader,
    mse_grid,
    notes_data,
    start_point,
)
from app.labs.errors import FieldError

MAX_FRAME_POINTS = 300  # path and loss points per variant in a frame


class _Racer:
    """One variant: its own parameters, optimiser and loader over the shared data."""

    def __init__(self, variant: str, cfg: DescentConfig, x: torch.Tensor, y: torch.Tensor) -> None:
        self.variant, self.batch_size = variant, cfg.size_of(variant)
        w0, b0 = start_point(cfg.seed)
        self.w = torch.tensor([w0], requires_grad=True)
        self.b = torch.tensor([b0], requires_grad=True)
        self.optimizer = torch.optim.SGD([self.w, self.b], lr=cfg.lr)
        self.loader = make_loader(x, y, self.batch_size, cfg.seed)
        self.x, self.y = x, y
        self.path: list[list[float]] = [[w0, b0]]
        self.losses: list[float] = []  # batch MSE before each update, as the notes print it
        self.epoch_losses: list[float] = [self.full_loss()]  # whole-data MSE after each epoch
        self.diverged = False
        self._batches: list[tuple[torch.Tensor, torch.Tensor]] = []
        self._ends: list[int] = []  # examples into the epoch at which each batch is used

    def full_loss(self) -> float:
        with torch.no_grad():
            return float(torch.mean((self.x * self.w + self.b - self.y) ** 2))

    def advance(self, seen_in_epoch: int, samples: int) -> None:
        """Make every update whose batch lies within the first ``seen_in_epoch`` examples."""
        if self.diverged:
            return
        if not self._batches:
            self._batches = list(self.loader)  # one shuffle per epoch, drawn at its start
            self._ends = list(np.cumsum([len(d) for d, _ in self._batches]))
        while self._batches and self._ends[0] <= seen_in_epoch:
            data, label = self._batches.pop(0)
            self._ends.pop(0)
            self._update(data, label)
        if seen_in_epoch == samples:
            self.epoch_losses.append(self.full_loss())

    def _update(self, data: torch.Tensor, label: torch.Tensor) -> None:
        self.optimizer.zero_grad()
        loss = torch.mean((data * self.w + self.b - label) ** 2)
        torch.autograd.backward(loss)
        self.optimizer.step()
        value = loss.item()
        self.losses.append(value)
        self.path.append([self.w.item(), self.b.item()])
        if not (math.isfinite(value) and all(math.isfinite(p) for p in self.path[-1])):
            self.diverged = True

    def frame(self, cfg: DescentConfig) -> dict[str, Any]:
        w, b = self.path[-1]
        path = [self.path[i] for i in evenly(len(self.path), MAX_FRAME_POINTS)]
        idx = evenly(len(self.losses), MAX_FRAME_POINTS)
        losses = [self.losses[i] for i in idx]
        return {
            "variant": self.variant,
            "batch_size": self.batch_size,
            "updates": len(self.losses),
            "updates_total": cfg.updates_of(self.variant),
            "w": w,
            "b": b,
            "diverged": self.diverged,
            "path": path,
            "losses": {"update": [i + 1 for i in idx], "loss": losses},
            "epoch_losses": self.epoch_losses,
            "line": [[X_RANGE[0], w * X_RANGE[0] + b], [X_RANGE[1], w * X_RANGE[1] + b]],
        }


class DescentRun:
    """Variants racing on one clock of ticks; see the module docstring. A ``LiveRun``."""

    def __init__(self, config: DescentConfig) -> None:
        self.config = config
        x_np, y_np = notes_data(config.samples, NOTES_DATA_SEED)
        self.x_np, self.y_np = x_np, y_np
        x, y = torch.from_numpy(x_np).float(), torch.from_numpy(y_np).float()
        self.x, self.y = x, y
        self.least_squares = least_squares(x, y)
        self.racers = [_Racer(v, config, x, y) for v in config.variants]
        self.tick = min(r.batch_size for r in self.racers)
        self.ticks_per_epoch = math.ceil(config.samples / self.tick)
        self.total_ticks = self.ticks_for(config)
        self._steps = 0

    @staticmethod
    def ticks_for(config: DescentConfig) -> int:
        """Steps a race of ``config`` takes, known before building it."""
        tick = min(config.size_of(v) for v in config.variants)
        return config.epochs * math.ceil(config.samples / tick)

    def __deepcopy__(self, memo: dict[int, Any]) -> "DescentRun":
        """A branch of this race: its own racers, loaders and shuffles; the data shared."""
        return copy_sharing(self, memo, (self.x_np, self.y_np, self.x, self.y))

    @property
    def steps_done(self) -> int:
        return self._steps

    @property
    def total_steps(self) -> int:
        return self.total_ticks

    @property
    def finished(self) -> bool:
        return self._steps >= self.total_ticks or all(r.diverged for r in self.racers)

    def step(self) -> float:
        """One tick; returns the mean latest batch loss of the variants still running."""
        k = self._steps % self.ticks_per_epoch + 1
        seen = min(k * self.tick, self.config.samples)
        for racer in self.racers:
            racer.advance(seen, self.config.samples)
        self._steps += 1
        alive = [r.losses[-1] for r in self.racers if r.losses and not r.diverged]
        return sum(alive) / len(alive) if alive else math.nan

    def set_params(self, params: Mapping[str, Any]) -> None:
        lr = only_lr(params)
        if lr is not None:
            set_lr((r.optimizer for r in self.racers), lr)

    def frame(self) -> dict[str, Any]:
        epochs_done, k = divmod(self._steps, self.ticks_per_epoch)
        seen = epochs_done * self.config.samples + min(k * self.tick, self.config.samples)
        return {
            "examples_seen": seen,
            "epoch": seen / self.config.samples,
            "epochs": self.config.epochs,
            "lr": self.racers[0].optimizer.param_groups[0]["lr"],
            "least_squares": {"w": self.least_squares[0], "b": self.least_squares[1]},
            "variants": [r.frame(self.config) for r in self.racers],
        }

    def scene(self, grid: int = 60) -> dict[str, Any]:
        """What does not change during a run: the data, the MSE contour and the target."""
        ls_w, ls_b = self.least_squares
        w0, b0 = self.racers[0].path[0]
        w_lo, w_hi = min(w0, ls_w), max(w0, ls_w)
        b_lo, b_hi = min(b0, ls_b), max(b0, ls_b)
        pad = 0.3 * max(w_hi - w_lo, b_hi - b_lo, 1.0)  # room around both the start and the target
        ws = np.linspace(w_lo - pad, w_hi + pad, grid)
        bs = np.linspace(b_lo - pad, b_hi + pad, grid)
        return {
            "data": {"x": self.x_np[:, 0].tolist(), "y": self.y_np[:, 0].tolist()},
            "contour": {"w": ws.tolist(), "b": bs.tolist(), "mse": mse_grid(self.x_np, self.y_np, ws, bs).tolist()},
            "least_squares": {"w": ls_w, "b": ls_b},
            "start": [w0, b0],
            "x_range": list(X_RANGE),
        }


def run(variant: Variant | None = None, *, max_updates: int | None = None, **data: Any) -> dict[str, Any]:
    """One variant to the end: every update's (w, b) and loss, as ``POST /api/descent/run``.

    ``run()`` is the notes' run (``OneRun``'s defaults); ``run("batch", epochs=1)`` changes the
    variant and any of ``DescentData``'s fields. ``path`` starts with the initial (w, b), so it holds
    ``updates + 1`` points; ``losses[i]`` is the batch MSE that update ``i + 1`` descended (before it).
    """
    one = OneRun(**data) if variant is None else OneRun(variant=variant, **data)
    return run_one(one, max_updates)


def run_one(one: OneRun, max_updates: int | None = None) -> dict[str, Any]:
    """``run`` of a validated request; at most ``max_updates`` updates (FieldError on epochs beyond)."""
    cfg = one.race()
    if max_updates is not None and cfg.updates_of(one.variant) > max_updates:
        raise FieldError("epochs", f"{cfg.updates_of(one.variant)} updates exceed the limit of {max_updates}")
    live = DescentRun(cfg)
    while not live.finished:
        live.step()
    racer = live.racers[0]
    w, b = racer.path[-1]
    ls_w, ls_b = live.least_squares
    return {
        "updates": len(racer.losses),
        "w": w,
        "b": b,
        "path": racer.path,
        "losses": racer.losses,
        "least_squares": {"w": ls_w, "b": ls_b},
    }
