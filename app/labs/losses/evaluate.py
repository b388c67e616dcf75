"""One loss, evaluated by ``torch.nn`` and differentiated by autograd: POST /api/losses/evaluate.

Numbers are float32, PyTorch's default, so a student who types the same tensors into Python sees
the same digits (the notes print CrossEntropyLoss as 0.6422001123428345, a float32 value).

Shapes are kept to what the lab draws: regression and binary losses take a vector (one value per
sample) or a matrix (one row per sample); ``cross_entropy`` and ``nll`` take a matrix of scores,
one row per sample, and a class label per row (``cross_entropy`` also takes a matrix of class
probabilities, as ``torch.nn.CrossEntropyLoss`` does).

``per_sample`` is the loss with ``reduction='none'``; for an elementwise loss on a matrix, each row
is one sample, so its elements are averaged into one number per row. ``grad`` is the gradient of
``value`` with respect to ``input``; with ``reduction='none'`` the value is the whole tensor and the
gradient is that of its sum, which is what ``loss.backward(torch.ones_like(loss))`` computes.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import torch
from torch import nn

from app.labs.common.checks import number
from app.labs.errors import FieldError
from app.labs.losses.inputs import (
    check_range,
    check_same_shape,
    class_labels,
    non_negative,
    reduction,
    tensor,
)

Nested = Any  # a float, or a (nested) list of floats, as JSON has it


@dataclass(frozen=True)
class LossSpec:
    module: str  # the torch.nn class, for the code shown beside the result
    kind: str  # "regression", "classes" (scores + labels) or "binary" (probabilities or logits)
    options: tuple[str, ...]  # option names accepted, as in torch.nn


# the choices of the evaluate endpoint; LOSSES covers exactly these names, in order (tests/labs/common)
LossName = Literal["l1", "mse", "smooth_l1", "huber", "cross_entropy", "nll", "bce", "bce_with_logits"]
LOSSES: dict[str, LossSpec] = {
    "l1": LossSpec("L1Loss", "regression", ("reduction",)),
    "mse": LossSpec("MSELoss", "regression", ("reduction",)),
    "smooth_l1": LossSpec("SmoothL1Loss", "regression", ("reduction", "beta")),
    "huber": LossSpec("HuberLoss", "regression", ("reduction", "delta")),
    "cross_entropy": LossSpec(
        "CrossEntropyLoss", "classes", ("reduction", "weight", "label_smoothing")
    ),
    "nll": LossSpec("NLLLoss", "classes", ("reduction", "weight")),
    "bce": LossSpec("BCELoss", "binary", ("reduction", "weight")),
    "bce_with_logits": LossSpec(
        "BCEWithLogitsLoss", "binary", ("reduction", "weight", "pos_weight")
    ),
}


def evaluate(
    loss: str, input: Nested, target: Nested, options: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Return ``{"value", "per_sample", "grad"}`` for ``loss(input, target)`` with ``options``."""
    spec = LOSSES.get(loss)
    if spec is None:
        raise FieldError("loss", f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    options = dict(options or {})
    for name in options:
        if name not in spec.options:
            raise FieldError(
                f"options.{name}",
                f"{spec.module} has no option {name!r}; it takes {', '.join(spec.options)}",
            )
    x = tensor("input", input)
    t = _target(loss, spec, x, target)
    build = _builder(loss, spec, x, t, options)
    red = reduction(options.get("reduction", "mean"))

    x.requires_grad_(True)
    out = build(red)(x, t)
    out.backward(torch.ones_like(out))
    assert x.grad is not None  # backward always fills the gradient of a leaf that needs one
    if not (bool(torch.isfinite(out).all()) and bool(torch.isfinite(x.grad).all())):
        # float32 tops out near 3.4e38: a squared 1e20 is already infinite
        raise FieldError("input", "the loss or its gradient overflows float32; use smaller numbers")

    with torch.no_grad():
        each = build("none")(x, t)
        if each.dim() == 2:  # elementwise loss on rows: one number per sample
            each = each.mean(dim=1)
    return {
        "value": out.item() if out.dim() == 0 else out.tolist(),
        "per_sample": each.reshape(-1).tolist(),
        "grad": x.grad.tolist(),
    }


def _target(loss: str, spec: LossSpec, x: torch.Tensor, target: Nested) -> torch.Tensor:
    """Validate ``target`` against ``input`` the way the loss reads it."""
    if spec.kind == "classes":
        if x.dim() != 2:
            raise FieldError("input", "needs one row of class scores per sample, a matrix (N, C)")
        n, c = x.shape
        if loss == "cross_entropy" and _looks_like_matrix(target):
            probs = tensor("target", target)
            check_same_shape(probs, x)
            check_range("target", probs, 0.0, 1.0, "class probabilities")
            return probs
        return class_labels("target", target, n, c)
    t = tensor("target", target)
    check_same_shape(t, x)
    if spec.kind == "binary":
        if loss == "bce":
            check_range("input", x, 0.0, 1.0, "BCELoss takes probabilities (after a sigmoid)")
        check_range("target", t, 0.0, 1.0, "binary targets")
    return t


def _looks_like_matrix(value: Nested) -> bool:
    return (
        isinstance(value, (list, tuple)) and len(value) > 0 and isinstance(value[0], (list, tuple))
    )


def _builder(
    loss: str, spec: LossSpec, x: torch.Tensor, t: torch.Tensor, options: Mapping[str, Any]
) -> Callable[[str], nn.Module]:
    """Check the options once, then build the torch.nn module for a given reduction."""
    if loss in ("l1", "mse"):
        cls = nn.L1Loss if loss == "l1" else nn.MSELoss
        return lambda red: cls(reduction=red)
    if loss == "smooth_l1":
        beta = number("options.beta", options.get("beta", 1.0), minimum=0.0)
        return lambda red: nn.SmoothL1Loss(reduction=red, beta=beta)
    if loss == "huber":
        delta = number("options.delta", options.get("delta", 1.0), minimum=0.0, strict=True)
        return lambda red: nn.HuberLoss(reduction=red, delta=delta)
    if spec.kind == "classes":
        weight = _class_weight(options.get("weight"), x, t)
        if loss == "nll":
            return lambda red: nn.NLLLoss(weight=weight, reduction=red)
        smoothing = number(
            "options.label_smoothing", options.get("label_smoothing", 0.0), minimum=0.0, maximum=1.0
        )
        return lambda red: nn.CrossEntropyLoss(
            weight=weight, reduction=red, label_smoothing=smoothing
        )
    weight = _broadcast_weight("options.weight", options.get("weight"), x.shape)
    if loss == "bce":
        return lambda red: nn.BCELoss(weight=weight, reduction=red)
    pos_weight = _broadcast_weight("options.pos_weight", options.get("pos_weight"), x.shape[-1:])
    return lambda red: nn.BCEWithLogitsLoss(weight=weight, reduction=red, pos_weight=pos_weight)


def _class_weight(value: Nested, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor | None:
    if value is None:
        return None
    weight = tensor("options.weight", value)
    if weight.dim() != 1 or weight.numel() != x.shape[1]:
        raise FieldError("options.weight", f"needs one weight per class, {x.shape[1]} numbers")
    non_negative("options.weight", weight)
    if t.dim() == 1 and float(weight[t].sum()) == 0.0:
        # the weighted mean divides by the weights of the labels present: 0/0
        raise FieldError("options.weight", "the labels present all have weight 0")
    return weight


def _broadcast_weight(field: str, value: Nested, shape: torch.Size) -> torch.Tensor | None:
    if value is None:
        return None
    weight = tensor(field, value, allow_scalar=True)
    trailing = zip(reversed(weight.shape), reversed(shape), strict=False)
    if weight.dim() > len(shape) or any(w not in (1, s) for w, s in trailing):
        raise FieldError(field, f"shape {list(weight.shape)} does not broadcast to {list(shape)}")
    non_negative(field, weight)
    return weight
