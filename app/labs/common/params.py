"""Mid-run changes for the labs where only the learning rate may change: checked once, applied to
every optimiser of the run."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import torch

from app.labs.common.checks import number
from app.labs.errors import FieldError


def positive_lr(value: Any) -> float:
    return number("lr", value, minimum=0.0, strict=True)


def only_lr(params: Mapping[str, Any], check: Callable[[Any], float] = positive_lr) -> float | None:
    """The new ``lr`` of a change, checked by ``check``, or None when it names none; any other key
    is refused by name before anything changes."""
    for key in params:
        if key != "lr":
            raise FieldError(key, "only lr can change during a run")
    return check(params["lr"]) if "lr" in params else None


def set_lr(optimizers: Iterable[torch.optim.Optimizer], lr: float) -> None:
    for optimizer in optimizers:
        for group in optimizer.param_groups:
            group["lr"] = lr
