"""The Gradient-descent lab: batch, stochastic and mini-batch descent on the notes' line fit.

Its face: ``DescentConfig``; the live race ``DescentRun``; the one-shot ``run()`` (one variant to
the end) and ``DescentRun(config).scene()``; the code panel ``pytorch_code(config)``.
"""

from app.labs.descent.code import pytorch_code
from app.labs.descent.config import VARIANTS, DescentConfig, least_squares, make_loader, notes_data, start_point
from app.labs.descent.race import MAX_FRAME_POINTS, DescentRun, run

__all__ = [
    "MAX_FRAME_POINTS",
    "VARIANTS",
    "DescentConfig",
    "DescentRun",
    "least_squares",
    "make_loader",
    "notes_data",
    "pytorch_code",
    "run",
    "start_point",
]
