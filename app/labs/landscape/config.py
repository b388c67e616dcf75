"""The Loss-landscape lab's configuration: the network and its training, then the plane to look at."""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from app.labs.common.datasets import BUILT_IN
from app.labs.errors import FieldError

DATASETS = BUILT_IN  # the Training lab's built-in sets (no uploads: every run is reproducible)
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "elu", "gelu")
OPTIMIZERS = ("sgd", "momentum", "adam")
DIRECTIONS = ("random", "pca")  # random Gaussian directions, or the training path's principal components
NORMALIZATIONS = ("filter", "layer", "none")  # how a random direction is scaled to the weights (Li et al.)
# What a comparison twin may change; data, seed and the plane's grid stay shared.
COMPARABLE = ("hidden", "activation", "residual", "batch_norm", "optimizer", "lr", "batch_size",
              "weight_decay", "normalization", "directions")


@dataclass(frozen=True)
class LandscapeConfig:
    dataset: str = "moons"  # one of the Training lab's sets
    samples: int = 400  # points generated (not for digits); half train, half test
    noise: float = 0.1  # the data set's noise
    hidden: tuple[int, ...] = (16, 16)  # widths of the hidden layers
    activation: str = "relu"
    residual: bool = False  # x + block(x) for hidden layers that keep the width
    batch_norm: bool = False  # BatchNorm1d before each hidden activation
    optimizer: str = "sgd"  # sgd | momentum | adam
    lr: float = 0.1  # learning rate
    batch_size: int = 32  # examples per update
    weight_decay: float = 0.0  # the optimiser's L2 weight decay
    epochs: int = 20  # passes over the training set
    seed: int = 0  # initial weights, batch order and random directions
    directions: str = "random"  # random | pca
    normalization: str = "filter"  # filter | layer | none (random directions only)
    grid: int = 21  # points per side of the plane
    span: float = 1.0  # half-width of the plane: direction units (random), path extents (pca)
    compare: Mapping[str, Any] | None = field(default=None, hash=False)  # a twin's changes (live runs)

    def __post_init__(self) -> None:
        self.check("")
        if self.compare is not None:
            if not self.compare:
                raise FieldError("compare", "name at least one setting to change in the comparison run")
            for key in self.compare:
                if key not in COMPARABLE:
                    raise FieldError(f"compare.{key}", f"cannot be compared; choose from {', '.join(COMPARABLE)}")
            self.twin()

    def twin(self) -> "LandscapeConfig":
        """The comparison run's config: this one with ``compare`` applied."""
        changes = dict(self.compare or {})
        if isinstance(changes.get("hidden"), list):
            changes["hidden"] = tuple(changes["hidden"])
        try:
            return replace(self, compare=None, **changes)
        except FieldError as exc:  # name the field as the user sent it: inside "compare"
            raise FieldError(f"compare.{exc.field}", exc.message) from None

    def check(self, prefix: str) -> None:
        choices = {"dataset": DATASETS, "activation": ACTIVATIONS, "optimizer": OPTIMIZERS,
                   "directions": DIRECTIONS, "normalization": NORMALIZATIONS}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise FieldError(f"{prefix}{name}",
                                 f"unknown {name} {getattr(self, name)!r}; choose from {', '.join(allowed)}")
        if not self.hidden:
            raise FieldError(f"{prefix}hidden", "give at least one hidden layer")
        for width in self.hidden:
            if not isinstance(width, int) or width < 1:
                raise FieldError(f"{prefix}hidden", f"every hidden layer needs a whole number of units, got {width!r}")
        for name, low in (("samples", 8), ("batch_size", 1), ("epochs", 1), ("grid", 3)):
            if getattr(self, name) < low:
                raise FieldError(f"{prefix}{name}", f"must be at least {low}, got {getattr(self, name)}")
        if self.batch_norm and self.batch_size < 2:
            raise FieldError(f"{prefix}batch_size", "batch norm needs at least 2 examples per batch")
        for name in ("lr", "span"):
            if not (math.isfinite(getattr(self, name)) and getattr(self, name) > 0):
                raise FieldError(f"{prefix}{name}", f"must be a positive finite number, got {getattr(self, name)!r}")
        if not (math.isfinite(self.weight_decay) and self.weight_decay >= 0):
            raise FieldError(f"{prefix}weight_decay", f"must be a finite number ≥ 0, got {self.weight_decay!r}")
        if not 0 <= self.noise <= 1:
            raise FieldError(f"{prefix}noise", f"must be between 0 and 1, got {self.noise!r}")
