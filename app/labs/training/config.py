"""The training lab's configuration: data, model, optimiser, regularisation, and a comparison."""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from app.labs.errors import FieldError
from app.labs.training.datasets import BUILT_IN
from app.labs.training.features import RAW, check_features
from app.labs.training.model import ACTIVATIONS, INITS, OPTIMIZERS

DATASETS = (*BUILT_IN, "csv", "fashion")  # csv and fashion need the user's data passed in
# What a comparison run may change; data, batches, epochs and seed stay shared so the two runs
# see the same examples in the same order.
COMPARABLE = (
    "hidden", "activation", "init", "optimizer", "lr", "weight_decay", "l1", "dropout",
    "batch_norm", "residual", "clip_norm",
)  # fmt: skip
LIVE_PARAMS = ("lr", "weight_decay", "l1", "dropout", "clip_norm")  # changeable mid-run


@dataclass(frozen=True)
class TrainingConfig:
    dataset: str = "moons"  # circle | xor | gauss | spiral | moons | curve | digits | csv | fashion
    samples: int = 400  # points generated (2D sets, curve); images kept per part (fashion)
    noise: float = 0.1  # Playground's noise for 2D sets (0-0.5 there), std for moons and curve
    test_fraction: float = 0.5  # share held out as the test set
    data_seed: int = 0  # which sample of the data; seed below is the model's
    hidden: tuple[int, ...] = (16, 16)  # widths of the hidden layers
    activation: str = "relu"  # sigmoid | tanh | relu | leaky_relu | elu | gelu
    init: str = "default"  # a torch.nn.init method, or PyTorch's default
    optimizer: str = "adam"  # sgd | momentum | nesterov | adagrad | rmsprop | adam | adamw
    lr: float = 0.01  # learning rate
    batch_size: int = 16  # examples per update
    epochs: int = 60  # passes over the training set
    weight_decay: float = 0.0  # L2 penalty on weights (the optimiser's weight_decay)
    l1: float = 0.0  # L1 penalty on weights, added to the loss
    dropout: float = 0.0  # drop probability after each hidden activation
    batch_norm: bool = False  # BatchNorm1d before each hidden activation
    residual: bool = False  # x + block(x) for hidden blocks that keep the width
    clip_norm: float = 0.0  # clip_grad_norm_ max norm; 0 = off
    seed: int = 0  # initial weights, batch order and dropout masks
    features: tuple[str, ...] = RAW  # what a 2D set's model sees: x1 x2 x1_squared x2_squared x1_x2 sin_x1 sin_x2
    network_view: bool = True  # 2D sets: every frame draws the network, each neuron as a map of the plane
    compare: Mapping[str, Any] | None = field(default=None, hash=False)  # a twin run's changes

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
        changes = dict(self.compare or {})
        if isinstance(changes.get("hidden"), list):
            changes["hidden"] = tuple(changes["hidden"])
        try:
            return replace(self, compare=None, **changes)
        except FieldError as exc:  # name the field as the user sent it: inside "compare"
            raise FieldError(f"compare.{exc.field}", exc.message) from None

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
