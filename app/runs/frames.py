"""Strict JSON for the wire: non-finite floats travel as null and are listed by path."""

import math
from typing import Any

import orjson


def nonfinite_paths(value: Any, path: str, found: list[str], limit: int) -> None:
    if len(found) >= limit:
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            found.append(path)
    elif isinstance(value, dict):
        for k, v in value.items():
            nonfinite_paths(v, f"{path}.{k}" if path else str(k), found, limit)
    elif isinstance(value, list):
        # Lists of ints (histogram counts) are the bulk of a frame and cannot hold NaN.
        if value and isinstance(value[0], int) and isinstance(value[-1], int):
            return
        for i, v in enumerate(value):
            nonfinite_paths(v, f"{path}[{i}]", found, limit)


def encode(message: dict[str, Any], mark_limit: int = 50) -> bytes:
    """orjson bytes of ``message``; NaN/Infinity become null and their paths go in ``nonfinite``."""
    found: list[str] = []
    nonfinite_paths(message, "", found, mark_limit)
    if found:
        message = {**message, "nonfinite": found}
    return orjson.dumps(message)  # orjson writes NaN and Infinity as null: the JSON stays strict
