"""Gradient-descent lab: what a race is built from, and the notes' data it runs on.

The notes (002) fit ``y = w·x + b`` to 100 points ``y = 3 + 2x + 0.5·noise`` drawn with NumPy
seed 0, by mini-batches from a shuffling ``DataLoader`` and MSE. ``seed`` sets what the notes say
varies between runs (the start ``w, b`` and the shuffle); the data is always the notes' (NumPy
seed ``data_seed``, 0 by default).
"""

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from app.labs.errors import FieldError

VARIANTS = ("batch", "stochastic", "minibatch")
X_RANGE = (0.0, 2.0)  # x = 2·rand: the fitted line is drawn over this span


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


GRID_CHUNK_CELLS = 1 << 20  # grid cells x samples computed at once: 8 MB of float64, whatever the samples


def mse_grid(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MSE(w, b) on a grid, ``[len(b)][len(w)]`` as Plotly's contour wants it.

    The samples are taken a chunk at a time: a 60 x 60 grid over 20,000 samples at once was a 1.1 GB
    array; in chunks the memory stays ``GRID_CHUNK_CELLS`` however many samples there are."""
    x, y = x.reshape(-1), y.reshape(-1)
    chunk = max(1, GRID_CHUNK_CELLS // (len(w) * len(b)))
    total = np.zeros((len(b), len(w)))
    for start in range(0, len(x), chunk):
        xs, ys = x[None, None, start:start + chunk], y[None, None, start:start + chunk]
        residual = w[None, :, None] * xs + b[:, None, None] - ys
        total += (residual**2).sum(axis=2)
    return total / len(x)
