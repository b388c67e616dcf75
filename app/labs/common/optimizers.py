"""The optimisers the labs offer, by the names the pages use: each a ``torch.optim`` class and the
defaults its name promises beyond torch's own (``momentum`` and ``nesterov`` are SGD with
momentum 0.9)."""

from collections.abc import Callable, Iterable
from typing import Any, Literal

import torch

MOMENTUM = 0.9
# The names as a type a config field can be (a ``Literal``);
# tests/labs/common/test_choices.py holds the two equal, in order.
OptimizerName = Literal["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"]
OPTIMIZERS: dict[str, tuple[type[torch.optim.Optimizer], dict[str, Any]]] = {
    "sgd": (torch.optim.SGD, {}),
    "momentum": (torch.optim.SGD, {"momentum": MOMENTUM}),
    "nesterov": (torch.optim.SGD, {"momentum": MOMENTUM, "nesterov": True}),
    "adagrad": (torch.optim.Adagrad, {}),
    "rmsprop": (torch.optim.RMSprop, {}),
    "adam": (torch.optim.Adam, {}),
    "adamw": (torch.optim.AdamW, {}),
}


def make_optimizer(name: str, params: Iterable[Any], lr: float) -> torch.optim.Optimizer:
    """``name``'s optimiser over ``params`` (tensors or param groups) with learning rate ``lr``."""
    cls, promised = OPTIMIZERS[name]
    factory: Callable[..., torch.optim.Optimizer] = cls  # every subclass takes lr; the base class does not
    return factory(params, lr=lr, **promised)
