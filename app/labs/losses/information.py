"""Information, entropy, cross-entropy and KL divergence of two discrete distributions P and Q.

Natural log (nats) as in the notes and in torch; ``unit="bits"`` divides by ln 2. Terms with
p = 0 contribute 0 (the limit of p·log p), computed with ``torch.special.xlogy``. Where P > 0 but
Q = 0, Q cannot explain an outcome P produces: H(P, Q) and KL(P‖Q) are infinite. JSON has no
infinity, so those come back as ``None`` with ``kl_infinite`` set and the offending outcomes listed
in ``support_mismatch``. The identity H(P, Q) = H(P) + KL(P‖Q) is checked with the numbers, and
KL is compared with ``torch.nn.functional.kl_div`` and ``torch.distributions.kl_divergence``.
"""

import math
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import torch
from torch.distributions import Categorical, kl_divergence
from torch.nn import functional as F

from app.labs.errors import FieldError
from app.labs.fields import Help, MaxLen, MinLen

Unit = Literal["nats", "bits"]
UNITS: dict[Unit, float] = {"nats": 1.0, "bits": math.log(2.0)}  # the log's base: e and 2
Distribution = Annotated[list[float], MinLen(2), MaxLen(64)]


@dataclass(frozen=True)
class InformationConfig:
    """Two distributions over the same outcomes; each is scaled to sum to 1."""

    p: Annotated[Distribution, Help("P, the true distribution")] = field(
        default_factory=lambda: [0.5, 0.25, 0.15, 0.1])
    q: Annotated[Distribution, Help("Q, the model's approximation of P")] = field(
        default_factory=lambda: [0.25, 0.25, 0.25, 0.25])
    unit: Annotated[Unit, Help("nats (natural log, as torch) or bits")] = "nats"


def _distribution(field: str, values: Any) -> tuple[torch.Tensor, bool]:
    """Non-negative finite numbers scaled to sum to 1; also whether scaling was needed."""
    if not isinstance(values, (list, tuple)) or len(values) < 2:
        raise FieldError(field, "expected a list of at least 2 probabilities")
    for i, v in enumerate(values):
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
            raise FieldError(field, f"value {v!r} at position {i} is not a finite number")
        if v < 0:
            raise FieldError(field, f"probability {v:g} at position {i} is negative")
    t = torch.tensor(values, dtype=torch.float64)
    total = float(t.sum())
    if total <= 0:
        raise FieldError(field, "all probabilities are 0; nothing to normalise")
    return t / total, abs(total - 1.0) > 1e-9


def _finite(x: torch.Tensor, scale: float) -> float | None:
    value = float(x) / scale + 0.0  # + 0.0 turns the −0.0 of −xlogy(0, ·) into 0.0
    return value if math.isfinite(value) else None


def compare(p: Any, q: Any, unit: str = "nats") -> dict[str, Any]:
    """Everything the Information panel draws for P (true) and Q (approximation)."""
    if unit not in UNITS:
        raise FieldError("unit", f"expected one of {', '.join(UNITS)}, got {unit!r}")
    scale = UNITS[unit]
    pt, p_scaled = _distribution("p", p)
    qt, q_scaled = _distribution("q", q)
    if len(pt) != len(qt):
        raise FieldError("q", f"has {len(qt)} outcomes but p has {len(pt)}")

    info_p = -torch.log(pt)  # information of each outcome, inf where p = 0
    info_q = -torch.log(qt)
    entropy_terms = -torch.special.xlogy(pt, pt)  # p·(−log p), 0 where p = 0
    cross_terms = -torch.special.xlogy(pt, qt)  # p·(−log q), inf where p > 0 = q
    kl_terms = cross_terms - entropy_terms
    entropy, cross, kl = entropy_terms.sum(), cross_terms.sum(), kl_terms.sum()
    mismatch = [i for i in range(len(pt)) if pt[i] > 0 and qt[i] == 0]

    terms = [
        {
            "p": float(pt[i]),
            "q": float(qt[i]),
            "information_p": _finite(info_p[i], scale),
            "information_q": _finite(info_q[i], scale),
            "entropy_term": _finite(entropy_terms[i], scale),
            "cross_entropy_term": _finite(cross_terms[i], scale),
            "kl_term": _finite(kl_terms[i], scale),
        }
        for i in range(len(pt))
    ]
    torch_kl_div = F.kl_div(qt.log(), pt, reduction="sum")  # input is log Q, target is P
    torch_kl = kl_divergence(Categorical(probs=pt), Categorical(probs=qt))
    finite = not mismatch
    return {
        "unit": unit,
        "p": pt.tolist(),
        "q": qt.tolist(),
        "normalised": {"p": p_scaled, "q": q_scaled},
        "terms": terms,
        "entropy": float(entropy) / scale + 0.0,
        "cross_entropy": _finite(cross, scale),
        "kl": _finite(kl, scale),
        "kl_infinite": not finite,
        "support_mismatch": mismatch,
        "identity": {
            "cross_entropy": _finite(cross, scale),
            "entropy_plus_kl": _finite(entropy + kl, scale),
            "abs_diff": abs(float(cross - (entropy + kl))) / scale if finite else None,
        },
        "torch": {
            "entropy": float(Categorical(probs=pt).entropy()) / scale,  # type: ignore[no-untyped-call]
            "kl_div": _finite(torch_kl_div, scale),
            "kl_divergence": _finite(torch_kl, scale),
        },
    }
