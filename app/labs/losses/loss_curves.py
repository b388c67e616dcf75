"""Loss and gradient as curves, traced by torch.nn and autograd over a grid.

Regression losses are drawn against the error e = prediction − target (target 0), so all four sit
on one chart: MSE's gradient grows with the error (an outlier pulls hard), L1's stays ±1, SmoothL1
and Huber are quadratic near 0 and linear beyond β or δ. Binary cross-entropy is drawn against the
predicted probability for targets 0 and 1, and BCEWithLogitsLoss beside BCELoss∘sigmoid against the
logit, in float32 as torch computes them: far from 0 the sigmoid rounds to exactly 0 or 1 and
BCELoss clamps its log at −100, which is why PyTorch offers the fused, stable BCEWithLogitsLoss.
"""

from dataclasses import dataclass
from typing import Annotated, Any

import torch
from torch import nn

from app.labs.common.checks import number
from app.labs.errors import FieldError
from app.labs.fields import Ge, Gt, Help, Le

MAX_POINTS = 2001  # a chart is a few hundred pixels wide; more points only cost bandwidth


@dataclass(frozen=True)
class CurvesConfig:
    """The regression curves' question: L1, MSE, SmoothL1(β) and Huber(δ) over errors in ±error_range."""

    beta: Annotated[float, Ge(0), Help("SmoothL1Loss's beta: quadratic within it, linear beyond")] = 1.0
    delta: Annotated[float, Gt(0), Help("HuberLoss's delta: quadratic within it, linear beyond")] = 1.0
    error_range: Annotated[float, Gt(0), Le(1e6), Help("the errors drawn, from -error_range to error_range")] = 3.0
    points: Annotated[int, Ge(3), Le(MAX_POINTS), Help("points of each curve")] = 241


def _count(points: Any) -> int:
    if not isinstance(points, int) or isinstance(points, bool) or not 3 <= points <= MAX_POINTS:
        raise FieldError("points", f"expected an integer in 3..{MAX_POINTS}, got {points!r}")
    return points


def _trace(module: nn.Module, x: torch.Tensor, target: torch.Tensor) -> dict[str, list[float]]:
    """Per-point loss and d loss / d x, from reduction='none' and autograd."""
    x = x.detach().clone().requires_grad_(True)
    loss = module(x, target)
    loss.sum().backward()  # points are independent, so the gradient of the sum is per point
    assert x.grad is not None
    return {"loss": loss.detach().tolist(), "grad": x.grad.tolist()}


def curves(
    beta: float = CurvesConfig.beta, delta: float = CurvesConfig.delta,
    error_range: float = CurvesConfig.error_range, points: int = CurvesConfig.points,
) -> dict[str, Any]:
    """L1, MSE, SmoothL1(β) and Huber(δ) loss and gradient against the error, on one grid."""
    beta = number("beta", beta, minimum=0.0)
    delta = number("delta", delta, minimum=0.0, strict=True)
    error_range = number("error_range", error_range, minimum=0.0, maximum=1e6, strict=True)
    error = torch.linspace(-error_range, error_range, _count(points))
    zero = torch.zeros_like(error)
    modules: dict[str, nn.Module] = {
        "l1": nn.L1Loss(reduction="none"),
        "mse": nn.MSELoss(reduction="none"),
        "smooth_l1": nn.SmoothL1Loss(reduction="none", beta=beta),
        "huber": nn.HuberLoss(reduction="none", delta=delta),
    }
    return {
        "error": error.tolist(),
        "beta": beta,
        "delta": delta,
        "losses": {name: _trace(module, error, zero) for name, module in modules.items()},
    }


def bce_curves(points: int = 199) -> dict[str, Any]:
    """BCELoss and its gradient against the predicted probability p, for targets 1 and 0.

    The grid stops short of 0 and 1, where the loss is infinite (torch clamps it to 100).
    """
    n = _count(points)
    p = torch.linspace(0.0, 1.0, n + 2)[1:-1]
    bce = nn.BCELoss(reduction="none")
    return {
        "p": p.tolist(),
        "target_1": _trace(bce, p, torch.ones_like(p)),
        "target_0": _trace(bce, p, torch.zeros_like(p)),
    }


def bce_logits_comparison(
    target: float = 1.0, logit_range: float = 30.0, points: int = 241
) -> dict[str, Any]:
    """BCEWithLogitsLoss(z, t) beside BCELoss(sigmoid(z), t) against the logit z, in float32.

    Where both are exact they agree; ``max_abs_diff`` is over the points where |z| <= 10, and
    ``unstable_from`` is the smallest |z| at which they differ by more than 1e-3.
    """
    t_value = number("target", target, minimum=0.0, maximum=1.0)
    logit_range = number("logit_range", logit_range, minimum=0.0, maximum=200.0, strict=True)
    z = torch.linspace(-logit_range, logit_range, _count(points))
    t = torch.full_like(z, t_value)
    fused = _trace(nn.BCEWithLogitsLoss(reduction="none"), z, t)

    z_leaf = z.clone().requires_grad_(True)
    two_step = nn.BCELoss(reduction="none")(torch.sigmoid(z_leaf), t)
    two_step.sum().backward()
    assert z_leaf.grad is not None
    composed = {"loss": two_step.detach().tolist(), "grad": z_leaf.grad.tolist()}

    diff = (torch.tensor(fused["loss"]) - two_step.detach()).abs()
    near = z.abs() <= 10
    off = z.abs()[diff > 1e-3]
    return {
        "z": z.tolist(),
        "target": t_value,
        "bce_with_logits": fused,
        "bce_of_sigmoid": composed,
        "max_abs_diff": float(diff[near].max()) if bool(near.any()) else 0.0,
        "unstable_from": float(off.min()) if len(off) else None,
    }
