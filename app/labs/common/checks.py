"""Checks on numbers a user typed, each failure naming the field it came from."""

import math
from typing import Any

from app.labs.errors import FieldError


def is_number(value: Any) -> bool:
    # bool is an int in Python, but true/false in a loss input is a mistake, not a number
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number(
    field: str,
    value: Any,
    minimum: float | None = None,
    maximum: float | None = None,
    strict: bool = False,
) -> float:
    """A finite number within bounds; ``strict`` excludes the minimum itself."""
    if not is_number(value) or not math.isfinite(value):
        raise FieldError(field, f"expected a finite number, got {value!r}")
    low_bad = minimum is not None and (value <= minimum if strict else value < minimum)
    if low_bad:
        raise FieldError(field, f"must be {'>' if strict else '>='} {minimum:g}, got {value:g}")
    if maximum is not None and value > maximum:
        raise FieldError(field, f"must be <= {maximum:g}, got {value:g}")
    return float(value)
