"""Gradient-descent lab: batch, stochastic and mini-batch descent on the notes' line fit.

The notes (002) fit ``y = w·x + b`` to 100 points ``y = 3 + 2x + 0.5·noise`` drawn with NumPy
seed 0, by mini-batches from a shuffling ``DataLoader`` and MSE. Each variant here is that loop with
``torch.optim.SGD``; the notes' loop computes ``h = x*w + b`` on the whole ``x`` instead of the batch
``data``, which would make every variant batch descent, so we use the batch as the notes intend.

A live race runs several variants side by side on one clock: a *tick* is the smallest chosen batch
size worth of examples. At the end of every tick each variant has seen the same examples, so all of
them finish after ``epochs`` epochs: stochastic descent updates every tick, batch descent once per
epoch. ``seed`` sets what the notes say varies between runs (the start ``w, b`` and the shuffle);
the data is always the notes' (NumPy seed ``data_seed``, 0 by default).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from app.labs.common.copying import copy_sharing
from app.labs.errors import FieldError

VARIANTS = ("batch", "stochastic", "minibatch")
X_RANGE = (0.0, 2.0)  # x = 2·rand: the fitted line is drawn over this span
MAX_FRAME_POINTS = 300  # path and loss points per variant in a frame


@dataclass(frozen=True)
class DescentConfig:
    variants: tuple[str, ...] = VARIANTS  # raced side by side, same start and data
    batch_size: int = 20  # mini-batch size; batch uses all samples, stochastic 1
    epochs: int = 50  # passes over the data (notes: 50)
    lr: float = 0.01  # learning rate (notes: 0.01)
    samples: int = 100  # points (notes: 100)
    seed: int = 0  # start (w, b) and shuffle order
    data_seed: int = 0  # NumPy seed of the data (notes: 0)

    def __post_init__(self) -> None:
        if not self.variants:
            raise FieldError("variants", "pick at least one variant")
        for v in self.variants:
            if v not in VARIANTS:
                raise FieldError("variants", f"unknown variant {v!r}; choose from {', '.join(VARIANTS)}")
        if len(set(self.variants)) != len(self.variants):
            raise FieldError("variants", f"each variant at most once, got {list(self.variants)}")
        if self.samples < 2:
            raise FieldError("samples", f"need at least 2 samples, got {self.samples}")
        if not 1 <= self.batch_size <= self.samples:
            raise FieldError("batch_size", f"must be between 1 and samples={self.samples}, got {self.batch_size}")
        if self.epochs < 1:
            raise FieldError("epochs", f"must be at least 1, got {self.epochs}")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise FieldError("lr", f"must be a positive finite number, got {self.lr}")

    def size_of(self, variant: str) -> int:
        return {"batch": self.samples, "stochastic": 1, "minibatch": self.batch_size}[variant]

    def updates_of(self, variant: str) -> int:
        return self.epochs * math.ceil(self.samples / self.size_of(variant))


def notes_data(samples: int = 100, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The notes' data; a private RandomState gives the same numbers as ``np.random.seed`` did."""
    rng = np.random.RandomState(seed)
    x = 2 * rng.rand(samples, 1)
    y = 3 + 2 * x + rng.randn(samples, 1) * 0.5
    return x, y


def least_squares(x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """The exact minimiser of the MSE, the target every variant walks towards.

    The closed form of a line fit, w = cov(x, y) / var(x) and b = ȳ − w·x̄, with exactly rounded
    sums: LAPACK's lstsq can differ in the last bit from one thread to another.
    """
    xs, ys = x.double().reshape(-1).tolist(), y.double().reshape(-1).tolist()
    n = len(xs)
    mx, my = math.fsum(xs) / n, math.fsum(ys) / n
    sxy = math.fsum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True))
    sxx = math.fsum((a - mx) ** 2 for a in xs)
    w = sxy / sxx
    return w, my - w * mx


def make_loader(x: torch.Tensor, y: torch.Tensor, batch_size: int, seed: int) -> DataLoader[Any]:
    """The notes' ``DataLoader(dataset, batch_size, shuffle=True)`` with a seeded shuffle."""
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, generator=generator)


def start_point(seed: int) -> tuple[float, float]:
    """``w, b = torch.randn(1), torch.randn(1)`` as in the notes, from a seeded generator."""
    g = torch.Generator().manual_seed(seed)
    return float(torch.randn(1, generator=g)), float(torch.randn(1, generator=g))


def mse_grid(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MSE(w, b) on a grid, ``[len(b)][len(w)]`` as Plotly's contour wants it."""
    residual = w[None, :, None] * x.reshape(1, 1, -1) + b[:, None, None] - y.reshape(1, 1, -1)
    return np.asarray((residual**2).mean(axis=2))


def _downsample(points: list[Any], limit: int = MAX_FRAME_POINTS) -> tuple[list[int], list[Any]]:
    """Every k-th item plus the last, at most ``limit + 1``; returns the kept indices too."""
    stride = max(1, math.ceil(len(points) / limit))
    idx = list(range(0, len(points), stride))
    if idx and idx[-1] != len(points) - 1:
        idx.append(len(points) - 1)
    return idx, [points[i] for i in idx]


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
        _, path = _downsample(self.path)
        idx, losses = _downsample(self.losses)
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
        x_np, y_np = notes_data(config.samples, config.data_seed)
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
        for key, value in params.items():
            if key != "lr":
                raise FieldError(key, "only lr can change during a run")
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise FieldError("lr", f"must be a positive finite number, got {value!r}")
            for racer in self.racers:
                for group in racer.optimizer.param_groups:
                    group["lr"] = float(value)

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


def run(
    variant: str = "minibatch",
    batch_size: int = 20,
    epochs: int = 50,
    lr: float = 0.01,
    samples: int = 100,
    seed: int = 0,
    max_updates: int | None = None,
) -> dict[str, Any]:
    """One variant to the end: every update's (w, b) and loss, as ``POST /api/descent/run``.

    ``path`` starts with the initial (w, b), so it holds ``updates + 1`` points; ``losses[i]`` is the
    batch MSE that update ``i + 1`` descended (before it). ``batch_size`` matters for minibatch only.
    """
    if variant not in VARIANTS:
        raise FieldError("variant", f"unknown variant {variant!r}; choose from {', '.join(VARIANTS)}")
    if variant != "minibatch":
        batch_size = min(max(batch_size, 1), samples)  # ignored, but must not fail validation
    cfg = DescentConfig(variants=(variant,), batch_size=batch_size, epochs=epochs, lr=lr, samples=samples, seed=seed)
    if max_updates is not None and cfg.updates_of(variant) > max_updates:
        raise FieldError("epochs", f"{cfg.updates_of(variant)} updates exceed the limit of {max_updates}")
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


def pytorch_code(config: DescentConfig) -> str:
    """The notes' script for the first chosen variant, fixed to use each batch and seeded."""
    size = config.size_of(config.variants[0])
    return f"""import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

np.random.seed({config.data_seed})
x = 2 * np.random.rand({config.samples}, 1)
y = 3 + 2 * x + np.random.randn({config.samples}, 1) * 0.5
x = torch.from_numpy(x).float()
y = torch.from_numpy(y).float()

# {config.variants[0]} gradient descent: batch size {size}
dataloader = DataLoader(TensorDataset(x, y), batch_size={size}, shuffle=True,
                        generator=torch.Generator().manual_seed({config.seed}))
g = torch.Generator().manual_seed({config.seed})
w = torch.randn(1, generator=g).requires_grad_()
b = torch.randn(1, generator=g).requires_grad_()
optimizer = torch.optim.SGD([w, b], lr={config.lr!r})

updates = 0
for epoch in range(1, {config.epochs + 1}):
    for batch_idx, (data, label) in enumerate(dataloader):
        h = data * w + b  # predict on this batch, not on the whole x
        loss = torch.mean((h - label) ** 2)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        updates += 1
    print("epoch (%d) loss=%.3f" % (epoch, loss.item()))
print("updates=%d w=%.3f b=%.3f" % (updates, w.item(), b.item()))
"""
