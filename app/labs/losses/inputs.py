"""Checks that turn user-typed numbers into tensors, each failure naming the field it came from."""

import math
from typing import Any

import torch

from app.labs.common.checks import is_number as _is_number
from app.labs.errors import FieldError

REDUCTIONS = ("mean", "sum", "none")


def _shape(field: str, value: Any, depth: int) -> tuple[int, ...]:
    if _is_number(value):
        if not math.isfinite(value):
            raise FieldError(field, f"{value} is not a finite number")
        return ()
    if not isinstance(value, (list, tuple)):
        raise FieldError(field, f"expected a number or a list, got {type(value).__name__}")
    if depth == 2:
        raise FieldError(field, "at most a matrix (a list of rows) is accepted")
    if not value:
        raise FieldError(field, "is empty")
    shapes = {_shape(f"{field}[{i}]", item, depth + 1) for i, item in enumerate(value)}
    if len(shapes) != 1:
        raise FieldError(field, "rows have different lengths")
    return (len(value), *shapes.pop())


def tensor(field: str, value: Any, allow_scalar: bool = False) -> torch.Tensor:
    """A float32 tensor from a number, a list or a list of equal-length rows."""
    shape = _shape(field, value, 0)
    if not shape and not allow_scalar:
        raise FieldError(field, "expected a list of numbers, got a single number")
    return torch.tensor(value, dtype=torch.float32)


def class_labels(field: str, value: Any, n: int, c: int) -> torch.Tensor:
    """One integer class label per sample, each in 0..c-1, as a Long tensor (what torch needs)."""
    if not isinstance(value, (list, tuple)):
        raise FieldError(field, f"expected a list of {n} class labels")
    if len(value) != n:
        raise FieldError(field, f"has {len(value)} labels for {n} samples in input")
    for i, label in enumerate(value):
        if not (isinstance(label, int) and not isinstance(label, bool)):
            raise FieldError(
                field,
                f"label {label!r} at position {i} is not an integer class index "
                "(CrossEntropyLoss and NLLLoss need a Long tensor of labels)",
            )
        if not 0 <= label < c:
            raise FieldError(field, f"label {label} at position {i} is outside 0..{c - 1}")
    return torch.tensor(list(value), dtype=torch.long)


def check_same_shape(target: torch.Tensor, input: torch.Tensor) -> None:
    if target.shape != input.shape:
        raise FieldError(
            "target", f"shape {list(target.shape)} differs from input's {list(input.shape)}"
        )


def check_range(field: str, t: torch.Tensor, low: float, high: float, what: str) -> None:
    bad = ((t < low) | (t > high)).nonzero()
    if len(bad):
        where = tuple(bad[0].tolist())
        raise FieldError(
            field,
            f"{what}: values must lie in [{low:g}, {high:g}], "
            f"got {t[where].item():g} at {list(where)}",
        )


def non_negative(field: str, t: torch.Tensor) -> None:
    if bool((t < 0).any()):
        raise FieldError(field, "weights must not be negative")


def reduction(value: Any) -> str:
    if value not in REDUCTIONS:
        raise FieldError(
            "options.reduction", f"expected one of {', '.join(REDUCTIONS)}, got {value!r}"
        )
    return str(value)
