"""The training lab's configuration: data, model, optimiser, regularisation, and a comparison."""

import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal

from app.labs.common.compare import twin_of
from app.labs.common.datasets import BuiltIn
from app.labs.errors import FieldError
from app.labs.fields import Cap, Distinct, Ge, Gt, Help, Le, LearningRate, Lt, MaxLen, MinLen, Seed
from app.labs.training.features import FEATURES, RAW, Feature, check_features
from app.labs.training.model import ACTIVATIONS, INITS, OPTIMIZERS, Activation, Init, Optimizer

DatasetName = Literal[BuiltIn, "csv", "fashion"]  # csv and fashion need the user's data passed in
DATASETS: tuple[DatasetName, ...] = typing.get_args(DatasetName)
# Whose points sit on the (x1, x2) plane: the page draws those there and offers the feature inputs for them
# (GET /api/training/datasets). A CSV is x1,x2,label, or x,y, for which the run refuses features.
PLANE: dict[DatasetName, bool] = {
    "circle": True, "xor": True, "gauss": True, "spiral": True, "moons": True, "curve": False, "digits": False,
    "csv": True, "fashion": False,
}  # fmt: skip
# What a comparison run may change; data, batches, epochs and seed stay shared so the two runs
# see the same examples in the same order.
COMPARABLE = (
    "hidden", "activation", "init", "optimizer", "lr", "weight_decay", "l1", "dropout",
    "batch_norm", "residual", "clip_norm",
)  # fmt: skip
LIVE_PARAMS = ("lr", "weight_decay", "l1", "dropout", "clip_norm")  # changeable mid-run


Penalty = Annotated[float, Ge(0), Le(10)]
Width = Annotated[int, Ge(1), Cap("max_width")]


# Each field declared once: type, default, bounds, choices, the settings cap and the help text. The
# web layer derives the run config, the comparison's changes and the mid-run params from it.
@dataclass(frozen=True)
class TrainingConfig:
    """A live training run; the defaults train a 16-16 ReLU MLP on the two moons with Adam."""

    dataset: Annotated[DatasetName, Help("csv and fashion need the user's data")] = "moons"
    samples: Annotated[int, Ge(4), Cap("max_samples"),
                       Help("points generated; images kept per part for fashion")] = 400
    noise: Annotated[float, Ge(0), Le(1), Help("Playground's noise for 2D sets, std for moons and curve")] = 0.1
    test_fraction: Annotated[float, Gt(0), Lt(1), Help("share held out as the test set")] = 0.5
    data_seed: Annotated[Seed, Help("which sample of the data; seed is the model's")] = 0
    hidden: Annotated[tuple[Width, ...], Cap("max_depth"), Help("widths of the hidden layers")] = (16, 16)
    activation: Activation = "relu"
    init: Annotated[Init, Help("a torch.nn.init method, or PyTorch's default")] = "default"
    optimizer: Optimizer = "adam"
    lr: LearningRate = 0.01
    batch_size: Annotated[int, Ge(1), Cap("max_batch_size"), Help("examples per update")] = 16
    epochs: Annotated[int, Ge(1), Cap("max_epochs"), Help("passes over the training set")] = 60
    weight_decay: Annotated[Penalty, Help("L2 penalty on weights (the optimiser's weight_decay)")] = 0.0
    l1: Annotated[Penalty, Help("L1 penalty on weights, added to the loss")] = 0.0
    dropout: Annotated[float, Ge(0), Lt(1), Help("drop probability after each hidden activation")] = 0.0
    batch_norm: Annotated[bool, Help("BatchNorm1d before each hidden activation")] = False
    residual: Annotated[bool, Help("x + block(x) for hidden blocks that keep the width")] = False
    clip_norm: Annotated[float, Ge(0), Le(1e6), Help("clip_grad_norm_ max norm; 0 = off")] = 0.0
    seed: Annotated[Seed, Help("initial weights, batch order and dropout masks")] = 0
    features: Annotated[tuple[Feature, ...], MinLen(1), MaxLen(len(FEATURES)), Distinct(),
                        Help("what a 2D set's model sees, each at most once")] = RAW
    network_view: Annotated[bool, Help("2D sets: the network, each neuron a map of the plane, in every frame")] = True
    # the twin run's changes: any of COMPARABLE (the web layer derives its model from this class)
    compare: Mapping[str, Any] | None = field(default=None, hash=False)

    def __post_init__(self) -> None:
        if self.dataset not in DATASETS:
            raise FieldError("dataset", f"unknown dataset {self.dataset!r}; choose from {', '.join(DATASETS)}")
        if not self.hidden and self.residual:
            raise FieldError("residual", "residual connections need at least one hidden layer")
        _check_model(self, "")
        check_features(self.features)
        if self.batch_size < 1:
            raise FieldError("batch_size", f"must be at least 1, got {self.batch_size}")
        if self.epochs < 1:
            raise FieldError("epochs", f"must be at least 1, got {self.epochs}")
        if self.compare is not None:
            for key in self.compare:
                if key not in COMPARABLE:
                    raise FieldError(f"compare.{key}", f"cannot be compared; choose from {', '.join(COMPARABLE)}")
            if not self.compare:
                raise FieldError("compare", "name at least one setting to change in the comparison run")
            twin = self.twin()
            _check_model(twin, "compare.")

    def twin(self) -> "TrainingConfig":
        """The comparison run's config: this one with ``compare`` applied and no comparison."""
        return twin_of(self, self.compare or {})

    def live_update(self, params: Mapping[str, Any]) -> "TrainingConfig":
        """This config with mid-run changes applied, validated like a new one."""
        for key in params:
            if key not in LIVE_PARAMS:
                raise FieldError(key, f"cannot change during a run; {', '.join(LIVE_PARAMS)} can")
        return replace(self, **params)


def _check_model(cfg: TrainingConfig, prefix: str) -> None:
    """The settings a comparison may change, checked with the field named as the user sent it."""
    for width in cfg.hidden:
        if not isinstance(width, int) or width < 1:
            raise FieldError(f"{prefix}hidden", f"every hidden layer needs a whole number of units, got {width!r}")
    choices = {"activation": ACTIVATIONS, "init": INITS, "optimizer": OPTIMIZERS}
    for name, allowed in choices.items():
        if getattr(cfg, name) not in allowed:
            raise FieldError(
                f"{prefix}{name}", f"unknown {name} {getattr(cfg, name)!r}; choose from {', '.join(allowed)}"
            )
    _positive(cfg.lr, f"{prefix}lr")
    for name in ("weight_decay", "l1", "clip_norm"):
        value = getattr(cfg, name)
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
            raise FieldError(f"{prefix}{name}", f"must be a finite number ≥ 0, got {value!r}")
    if not (isinstance(cfg.dropout, (int, float)) and 0 <= cfg.dropout < 1):
        raise FieldError(f"{prefix}dropout", f"must be at least 0 and below 1, got {cfg.dropout!r}")


def _positive(value: Any, name: str) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise FieldError(name, f"must be a positive finite number, got {value!r}")
