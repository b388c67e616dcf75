"""The notes' worked loss examples, computed by torch.nn with every intermediate value.

Notes 000 and 001 (see ../shared/seeds/) work these by hand; the lab shows the same numbers:
L1 = 0.5 and MSE = 0.25 on [1, 2, 3] vs [1.5, 2.5, 3.5]; CrossEntropyLoss = 0.6422 on logits
[[1.5, 2, 0.5], [0.5, 1, 1.5]] with labels [1, 2], through log-softmax values −0.6041 and −0.6803;
the four-sample BCE table −0.3567, −0.2231, −0.1054, −1.2040.
"""

from dataclasses import dataclass, field
from typing import Annotated, Any

import torch
from torch import nn

from app.labs.common.checks import number
from app.labs.errors import FieldError
from app.labs.fields import Ge, Help, Le, MaxLen
from app.labs.losses.evaluate import evaluate
from app.labs.losses.inputs import class_labels, tensor

NOTES_LOGITS = [[1.5, 2.0, 0.5], [0.5, 1.0, 1.5]]
NOTES_LABELS = [1, 2]
NOTES_BCE_Y = [0.7, 0.2, 0.9, 0.7]
MAX_SAMPLES = 16  # rows of the walkthrough: each is a table on the page
MAX_CLASSES = 64


@dataclass(frozen=True)
class CrossEntropyConfig:
    """The cross-entropy walkthrough's question; the defaults are the notes' example (loss 0.6422)."""

    logits: Annotated[list[list[float]], MaxLen(MAX_SAMPLES),
                      Help(f"one row of scores per sample, at most {MAX_CLASSES} classes")] = field(
        default_factory=lambda: [row[:] for row in NOTES_LOGITS])
    labels: Annotated[list[int], Help("the true class of each sample")] = field(default_factory=lambda: NOTES_LABELS[:])
    label_smoothing: Annotated[float, Ge(0), Le(1), Help("CrossEntropyLoss's label_smoothing")] = 0.0
NOTES_BCE_T = [1.0, 0.0, 1.0, 0.0]

# (id, note, loss, prediction, truth, options); torch's argument order is loss(prediction, truth)
REGRESSION_EXAMPLES: tuple[tuple[str, str, str, list[float], list[float], dict[str, Any]], ...] = (
    ("l1_001", "001", "l1", [1, 2, 3], [1.5, 2.5, 3.5], {}),
    ("mse_001", "001", "mse", [1, 2, 3], [1.5, 2.5, 3.5], {}),
    ("smooth_l1_001", "001", "smooth_l1", [1, 2, 3, 6], [1.5, 2.5, 3.5, 4.5], {}),
    ("mae_000", "000", "l1", [2.5, 5, 3], [2, 5, 2.5], {}),
    ("mse_000", "000", "mse", [2.5, 5, 3], [3, 5, 2.5], {}),
)


def regression_examples() -> list[dict[str, Any]]:
    """Each of the notes' regression examples with its value, per-element losses and gradient."""
    out = []
    for example_id, note, loss, prediction, truth, options in REGRESSION_EXAMPLES:
        result = evaluate(loss, prediction, truth, options)
        out.append(
            {
                "id": example_id,
                "note": note,
                "loss": loss,
                "input": prediction,
                "target": truth,
                "options": options,
                **result,
            }
        )
    return out


def cross_entropy_walkthrough(
    logits: Any = None, labels: Any = None, label_smoothing: float = 0.0
) -> dict[str, Any]:
    """Logits → softmax → log-softmax → NLL per sample; CrossEntropyLoss == LogSoftmax + NLLLoss.

    Each sample row shows the max subtracted for stability (as the notes do), the exponentials,
    log Σ exp, softmax, log-softmax and its value at the label. ``double_softmax`` is what happens
    when a softmax layer is wrongly put before CrossEntropyLoss, which already contains one.
    """
    x = tensor("logits", NOTES_LOGITS if logits is None else logits)
    if x.dim() != 2 or x.shape[1] < 2:
        raise FieldError("logits", "needs a matrix with one row of at least 2 scores per sample")
    y = class_labels("labels", NOTES_LABELS if labels is None else labels, x.shape[0], x.shape[1])
    label_smoothing = number("label_smoothing", label_smoothing, minimum=0.0, maximum=1.0)
    ce = nn.CrossEntropyLoss(label_smoothing=label_smoothing)(x, y)
    log_probs = nn.LogSoftmax(dim=1)(x)
    nll_each = nn.NLLLoss(reduction="none")(log_probs, y)

    rows = []
    for i in range(x.shape[0]):
        shifted = x[i] - x[i].max()
        exp = shifted.exp()
        rows.append(
            {
                "logits": x[i].tolist(),
                "label": int(y[i]),
                "max": float(x[i].max()),
                "shifted": shifted.tolist(),
                "exp": exp.tolist(),
                "sum_exp": float(exp.sum()),
                "log_sum_exp_shifted": float(exp.sum().log()),
                "softmax": torch.softmax(x[i], dim=0).tolist(),
                "log_softmax": log_probs[i].tolist(),
                "log_softmax_at_label": float(log_probs[i, y[i]]),
                "nll": float(nll_each[i]),
            }
        )
    return {
        "samples": rows,
        "label_smoothing": label_smoothing,
        "cross_entropy": float(ce),
        "log_softmax_nll": float(nn.NLLLoss()(log_probs, y)),
        "double_softmax": float(nn.CrossEntropyLoss()(torch.softmax(x, dim=1), y)),
    }


def bce_table(y: Any = None, t: Any = None) -> dict[str, Any]:
    """The notes' BCE table: per sample t·log y + (1 − t)·log(1 − y), then BCELoss = −mean."""
    y = NOTES_BCE_Y if y is None else y
    t = NOTES_BCE_T if t is None else t
    probs, targets = tensor("y", y), tensor("t", t)
    if probs.dim() != 1:
        raise FieldError("y", "expected a list of probabilities, one per sample")
    try:
        result = evaluate("bce", y, t)  # checks t's shape and both ranges
    except FieldError as error:
        raise FieldError({"input": "y", "target": "t"}[error.field], error.message) from error
    rows = []
    for i, (p, target) in enumerate(zip(y, t, strict=True)):
        term = -result["per_sample"][i]  # BCELoss per sample is the negated term
        rows.append({"sample": i + 1, "y": p, "t": target, "term": term})
    return {
        "rows": rows,
        "bce_loss": result["value"],
        "functional": float(nn.functional.binary_cross_entropy(probs, targets)),
    }
