"""Compact wire forms for the network view: 8-bit maps and float32 arrays as base64 text.

A neuron map is a few hundred numbers; as a JSON list of floats it costs 8-10 bytes each, as one
byte per value in base64 it costs 1.33. The page decodes both with ``atob`` (little-endian float32,
as every browser's typed arrays on the machines a class uses).
"""

import base64
import math
from typing import Any

import torch

LEVELS = 255  # 8-bit: a map is stored as lo + q · (hi - lo) / 255, q in 0..255


def quantise(maps: torch.Tensor) -> dict[str, Any]:
    """Rows of ``maps`` [k, n] as bytes, each row scaled to its own range.

    Returns ``{"q": base64 of k·n uint8, "lo": [k floats], "hi": [k floats]}``; a value comes back
    as ``lo + q · (hi - lo) / 255``, within half a step ``(hi - lo) / 510`` of the original.
    """
    finite = torch.nan_to_num(maps.detach().double(), nan=0.0, posinf=3e38, neginf=-3e38)
    if finite.shape[1] == 0:
        return {"q": "", "lo": [0.0] * len(finite), "hi": [0.0] * len(finite)}
    lo = [_outward(v, up=False) for v in finite.amin(dim=1).tolist()]
    hi = [_outward(v, up=True) for v in finite.amax(dim=1).tolist()]
    low, span = torch.tensor(lo).reshape(-1, 1), torch.tensor(hi).reshape(-1, 1) - torch.tensor(lo).reshape(-1, 1)
    scale = torch.where(span > 0, LEVELS / span, torch.zeros_like(span))
    levels = torch.round((finite - low) * scale).clamp(0, LEVELS).to(torch.uint8)
    return {"q": b64(levels), "lo": lo, "hi": hi}


def _outward(value: float, up: bool, digits: int = 4) -> float:
    """``value`` to ``digits`` significant digits, rounded away from the range's inside so that the
    range still holds every value (``lo`` down, ``hi`` up): 7 characters on the wire, not 19."""
    short = float(f"{value:.{digits}g}")
    if short == value or (short > value) == up:
        return short
    unit = 10.0 ** (math.floor(math.log10(abs(short))) - digits + 1) if short else abs(value)
    return float(f"{short + unit if up else short - unit:.{digits}g}")


def dequantise(packed: dict[str, Any], rows: int) -> torch.Tensor:
    """The inverse of ``quantise`` (as the page computes it), for tests and benchmarks."""
    q = torch.frombuffer(bytearray(base64.b64decode(packed["q"])), dtype=torch.uint8).double().reshape(rows, -1)
    lo = torch.tensor(packed["lo"], dtype=torch.float64).reshape(-1, 1)
    hi = torch.tensor(packed["hi"], dtype=torch.float64).reshape(-1, 1)
    return lo + q * (hi - lo) / LEVELS


def floats(t: torch.Tensor) -> str:
    """A float32 array, exact, as base64 (4 bytes a value rather than ~20 characters of JSON)."""
    return b64(t.detach().to(torch.float32))


def unfloats(text: str) -> torch.Tensor:
    return torch.frombuffer(bytearray(base64.b64decode(text)), dtype=torch.float32)


def b64(t: torch.Tensor) -> str:
    return base64.b64encode(t.contiguous().numpy().tobytes()).decode("ascii")


def significant(t: torch.Tensor, digits: int = 4) -> list[float]:
    """Numbers a person reads (bias, mean, std): four significant digits are plenty."""
    return [float(f"{v:.{digits}g}") for v in t.detach().double().tolist()]
