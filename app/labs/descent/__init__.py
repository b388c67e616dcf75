"""The Gradient-descent lab: batch, stochastic and mini-batch descent on the notes' line fit.

Its face: ``DescentConfig`` (the race) and ``OneRun`` (one variant), each field declared once; the live
race ``DescentRun``; the one-shot ``run_one(OneRun)`` (one variant to the end) and
``DescentRun(config).scene()``; the code panel ``pytorch_code(config)``.
"""

from app.labs.descent.code import pytorch_code
from app.labs.descent.config import (
    LIVE_PARAMS,
    VARIANTS,
    DescentConfig,
    DescentData,
    OneRun,
    Variant,
    least_squares,
    make_loader,
    notes_data,
    start_point,
)
from app.labs.descent.race import MAX_FRAME_POINTS, DescentRun, run, run_one

__all__ = [
    "LIVE_PARAMS",
    "MAX_FRAME_POINTS",
    "VARIANTS",
    "DescentConfig",
    "DescentData",
    "DescentRun",
    "OneRun",
    "Variant",
    "least_squares",
    "make_loader",
    "notes_data",
    "pytorch_code",
    "run",
    "run_one",
    "start_point",
]
