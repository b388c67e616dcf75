"""The racers of a run, checked: each one's optimiser, its hyperparameters with defaults filled in, and
the torch.optim optimisers built for them (one per class, one param group per racer).

What a racer may set, with its bounds, is declared once in app/labs/optimizers/racer.py.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import torch

from app.labs.errors import FieldError
from app.labs.optimizers.racer import (
    FIXED_AFTER_START,
    KINDS,
    Kind,
    Pair,
    Racer,
    check_point,
    check_value,
    default_hyper,
    torch_defaults,
)

__all__ = ["FIXED_AFTER_START", "KINDS", "OptimizerSpec", "build_optimizers", "check_consistent", "check_point",
           "check_value", "default_hyper", "parse_spec", "parse_specs", "torch_defaults"]


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


def check_consistent(name: str, hyper: Mapping[str, Any], where: str) -> None:
    """Combinations torch.optim refuses (it checks them only for constructor arguments, not groups)."""
    if name == "nesterov" and hyper["momentum"] <= 0:
        raise FieldError(f"{where}.momentum", "Nesterov momentum needs momentum > 0")


def parse_spec(raw: Racer | Mapping[str, Any], where: str) -> OptimizerSpec:
    """One racer from a ``Racer`` or ``{"name": "adam", "lr": 0.05, ...}``; ``where`` is e.g. ``optimizers[2]``."""
    if isinstance(raw, Racer):
        raw = raw.wire()
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
