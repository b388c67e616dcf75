"""The Loss-landscape lab's configuration: the network and its training, then the plane to look at."""

import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Annotated, Any, Literal

from app.labs.common.compare import twin_of
from app.labs.common.datasets import BuiltIn
from app.labs.errors import FieldError
from app.labs.fields import Cap, Ge, Gt, Help, Le, LearningRate, MinLen, Seed

# Each choice list declared once, as a type (mypy reads it); the tuples derive from it.
# The data sets by the contract's names (no uploads: every run is reproducible); "circle", the Training
# lab's name, is refused with this list.
DatasetName = Literal["moons", "circles", "spiral", "digits", "xor", "gauss", "curve"]
Activation = Literal["relu", "tanh", "sigmoid", "leaky_relu", "elu", "gelu"]
Optimizer = Literal["sgd", "momentum", "adam"]
Direction = Literal["random", "pca"]  # random Gaussian directions, or the training path's principal components
Normalization = Literal["filter", "layer", "none"]  # how a random direction is scaled to the weights (Li et al.)
DATASETS: tuple[DatasetName, ...] = typing.get_args(DatasetName)
ACTIVATIONS: tuple[Activation, ...] = typing.get_args(Activation)
OPTIMIZERS: tuple[Optimizer, ...] = typing.get_args(Optimizer)
DIRECTIONS: tuple[Direction, ...] = typing.get_args(Direction)
NORMALIZATIONS: tuple[Normalization, ...] = typing.get_args(Normalization)
# The Training lab's built-in set each is made with (a test holds the keys to DATASETS, in order)
DATASET_SOURCES: dict[DatasetName, BuiltIn] = {"moons": "moons", "circles": "circle", "spiral": "spiral",
                                               "digits": "digits", "xor": "xor", "gauss": "gauss", "curve": "curve"}

Width = Annotated[int, Ge(1), Cap("max_landscape_width"), Help("units of one hidden layer")]
Hidden = Annotated[tuple[Width, ...], MinLen(1), Cap("max_landscape_depth"), Help("widths of the hidden layers")]


@dataclass(frozen=True)
class Compare:
    """What a comparison twin changes; a field left None stays as in the run."""

    hidden: Hidden | None = None
    activation: Activation | None = None
    residual: bool | None = None
    batch_norm: bool | None = None
    optimizer: Optimizer | None = None
    lr: LearningRate | None = None
    batch_size: Annotated[int, Ge(1), Cap("max_batch_size")] | None = None
    weight_decay: Annotated[float, Ge(0), Le(10)] | None = None
    normalization: Normalization | None = None
    directions: Direction | None = None

    def changes(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


# What a comparison twin may change; data, seed and the plane's grid stay shared.
COMPARABLE = tuple(f.name for f in fields(Compare))


@dataclass(frozen=True)
class LandscapeConfig:
    """A network, its training and the plane around the trained weights; the defaults train a 16-16
    ReLU MLP on the two moons with SGD and look along filter-normalised random directions."""

    dataset: Annotated[DatasetName, Help("a built-in set; circles is the Training lab's circle")] = "moons"
    samples: Annotated[int, Ge(8), Cap("max_landscape_samples"),
                       Help("points generated (not for digits); half train, half test")] = 400
    noise: Annotated[float, Ge(0), Le(1), Help("the data set's noise")] = 0.1
    hidden: Hidden = (16, 16)
    activation: Activation = "relu"
    residual: Annotated[bool, Help("x + block(x) for hidden layers that keep the width")] = False
    batch_norm: Annotated[bool, Help("BatchNorm1d before each hidden activation")] = False
    optimizer: Optimizer = "sgd"
    lr: LearningRate = 0.1
    batch_size: Annotated[int, Ge(1), Cap("max_batch_size"), Help("examples per update")] = 32
    weight_decay: Annotated[float, Ge(0), Le(10), Help("the optimiser's L2 weight decay")] = 0.0
    epochs: Annotated[int, Ge(1), Cap("max_landscape_epochs"), Help("passes over the training set")] = 20
    seed: Seed = 0
    directions: Annotated[Direction, Help("random (normalised) or the training path's PCA")] = "random"
    normalization: Annotated[Normalization,
                             Help("how a random direction is scaled to the weights (Li et al.)")] = "filter"
    grid: Annotated[int, Ge(3), Cap("max_landscape_grid"),
                    Help("points per side; odd puts the trained weights at the centre")] = 21
    span: Annotated[float, Gt(0), Le(100),
                    Help("half-width of the plane: direction units (random), path extents (pca)")] = 1.0
    compare: Annotated[Compare | None, Help("a twin on the same data and seed, with these changes")] = None

    def __post_init__(self) -> None:
        self.check("")
        changes = self.changes()
        object.__setattr__(self, "compare", changes)  # the web's typed form: keep only what it changes
        if changes is not None:
            if not changes:
                raise FieldError("compare", "name at least one setting to change in the comparison run")
            for key in changes:
                if key not in COMPARABLE:
                    raise FieldError(f"compare.{key}", f"cannot be compared; choose from {', '.join(COMPARABLE)}")
            self.twin()

    def changes(self) -> dict[str, Any] | None:
        """What ``compare`` changes, as a mapping (the web gives a ``Compare``, a lab caller a mapping)."""
        compare: Compare | Mapping[str, Any] | None = self.compare
        if isinstance(compare, Compare):
            return compare.changes()
        return None if compare is None else dict(compare)

    def twin(self) -> "LandscapeConfig":
        """The comparison run's config: this one with ``compare`` applied."""
        return twin_of(self, self.changes() or {})

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
