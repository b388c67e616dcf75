"""Which torch.optim optimisers race, under which names, and the checks on their hyperparameters.

Hyperparameters keep torch.optim's names and, unless the student sets them, torch.optim's own
defaults (read from each class's signature, so they follow the installed PyTorch). The only added
defaults are what the names promise: ``momentum`` and ``nesterov`` mean SGD with momentum 0.9.
"""

import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch

from app.labs.common.optimizers import OPTIMIZERS
from app.labs.errors import FieldError

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

# (low, high) inclusive; torch accepts wider ranges for some, but beyond these a race says nothing new
_RANGES: dict[str, Pair] = {
    "lr": (0.0, 1000.0), "momentum": (0.0, 1.0), "dampening": (0.0, 1.0), "weight_decay": (0.0, 100.0),
    "eps": (0.0, 1.0), "alpha": (0.0, 1.0), "lr_decay": (0.0, 100.0), "initial_accumulator_value": (0.0, 100.0),
}  # fmt: skip
_BOOLEANS = ("amsgrad", "centered", "nesterov")
# Read by torch only when a parameter's state is created, so changing them mid-run would either do
# nothing or make torch look for state that was never made.
FIXED_AFTER_START = ("amsgrad", "centered", "nesterov", "initial_accumulator_value")


def torch_defaults(cls: type[torch.optim.Optimizer]) -> dict[str, Any]:
    params = inspect.signature(cls.__init__).parameters
    return {k: p.default for k, p in params.items() if p.default is not inspect.Parameter.empty}


@dataclass(frozen=True)
class OptimizerSpec:
    name: str  # a key of KINDS
    hyper: dict[str, Any]  # every settable hyperparameter, defaults filled in
    start: Pair | None = None  # this racer's own start, else the race's

    @property
    def kind(self) -> Kind:
        return KINDS[self.name]

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the torch.optim class, ``betas`` as the tuple torch expects."""
        extra = {k: v for k, v in self.kind.overrides.items() if k not in self.hyper}
        return {**extra, **self.hyper}


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
        betas = tuple(_number(b, f"{where}[{i}]", (0.0, 0.9999999)) for i, b in enumerate(value))
        return betas
    return _number(value, where, _RANGES[key])


def _number(value: Any, where: str, bounds: Pair) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldError(where, f"expected a number, got {value!r}")
    if not math.isfinite(value) or not bounds[0] <= value <= bounds[1]:
        raise FieldError(where, f"{value!r} is outside [{bounds[0]:g}, {bounds[1]:g}]")
    return float(value)


def check_consistent(name: str, hyper: Mapping[str, Any], where: str) -> None:
    """Combinations torch.optim refuses (it checks them only for constructor arguments, not groups)."""
    if name == "nesterov" and hyper["momentum"] <= 0:
        raise FieldError(f"{where}.momentum", "Nesterov momentum needs momentum > 0")


def parse_spec(raw: Mapping[str, Any], where: str) -> OptimizerSpec:
    """One racer from ``{"name": "adam", "lr": 0.05, ...}``; ``where`` is e.g. ``optimizers[2]``."""
    if not isinstance(raw, Mapping):
        raise FieldError(where, f"expected an object with a name, got {raw!r}")
    name = raw.get("name")
    if name not in KINDS:
        raise FieldError(f"{where}.name", f"unknown optimiser {name!r}; known: {', '.join(KINDS)}")
    hyper = default_hyper(name)
    for key, value in raw.items():
        if key in ("name", "start"):
            continue
        if key not in hyper:
            allowed = ", ".join(KINDS[name].keys)
            raise FieldError(f"{where}.{key}", f"{name} has no hyperparameter {key!r}; it has {allowed}")
        hyper[key] = check_value(key, value, f"{where}.{key}")
    check_consistent(name, hyper, where)
    start = raw.get("start")
    return OptimizerSpec(name, hyper, None if start is None else check_point(start, f"{where}.start"))


def parse_specs(raw: Any, where: str = "optimizers", limit: int = 8) -> list[OptimizerSpec]:
    if not isinstance(raw, (list, tuple)) or not raw:
        raise FieldError(where, "give at least one optimiser")
    if len(raw) > limit:
        raise FieldError(where, f"{len(raw)} optimisers; at most {limit} race at once")
    return [parse_spec(r, f"{where}[{i}]") for i, r in enumerate(raw)]


def check_point(value: Any, where: str) -> Pair:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise FieldError(where, f"expected [x, y], got {value!r}")
    x, y = (_number(v, f"{where}[{i}]", (-1e6, 1e6)) for i, v in enumerate(value))
    return (x, y)


# Read by the constructor from its own argument, not from the param groups (Adagrad fills its
# ``sum`` state in __init__), so racers differing in these cannot share one optimiser.
_CONSTRUCTOR_ONLY = ("initial_accumulator_value",)


def _construct(
    cls: Callable[..., torch.optim.Optimizer], groups: list[dict[str, Any]], init: dict[str, Any]
) -> torch.optim.Optimizer:
    return cls(groups, **init)


def build_optimizers(
    specs: list[OptimizerSpec], params: list[torch.Tensor]
) -> list[tuple[torch.optim.Optimizer, dict[str, Any]]]:
    """One torch.optim optimiser per class, one param group per racer: each racer keeps its own
    hyperparameters and state, and a step costs one ``step()`` per class instead of per racer.
    Returns each racer's (optimiser, param group)."""
    keys = []
    shared: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for spec, param in zip(specs, params, strict=True):
        kwargs = spec.kwargs()
        init = tuple((k, kwargs[k]) for k in _CONSTRUCTOR_ONLY if k in kwargs)
        keys.append((spec.kind.cls, init))
        shared.setdefault(keys[-1], []).append({"params": [param], **kwargs})
    built = {key: _construct(key[0], groups, dict(key[1])) for key, groups in shared.items()}
    result = []
    for key, param in zip(keys, params, strict=True):
        optimizer = built[key]
        group = next(g for g in optimizer.param_groups if g["params"][0] is param)
        result.append((optimizer, group))
    return result
