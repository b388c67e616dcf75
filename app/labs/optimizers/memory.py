"""How much memory a race or a swarm holds, from its config (app/labs/common/memory.py).

A race records every racer's (x, y, loss) per step, in a float64 tensor that doubles when full; a
swarm moves ``racers × swarm_size`` points (up to 80,000) as one tensor, with their gradients, the
optimisers' buffers and basin codes, and records each cloud's mean loss per step. Both are held in
every copy the run hub keeps; a frame draws at most ``FRAME_POINTS`` points of the clouds.
"""

from typing import Any

from app.labs.common.memory import COPIES, DOUBLE, MB, PYFLOAT, total
from app.labs.optimizers.swarm import FRAME_POINTS

FIRST = 1024  # a race's history starts with room for this many steps
POINT_BYTES = 12 * DOUBLE  # one swarm point: position, gradient, value, optimiser buffers, basin code


def history_rows(steps: int) -> int:
    rows = FIRST
    while rows < steps + 1:
        rows *= 2
    return rows


def run_memory(config: Any, copies: int = COPIES) -> tuple[int, tuple[str, ...]]:
    """Bytes of a run (``config`` is the lab's OptimizersConfig) and its fields, most to blame first."""
    racers = len(config.optimizers)
    if config.mode == "swarm":
        points = racers * config.swarm_size
        state = {("swarm_size", "optimizers"): points * POINT_BYTES,
                 ("steps", "optimizers"): (config.steps + 1) * racers * DOUBLE * 2}
        work = {("swarm_size", "optimizers"): points * 4 * DOUBLE + FRAME_POINTS * 2 * 3 * PYFLOAT + 4 * MB}
    else:
        state = {("steps", "optimizers"): history_rows(config.steps) * racers * 3 * DOUBLE}
        work = {("steps", "optimizers"): 2 * history_rows(config.steps) * racers * 3 * DOUBLE  # growing: cat
                + racers * config.path_points * 3 * PYFLOAT + 4 * MB}
    return total({}, state, work, copies)
