"""Initialising a ``Linear`` layer by a method's name, through ``torch.nn.init``, from a generator
the run owns (never the global one, which concurrent runs would share)."""

import math
import typing
from typing import Literal

import torch
from torch import nn

# Declared as a type, so that a config field can be ``Method`` and mypy reads it; the tuple derives.
Method = Literal[
    "zeros", "ones", "constant", "uniform", "normal",
    "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal", "orthogonal", "default",
]  # fmt: skip
METHODS: tuple[Method, ...] = typing.get_args(Method)


def init_linear(
    layer: nn.Linear,
    method: str,
    generator: torch.Generator,
    *,
    val: float = 0.77,  # constant_: the notes' example value
    a: float = 0.0,  # uniform_: the lower bound; kaiming_*: the negative slope
    b: float = 1.0,  # uniform_: the upper bound
    mean: float = 0.0,
    std: float = 1.0,
    gain: float = 1.0,  # xavier_*, orthogonal_
    mode: str = "fan_in",  # kaiming_*
    nonlinearity: str = "leaky_relu",  # kaiming_*: PyTorch's default
) -> None:
    """Initialise ``layer.weight`` by ``method``; the bias starts at zero, as the notes advise.

    ``default`` draws weight and bias as ``nn.Linear.reset_parameters`` does (kaiming_uniform with
    a=√5, bias U(±1/√fan_in)), from ``generator`` too. Arguments are named as in ``torch.nn.init``.
    """
    w, g = layer.weight, generator
    with torch.no_grad():
        if method == "default":
            nn.init.kaiming_uniform_(w, a=math.sqrt(5), generator=g)
            if layer.bias is not None:
                bound = 1 / math.sqrt(layer.in_features)
                nn.init.uniform_(layer.bias, -bound, bound, generator=g)
            return
        if method == "zeros":
            nn.init.zeros_(w)
        elif method == "ones":
            nn.init.ones_(w)
        elif method == "constant":
            nn.init.constant_(w, val)
        elif method == "uniform":
            nn.init.uniform_(w, a=a, b=b, generator=g)
        elif method == "normal":
            nn.init.normal_(w, mean=mean, std=std, generator=g)
        elif method == "xavier_uniform":
            nn.init.xavier_uniform_(w, gain=gain, generator=g)
        elif method == "xavier_normal":
            nn.init.xavier_normal_(w, gain=gain, generator=g)
        elif method == "kaiming_uniform":
            nn.init.kaiming_uniform_(w, a=a, mode=mode, nonlinearity=nonlinearity, generator=g)  # type: ignore[arg-type]
        elif method == "kaiming_normal":
            nn.init.kaiming_normal_(w, a=a, mode=mode, nonlinearity=nonlinearity, generator=g)  # type: ignore[arg-type]
        elif method == "orthogonal":
            nn.init.orthogonal_(w, gain=gain, generator=g)
        else:
            raise ValueError(f"unknown init method {method!r}")
        if layer.bias is not None:
            nn.init.zeros_(layer.bias)
