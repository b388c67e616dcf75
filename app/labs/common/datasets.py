"""Data sets the labs train on (Training, Loss landscape): Playground's 2D sets, a 1D curve and
scikit-learn's 8×8 digits (also the Initialisation lab's), each made once from a seed and never
changed afterwards.

The 2D generators follow TensorFlow Playground's ``dataset.ts`` (noise there moves the point a
label is decided at, except for the spiral, so noise flips labels near the boundary) and are scaled
by 1/5 so every set fits in about [-1, 1]². Each generator is self-contained NumPy so that the
"PyTorch code" panel can print its source verbatim.
"""

import typing
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

import numpy as np
import torch
from sklearn.datasets import load_digits, make_moons  # type: ignore[import-untyped]
from sklearn.model_selection import train_test_split  # type: ignore[import-untyped]

from app.labs.errors import FieldError

Generator = Callable[[int, float, np.random.RandomState], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Dataset:
    """Tensors ready for a model; ``x_* · x_scale + x_shift`` gives the coordinates to draw."""

    name: str
    task: str  # "classification" (int64 labels) or "regression" (float32 targets [n, 1])
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    classes: tuple[str, ...] = ()  # class names, empty for regression
    image_shape: tuple[int, int] | None = None  # rows of pixels when the inputs are images
    x_shift: tuple[float, ...] | None = None  # CSV data is standardised; None means raw
    x_scale: tuple[float, ...] | None = None
    y_shift: float = 0.0  # regression targets likewise
    y_scale: float = 1.0

    @property
    def input_dim(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def outputs(self) -> int:
        return len(self.classes) if self.task == "classification" else 1


def circle(n: int, noise: float, rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 inside radius 2.5, class 0 on the ring 3.5 to 5."""
    half = n // 2
    r = np.concatenate([rng.uniform(0, 2.5, half), rng.uniform(3.5, 5, n - half)])
    angle = rng.uniform(0, 2 * np.pi, n)
    points = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    noisy = points + rng.uniform(-5, 5, (n, 2)) * noise
    labels = (np.linalg.norm(noisy, axis=1) < 2.5).astype(np.int64)
    return points / 5, labels


def xor(n: int, noise: float, rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 where x·y ≥ 0; points kept 0.3 away from the axes."""
    points = rng.uniform(-5, 5, (n, 2))
    points += np.where(points > 0, 0.3, -0.3)
    noisy = points + rng.uniform(-5, 5, (n, 2)) * noise
    labels = (noisy[:, 0] * noisy[:, 1] >= 0).astype(np.int64)
    return points / 5, labels


def gauss(n: int, noise: float, rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussians at (2, 2) and (-2, -2); noise widens them (variance 0.5 at 0, 4 at 0.5)."""
    std = np.sqrt(0.5 + 7 * noise)
    half = n // 2
    points = np.concatenate([rng.normal(2, std, (half, 2)), rng.normal(-2, std, (n - half, 2))])
    labels = np.concatenate([np.ones(half, np.int64), np.zeros(n - half, np.int64)])
    return points / 5, labels


def spiral(n: int, noise: float, rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals, 1.75 turns each; noise jitters the points themselves."""
    parts, labels = [], []
    for delta, label, count in ((0.0, 1, n // 2), (np.pi, 0, n - n // 2)):
        i = np.arange(count)
        r = i / count * 5
        t = 1.75 * i / count * 2 * np.pi + delta
        jitter = rng.uniform(-1, 1, (count, 2)) * noise
        parts.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + jitter)
        labels.append(np.full(count, label, np.int64))
    return np.concatenate(parts) / 5, np.concatenate(labels)


def moons(n: int, noise: float, rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's two moons, centred on the origin."""
    points, labels = make_moons(n_samples=n, noise=noise, random_state=rng)
    return points - np.array([0.5, 0.25]), labels.astype(np.int64)


def curve(n: int, noise: float, rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    """Regression: y = sin(πx) plus Gaussian noise, x uniform in [-1, 1]."""
    x = rng.uniform(-1, 1, (n, 1))
    return x, np.sin(np.pi * x) + noise * rng.normal(size=(n, 1))


# The built-in sets as a type a config field can be (a ``Literal``);
# tests/labs/common/test_choices.py holds BUILT_IN to GENERATORS and "digits", in order.
BuiltIn = Literal["circle", "xor", "gauss", "spiral", "moons", "curve", "digits"]
GENERATORS: dict[str, Generator] = {
    "circle": circle,
    "xor": xor,
    "gauss": gauss,
    "spiral": spiral,
    "moons": moons,
    "curve": curve,
}
BUILT_IN: tuple[BuiltIn, ...] = typing.get_args(BuiltIn)  # "csv" and "fashion" come from the user's files


def split(name: str, x: np.ndarray, y: np.ndarray, test_fraction: float, seed: int) -> Dataset:
    """A seeded train/test split, stratified when every class can be, as tensors.

    Integer ``y`` means classes (named "0", "1", ...; rename with ``dataclasses.replace``), float
    ``y`` means regression targets.
    """
    task = "regression" if y.dtype.kind == "f" else "classification"
    stratify = y if task == "classification" and np.bincount(y).min() >= 2 else None
    try:
        x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=test_fraction, random_state=seed, stratify=stratify)
    except ValueError as exc:  # too few samples for the asked split
        raise FieldError("test_fraction", str(exc)) from exc

    def target(a: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(a).long() if task == "classification" else torch.from_numpy(a).float().reshape(-1, 1)

    classes = tuple(str(c) for c in range(int(y.max()) + 1)) if task == "classification" else ()
    return Dataset(
        name=name,
        task=task,
        x_train=torch.from_numpy(x_tr).float(),
        y_train=target(y_tr),
        x_test=torch.from_numpy(x_te).float(),
        y_test=target(y_te),
        classes=classes,
    )


def make_dataset(
    name: str, samples: int = 400, noise: float = 0.1, test_fraction: float = 0.5, seed: int = 0
) -> Dataset:
    """A built-in set by name; ``samples`` and ``noise`` do not apply to the digits."""
    if name not in BUILT_IN:
        raise FieldError("dataset", f"unknown dataset {name!r}; choose from {', '.join(BUILT_IN)}")
    if not 0.0 < test_fraction < 1.0:
        raise FieldError("test_fraction", f"must be between 0 and 1, got {test_fraction}")
    if name == "digits":
        x, y = digits()
        return replace(split(name, x / 16.0, y, test_fraction, seed), image_shape=(8, 8))
    if samples < 4:
        raise FieldError("samples", f"need at least 4 samples, got {samples}")
    if not 0.0 <= noise <= 1.0:
        raise FieldError("noise", f"must be between 0 and 1, got {noise}")
    # abs: -0.0 passes the range check, but numpy's normal(scale=-0.0) refuses its sign
    x, y = GENERATORS[name](samples, abs(noise), np.random.RandomState(seed))
    return split(name, x, y, test_fraction, seed)


@lru_cache(maxsize=1)
def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1,797 bundled 8×8 digit images (pixels 0-16, float64 [n, 64]) and their labels
    (int64): bundled with scikit-learn, nothing is downloaded. Read-only: callers copy to change."""
    x, y = load_digits(return_X_y=True)
    x.setflags(write=False)
    y = y.astype(np.int64)
    y.setflags(write=False)
    return x, y
