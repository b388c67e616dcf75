"""One racer, declared once: which torch.optim optimisers race, under which names, and the type, bounds
and help of every hyperparameter a racer may set.

Hyperparameters keep torch.optim's names and, unless the student sets them, torch.optim's own
defaults (read from each class's signature, so they follow the installed PyTorch). The only added
defaults are what the names promise: ``momentum`` and ``nesterov`` mean SGD with momentum 0.9.
The web layer derives the racer's request model from ``Racer`` (app/labs/fields.py); the checks
below read the same declarations, for a lab called directly.
"""

import inspect
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Annotated, Any

import torch

from app.labs.common.optimizers import OPTIMIZERS, OptimizerName
from app.labs.errors import FieldError
from app.labs.fields import Ge, Help, Le, LearningRate, within

Pair = tuple[float, float]


@dataclass(frozen=True)
class Kind:
    cls: type[torch.optim.Optimizer]
    keys: tuple[str, ...]  # the hyperparameters a racer of this kind may set
    overrides: Mapping[str, Any] = field(default_factory=dict)  # defaults beyond torch's own


_SGD = ("lr", "momentum", "dampening", "weight_decay")
_ADAM = ("lr", "betas", "eps", "weight_decay", "amsgrad")
_KEYS = {
    "sgd": _SGD,
    "momentum": _SGD,
    "nesterov": ("lr", "momentum", "weight_decay"),
    "adagrad": ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"),
    "rmsprop": ("lr", "alpha", "eps", "weight_decay", "momentum", "centered"),
    "adam": _ADAM,
    "adamw": _ADAM,
}
KINDS: dict[str, Kind] = {name: Kind(cls, _KEYS[name], promised) for name, (cls, promised) in OPTIMIZERS.items()}

# torch accepts wider ranges for some, but beyond these a race says nothing new
Coordinate = Annotated[float, Ge(-1e6), Le(1e6)]
Point = tuple[Coordinate, Coordinate]
Fraction = Annotated[float, Ge(0), Le(1)]
Penalty = Annotated[float, Ge(0), Le(100)]
Beta = Annotated[float, Ge(0), Le(0.9999999)]


@dataclass
class Racer:
    """One racer: a name and any ``torch.optim`` keyword arguments its class takes (others are refused
    by name). Unset ones keep PyTorch's defaults; ``momentum`` and ``nesterov`` default to momentum 0.9."""

    name: Annotated[OptimizerName, Help("which torch.optim optimiser")]
    lr: LearningRate | None = None
    momentum: Annotated[Fraction | None, Help("the weight of the past gradients (SGD, RMSprop)")] = None
    dampening: Annotated[Fraction | None, Help("SGD: the share of the new gradient held back")] = None
    weight_decay: Annotated[Penalty | None, Help("L2 penalty added to the gradient")] = None
    eps: Annotated[Fraction | None, Help("added to the denominator, against division by zero")] = None
    alpha: Annotated[Fraction | None, Help("RMSprop: the squared-gradient average's smoothing")] = None
    lr_decay: Annotated[Penalty | None, Help("AdaGrad: the learning rate's decay per step")] = None
    betas: Annotated[tuple[Beta, Beta] | None, Help("Adam: the averages' smoothing, of g and of g squared")] = None
    initial_accumulator_value: Annotated[Penalty | None, Help("AdaGrad: where its sum of g squared starts")] = None
    centered: Annotated[bool | None, Help("RMSprop: divide by the gradient's variance, not its second moment")] = None
    amsgrad: Annotated[bool | None, Help("Adam: divide by the largest squared-gradient average so far")] = None
    start: Annotated[Point | None, Help("this racer's own start; else the race's")] = None

    def wire(self) -> dict[str, Any]:
        """The fields set, as a mapping (what the lab's checks read)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


_HINTS = typing.get_type_hints(Racer, include_extras=True)


def _declared(key: str) -> Any:
    """The type ``Racer`` declares for ``key``, without its help and its ``| None``."""
    hint = _HINTS[key]
    while typing.get_origin(hint) is Annotated:
        hint = typing.get_args(hint)[0]
    return next(a for a in typing.get_args(hint) if a is not type(None))


HYPERPARAMETERS = tuple(f.name for f in fields(Racer) if f.name not in ("name", "start"))
_BOOLEANS = tuple(k for k in HYPERPARAMETERS if _declared(k) is bool)
# Read by torch only when a parameter's state is created, so changing them mid-run would either do
# nothing or make torch look for state that was never made.
FIXED_AFTER_START = ("amsgrad", "centered", "nesterov", "initial_accumulator_value")
LIVE_HYPERPARAMETERS = tuple(k for k in HYPERPARAMETERS if k not in FIXED_AFTER_START)


def torch_defaults(cls: type[torch.optim.Optimizer]) -> dict[str, Any]:
    params = inspect.signature(cls.__init__).parameters
    return {k: p.default for k, p in params.items() if p.default is not inspect.Parameter.empty}


def default_hyper(name: str) -> dict[str, Any]:
    kind = KINDS[name]
    defaults = {**torch_defaults(kind.cls), **kind.overrides}
    return {k: (tuple(defaults[k]) if k == "betas" else defaults[k]) for k in kind.keys}


def check_value(key: str, value: Any, where: str) -> Any:
    """``value`` for hyperparameter ``key`` as torch wants it; FieldError naming ``where`` if not."""
    if key in _BOOLEANS:
        if not isinstance(value, bool):
            raise FieldError(where, f"expected true or false, got {value!r}")
        return value
    if key == "betas":
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise FieldError(where, f"expected two numbers [beta1, beta2], got {value!r}")
        return tuple(float(within(Beta, b, f"{where}[{i}]")) for i, b in enumerate(value))
    return float(within(_declared(key), value, where))


def check_point(value: Any, where: str) -> Pair:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise FieldError(where, f"expected [x, y], got {value!r}")
    x, y = (float(within(Coordinate, v, f"{where}[{i}]")) for i, v in enumerate(value))
    return (x, y)
