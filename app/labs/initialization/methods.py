"""Initialisation methods, each applied through ``torch.nn.init``, and their theoretical std."""

import math
import typing
from dataclasses import dataclass
from typing import Annotated, Literal

import torch
from torch import nn

from app.labs.common.init_methods import METHODS, Method, init_linear
from app.labs.errors import FieldError
from app.labs.fields import Ge, Gt, Help

SYMMETRIC = frozenset({"zeros", "ones", "constant"})
Nonlinearity = Literal["linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]
NONLINEARITIES = typing.get_args(Nonlinearity)


@dataclass(frozen=True)
class InitSpec:
    """One method and its arguments, named as in ``torch.nn.init`` (defaults are PyTorch's).

    ``a`` is the lower bound for ``uniform`` and the negative slope for ``kaiming_*``, as there.
    """

    method: Annotated[Method, Help("a torch.nn.init method")] = "kaiming_normal"
    val: Annotated[float, Help("constant_: the value")] = 0.77  # the notes' example value
    a: Annotated[float | None, Help("uniform_: lower bound; kaiming_*: negative slope (0 when null)")] = None
    b: Annotated[float, Help("uniform_: upper bound")] = 1.0
    mean: Annotated[float, Help("normal_: mean")] = 0.0
    std: Annotated[float, Ge(0), Help("normal_: standard deviation")] = 1.0
    gain: Annotated[float, Gt(0), Help("xavier_*, orthogonal_: scaling factor")] = 1.0
    # kaiming_*: fan_in keeps the forward variance, fan_out the backward one
    mode: Annotated[Literal["fan_in", "fan_out"], Help("kaiming_*: which fan to preserve")] = "fan_in"
    # kaiming_*: PyTorch's default, gain sqrt(2) when a=0
    nonlinearity: Annotated[Nonlinearity, Help("kaiming_*: the gain's nonlinearity")] = "leaky_relu"

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise FieldError("method", f"unknown method {self.method!r}; choose one of {', '.join(METHODS)}")
        if self.mode not in ("fan_in", "fan_out"):
            raise FieldError("mode", f"mode must be 'fan_in' or 'fan_out', not {self.mode!r}")
        if self.nonlinearity not in NONLINEARITIES:
            raise FieldError("nonlinearity", f"unknown nonlinearity {self.nonlinearity!r}")
        if self.method == "uniform" and not self.lower < self.b:
            raise FieldError("b", f"uniform needs a < b, got a={self.lower} b={self.b}")
        if self.std < 0:
            raise FieldError("std", f"std must be non-negative, got {self.std}")

    @property
    def lower(self) -> float:
        return 0.0 if self.a is None else self.a

    @property
    def label(self) -> str:
        """A short name for legends: the method and the arguments that set it apart."""
        m = self.method
        if m == "constant":
            return f"constant({self.val:g})"
        if m == "uniform":
            return f"uniform({self.lower:g}, {self.b:g})"
        if m == "normal":
            return f"normal({self.mean:g}, {self.std:g})"
        if m.startswith("xavier") or m == "orthogonal":
            return m if self.gain == 1.0 else f"{m}(gain={self.gain:g})"
        if m.startswith("kaiming"):
            return f"{m}({self.mode}, {self.nonlinearity})"
        return str(m)

    def kaiming_gain(self) -> float:
        return nn.init.calculate_gain(self.nonlinearity, self.lower if self.nonlinearity == "leaky_relu" else None)


def apply_init(layer: nn.Linear, spec: InitSpec, generator: torch.Generator) -> None:
    """Initialise one layer with ``spec``, drawing from ``generator`` (see ``init_linear``)."""
    init_linear(layer, spec.method, generator, val=spec.val, a=spec.lower, b=spec.b, mean=spec.mean, std=spec.std,
                gain=spec.gain, mode=spec.mode, nonlinearity=spec.nonlinearity)


def theory_std(spec: InitSpec, fan_in: int, fan_out: int) -> float:
    """The std of a weight drawn by ``spec`` for a layer with these fans (closed forms)."""
    m = spec.method
    if m in SYMMETRIC:
        return 0.0
    if m == "uniform":
        return (spec.b - spec.lower) / math.sqrt(12.0)
    if m == "normal":
        return spec.std
    if m.startswith("xavier"):
        return spec.gain * math.sqrt(2.0 / (fan_in + fan_out))
    if m.startswith("kaiming"):
        fan = fan_in if spec.mode == "fan_in" else fan_out
        return spec.kaiming_gain() / math.sqrt(fan)
    if m == "orthogonal":
        # A (semi-)orthogonal matrix has unit rows or columns: each entry has variance 1/max(fans).
        return spec.gain / math.sqrt(max(fan_in, fan_out))
    # nn.Linear's default is kaiming_uniform_(a=sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    return 1.0 / math.sqrt(3.0 * fan_in)


def distinct_neurons(layer: nn.Linear, decimals: int = 6) -> int:
    """How many neurons of a layer differ: identical incoming weights and bias count once.

    Rows are compared through one fixed random projection: equal rows project equally, and
    different rows collide with probability zero, at a fraction of the cost of sorting rows.
    """
    rows = layer.weight.detach().double()
    if layer.bias is not None:
        rows = torch.cat([rows, layer.bias.detach().double().unsqueeze(1)], dim=1)
    if not torch.isfinite(rows).all():
        return int(rows.shape[0])
    direction = torch.rand(rows.shape[1], generator=torch.Generator().manual_seed(1234), dtype=torch.float64)
    scale = float(rows.abs().max()) * rows.shape[1] or 1.0
    keys = torch.round(rows @ direction / scale, decimals=decimals)
    return int(torch.unique(keys).numel())
