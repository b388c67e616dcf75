"""The Loss-functions lab: torch.nn losses, their gradients, the notes' worked examples, entropy
and KL, and a live fit that shows which line outliers drag.

Its face: ``OutlierConfig`` and the live ``OutlierRun``; the one-shot panels' questions
``CurvesConfig``, ``CrossEntropyConfig`` and ``InformationConfig`` (each field declared once);
the one-shot ``evaluate``, ``curves``,
``bce_curves``, ``bce_logits_comparison``, ``regression_examples``, ``cross_entropy_walkthrough``,
``bce_table``, ``compare`` (information) and ``guide``; the code panels ``pytorch_code(config)``
and ``examples_code()``.
"""

from app.labs.losses.code import examples_code, pytorch_code
from app.labs.losses.evaluate import LOSSES, evaluate
from app.labs.losses.examples import CrossEntropyConfig, bce_table, cross_entropy_walkthrough, regression_examples
from app.labs.losses.guide import guide
from app.labs.losses.information import InformationConfig, compare
from app.labs.losses.loss_curves import CurvesConfig, bce_curves, bce_logits_comparison, curves
from app.labs.losses.outliers import LIVE_PARAMS, OutlierConfig, OutlierRun

__all__ = [
    "LIVE_PARAMS",
    "LOSSES",
    "CrossEntropyConfig",
    "CurvesConfig",
    "InformationConfig",
    "OutlierConfig",
    "OutlierRun",
    "bce_curves",
    "bce_logits_comparison",
    "bce_table",
    "compare",
    "cross_entropy_walkthrough",
    "curves",
    "evaluate",
    "examples_code",
    "guide",
    "pytorch_code",
    "regression_examples",
]
