"""Compact wire forms for the network view: 8-bit maps and float32 arrays as base64 text.

A neuron map is a few hundred numbers; as a JSON list of floats it costs 8-10 bytes each, as one
byte per value in base64 it costs 1.33. Per-neuron numbers (bias, statistics, gradient norms) travel
as float32 base64 too: exact, a third of the characters, and no list for the frame encoder to walk.
The page decodes both with ``atob`` (little-endian float32, as the typed arrays of every machine a
class uses).
"""

import base64
from typing import Any

import numpy as np
import torch

LEVELS = 255  # 8-bit: a map is stored as lo + q · (hi - lo) / 255, q in 0..255


def quantise(maps: torch.Tensor) -> dict[str, Any]:
    """Rows of ``maps`` [k, n] as bytes, each row scaled to its own range.

    Returns ``{"q": base64 of k·n uint8, "lo": float32 [k], "hi": float32 [k]}`` (both base64); a
    value comes back as ``lo + q · (hi - lo) / 255``, within half a step ``(hi - lo) / 510``.
    NumPy rather than torch: on arrays this small a torch call costs ten times its arithmetic.
    """
    values = np.nan_to_num(maps.detach().numpy().astype(np.float64), nan=0.0, posinf=3e38, neginf=-3e38)
    if values.shape[1] == 0:
        values = np.zeros((len(values), 1))
    lo, hi = values.min(axis=1, keepdims=True), values.max(axis=1, keepdims=True)
    span = hi - lo
    scale = np.divide(LEVELS, span, out=np.zeros_like(span), where=span > 0)
    levels = np.clip(np.rint((values - lo) * scale), 0, LEVELS).astype(np.uint8)
    return {"q": _text(levels), "lo": _text(lo.astype(np.float32)), "hi": _text(hi.astype(np.float32))}


def dequantise(packed: dict[str, Any], rows: int) -> torch.Tensor:
    """The inverse of ``quantise`` (as the page computes it), for tests and benchmarks."""
    q = torch.frombuffer(bytearray(base64.b64decode(packed["q"])), dtype=torch.uint8).double().reshape(rows, -1)
    lo = unfloats(packed["lo"]).double().reshape(-1, 1)
    hi = unfloats(packed["hi"]).double().reshape(-1, 1)
    return lo + q * (hi - lo) / LEVELS


def floats(t: torch.Tensor) -> str:
    """A float32 array, exact, as base64 (4 bytes a value rather than ~20 characters of JSON)."""
    return _text(t.detach().numpy().astype(np.float32, copy=False))


def unfloats(text: str) -> torch.Tensor:
    return torch.frombuffer(bytearray(base64.b64decode(text)), dtype=torch.float32)


def _text(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")
