"""Binned summaries of tensors that compare honestly across runs, for every lab that draws them.

Compared runs share bin edges, so edges are chosen from the union of their ranges. A tensor
holding one value everywhere has no spread to bin: ``summarize`` shows it as a spike at that
value, ``histograms`` as one bar a unit wide.
"""

import math
from collections.abc import Sequence
from typing import Any

import torch


def finite_values(t: torch.Tensor) -> torch.Tensor:
    """The finite elements, flattened; copies only when something is not finite."""
    t = t.detach().reshape(-1).float()
    if t.numel() == 0:
        return t
    lo, hi = torch.aminmax(t)
    if math.isfinite(float(lo)) and math.isfinite(float(hi)):
        return t
    return t[torch.isfinite(t)]


def _moments(finite: torch.Tensor) -> tuple[float, float]:
    """Mean and population std from two sums, shifted by one element so a large mean does not
    cancel a small spread; an order of magnitude cheaper than ``torch.std_mean``."""
    n = finite.numel()
    pivot = float(finite[0])
    shifted = finite - pivot
    mean = float(shifted.sum()) / n
    var = max(float(torch.dot(shifted, shifted)) / n - mean * mean, 0.0)
    return pivot + mean, math.sqrt(var)


def shared_edges(tensors: Sequence[torch.Tensor], bins: int) -> list[float]:
    """Bin edges covering every finite value of every tensor that has spread."""
    lows, highs = [], []
    for t in tensors:
        finite = finite_values(t)
        if finite.numel() == 0:
            continue
        lo, hi = (float(v) for v in torch.aminmax(finite))
        if hi > lo:
            lows.append(lo)
            highs.append(hi)
    if not lows:
        return []
    return uniform_edges(min(lows), max(highs), bins)


def uniform_edges(lo: float, hi: float, bins: int) -> list[float]:
    step = (hi - lo) / bins
    return [lo + i * step for i in range(bins)] + [hi]


def bin_counts(finite: torch.Tensor, edges: list[float]) -> list[int]:
    """How many of ``finite`` fall in each bin of the uniform ``edges`` (the ends count in the end
    bins). A multiply and a bincount: several times cheaper than ``torch.histc``."""
    bins = len(edges) - 1
    index = ((finite - edges[0]) * (bins / (edges[-1] - edges[0]))).to(torch.int64).clamp_(0, bins - 1)
    return [int(c) for c in torch.bincount(index, minlength=bins).tolist()]


def histograms(per_run: Sequence[Sequence[torch.Tensor]], bins: int) -> list[list[dict[str, Any]]]:
    """``{edges, counts}`` of each run's layer tensors (``per_run[run][layer]``); runs share a
    layer's edges, spanning all their finite values, so they compare bar by bar."""
    out: list[list[dict[str, Any]]] = [[] for _ in per_run]
    for j in range(len(per_run[0])):
        finite = [finite_values(run[j]) for run in per_run]
        values = torch.cat(finite)
        if values.numel() == 0:
            for i in range(len(per_run)):
                out[i].append({"edges": [], "counts": []})
            continue
        lo, hi = (float(v) for v in torch.aminmax(values))
        if hi == lo:  # one value everywhere (zeros init): a bar a unit wide around it
            lo, hi = lo - 0.5, hi + 0.5
        edges = uniform_edges(lo, hi, bins)
        for i, t in enumerate(finite):
            out[i].append({"edges": edges, "counts": bin_counts(t, edges)})
    return out


def summarize(t: torch.Tensor, edges: list[float]) -> dict[str, Any]:
    """Mean, std and a histogram over ``edges``; a one-valued tensor becomes a spike.

    ``counts`` sum to the number of finite elements; the others are counted in ``nonfinite``.
    """
    count = t.numel()
    finite = finite_values(t)
    summary: dict[str, Any] = {"count": count, "nonfinite": count - finite.numel()}
    if finite.numel() == 0:
        empty: dict[str, list[Any]] = {"edges": [], "counts": []}
        return {**summary, "mean": math.nan, "std": math.nan, "spike": None, "histogram": empty}
    lo, hi = (float(v) for v in torch.aminmax(finite))
    summary["mean"], summary["std"] = _moments(finite)
    if lo == hi or not edges:
        # One value everywhere: a zero-width bin holding every element, drawn as a spike.
        return {**summary, "spike": lo, "histogram": {"edges": [lo, lo], "counts": [finite.numel()]}}
    summary["spike"] = None
    summary["histogram"] = {"edges": edges, "counts": bin_counts(finite, edges)}
    return summary
