"""How much memory a descent race or a one-shot run holds, from its config (app/labs/common/memory.py).

Each racer keeps its epoch's batches (one small tensor pair per update: 20,000 for stochastic descent
on 20,000 samples) and its path, a Python list growing by a point per update, in every copy the run
hub keeps; the data once; the MSE grid in chunks (``GRID_CHUNK_CELLS``), whatever the samples.
"""

import math
from typing import Any

from app.labs.common.memory import COPIES, DOUBLE, FLOAT, MB, PYFLOAT, TENSOR, total
from app.labs.descent.config import GRID_CHUNK_CELLS

POINT = 3 * PYFLOAT + 64  # a path's [w, b] list and its loss


def run_memory(config: Any, copies: int = COPIES) -> tuple[int, tuple[str, ...]]:
    """Bytes of a race (``config`` is the lab's DescentConfig) and its fields, most to blame first."""
    n = config.samples
    state: dict[tuple[str, ...], float] = {}
    for variant in config.variants:
        batches = math.ceil(n / config.size_of(variant))
        blame = ("samples", "variants") if variant != "minibatch" else ("samples", "batch_size", "variants")
        state[blame] = state.get(blame, 0) + 2 * batches * TENSOR + 2 * n * FLOAT
        state[(*blame, "epochs")] = state.get((*blame, "epochs"), 0) + config.epochs * batches * POINT
    shared = {("samples",): n * (2 * DOUBLE + 2 * FLOAT)}
    work = {("samples",): 4 * GRID_CHUNK_CELLS * DOUBLE + n * 64 + 4 * MB}
    return total(shared, state, work, copies)


def scene_memory(config: Any) -> tuple[int, tuple[str, ...]]:
    """Bytes of ``POST /api/descent/scene``: one race built, its contour drawn."""
    return run_memory(config, copies=1)


def one_run_memory(samples: int, updates: int) -> tuple[int, tuple[str, ...]]:
    """Bytes of ``POST /api/descent/run``: the data, one epoch's batches and ``updates`` points."""
    state = {("samples",): samples * (2 * DOUBLE + 4 * FLOAT) + 2 * samples * TENSOR,
             ("epochs", "batch_size"): updates * POINT * 2}
    return total({}, state, {("samples",): 4 * MB}, copies=1)
