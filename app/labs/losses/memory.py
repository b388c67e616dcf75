"""How much memory the live outlier fit holds, from its config (app/labs/common/memory.py).

The points are shared by every copy the run hub keeps; each fit is one ``nn.Linear(1, 1)``, its
optimiser and a bounded history; a step or a frame goes over every point once per fit.
"""

from typing import Any

from app.labs.common.memory import COPIES, FLOAT, MB, PYFLOAT, total

FIT = 256 << 10  # one fit: its model, optimiser and a history of at most 255 points


def run_memory(config: Any, copies: int = COPIES) -> tuple[int, tuple[str, ...]]:
    """Bytes of a fit (``config`` is the lab's OutlierConfig) and its fields, most to blame first."""
    fits = len(config.losses)
    shared = {("samples",): config.samples * 4 * FLOAT}
    state = {("losses",): fits * FIT}
    work = {("samples", "losses"): config.samples * (fits * 6 * FLOAT + 4 * PYFLOAT) + 2 * MB}
    return total(shared, state, work, copies)
