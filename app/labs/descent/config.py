"""Gradient-descent lab: what a race is built from, and the notes' data it runs on.

The notes (002) fit ``y = w·x + b`` to 100 points ``y = 3 + 2x + 0.5·noise`` drawn with NumPy
seed 0, by mini-batches from a shuffling ``DataLoader`` and MSE. ``seed`` sets what the notes say
varies between runs (the start ``w, b`` and the shuffle); the data is always the notes' (NumPy
seed ``NOTES_DATA_SEED``).

Each field is declared once here (type, default, bounds, choices, the settings cap and help; see
app/labs/fields.py): the web layer derives the race's config, the one-shot run's request, their
validation, OpenAPI schema, the page's form and the code panel from these declarations.
"""

import math
import typing
from dataclasses import dataclass, fields
from typing import Annotated, Any, Literal

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from app.labs.errors import FieldError
from app.labs.fields import Cap, Distinct, Ge, Help, LearningRate, MaxLen, MinLen, Seed, within

Variant = Literal["batch", "stochastic", "minibatch"]  # the choices; size_of is keyed by them
VARIANTS: tuple[Variant, ...] = typing.get_args(Variant)
LIVE_PARAMS = ("lr",)  # what a ``set`` message may change during a race
NOTES_DATA_SEED = 0  # the notes' np.random.seed(0): the data never varies, only the start and shuffle
X_RANGE = (0.0, 2.0)  # x = 2·rand: the fitted line is drawn over this span


@dataclass(frozen=True)
class DescentData:
    """What every variant shares: the data, the batches, the step size and the seed."""

    batch_size: Annotated[int, Ge(1), Cap("max_batch_size"),
                          Help("mini-batch size; batch uses every sample, stochastic one")] = 20
    epochs: Annotated[int, Ge(1), Cap("max_epochs"), Help("passes over the data (notes: 50)")] = 50
    lr: LearningRate = 0.01  # the notes' 0.01
    samples: Annotated[int, Ge(2), Cap("max_samples"),
                       Help("points of the notes' data, y = 3 + 2x + 0.5·noise")] = 100
    seed: Annotated[Seed, Help("the start (w, b) and the shuffle order")] = 0

    def _check_data(self, batch_limited: bool) -> None:
        """Each number within its declared bounds; a batch of at most ``samples`` where it is used."""
        for f in fields(DescentData):
            within(_HINTS[f.name], getattr(self, f.name), f.name)
        if batch_limited and self.batch_size > self.samples:
            raise FieldError("batch_size", f"must be between 1 and samples={self.samples}, got {self.batch_size}")

    def size_of(self, variant: str) -> int:
        return {"batch": self.samples, "stochastic": 1, "minibatch": self.batch_size}[variant]

    def updates_of(self, variant: str) -> int:
        return self.epochs * math.ceil(self.samples / self.size_of(variant))


_HINTS = typing.get_type_hints(DescentData, include_extras=True)


def _check_variant(variant: Any, where: str) -> None:
    if variant not in VARIANTS:
        raise FieldError(where, f"unknown variant {variant!r}; choose from {', '.join(VARIANTS)}")


@dataclass(frozen=True)
class DescentConfig(DescentData):
    """A live race; ``{}`` races batch, stochastic and mini-batch descent on the notes' data."""

    variants: Annotated[tuple[Variant, ...], MinLen(1), MaxLen(len(VARIANTS)), Distinct(),
                        Help("raced side by side, same start and data, each at most once")] = VARIANTS

    def __post_init__(self) -> None:
        if not self.variants:
            raise FieldError("variants", "pick at least one variant")
        for v in self.variants:
            _check_variant(v, "variants")
        if len(set(self.variants)) != len(self.variants):
            raise FieldError("variants", f"each variant at most once, got {list(self.variants)}")
        self._check_data(batch_limited="minibatch" in self.variants)


@dataclass(frozen=True)
class OneRun(DescentData):
    """One variant to the end; ``{}`` is the notes' run, by mini-batches."""

    variant: Annotated[Variant, Help("the variant run to the end")] = "minibatch"

    def __post_init__(self) -> None:
        _check_variant(self.variant, "variant")
        self._check_data(batch_limited=self.variant == "minibatch")  # ignored otherwise, so never refused

    def race(self) -> DescentConfig:
        """The race of this one variant (a batch size it ignores held within the samples)."""
        size = self.batch_size if self.variant == "minibatch" else min(self.batch_size, self.samples)
        data = {f.name: getattr(self, f.name) for f in fields(DescentData)}
        return DescentConfig(**{**data, "batch_size": size}, variants=(self.variant,))


def notes_data(samples: int = DescentData.samples, seed: int = NOTES_DATA_SEED) -> tuple[np.ndarray, np.ndarray]:
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
