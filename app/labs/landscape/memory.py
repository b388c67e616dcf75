"""How much memory a loss-landscape run or surface holds, from its config (app/labs/common/memory.py).

Each network (two when comparing) holds its weights, gradients and optimiser buffers in every copy the
run hub keeps, and up to ``MAX_CHECKPOINTS`` weight vectors of its path, shared by the copies; the
plane's two directions and the surface's grid² losses; for a moment the chunk of points evaluated
at once (bounded, however large the grid) and, for PCA directions, the path's decomposition.
"""

from typing import Any

from app.labs.common.memory import COPIES, FLOAT, MB, TENSOR, layers, optimizer_buffers, total
from app.labs.landscape.trainee import MAX_CHECKPOINTS

CHUNKS = 16 * MB  # a chunk of points' activations and weights (app/labs/landscape/batched.py), whatever the grid


def run_memory(config: Any, copies: int = COPIES) -> tuple[int, tuple[str, ...]]:
    """Bytes of a run (``config`` is the lab's LandscapeConfig) and its fields, most to blame first."""
    inputs, outputs = (64, 10) if config.dataset == "digits" else (2, 2)
    n = 1797 if config.dataset == "digits" else config.samples
    cfgs = [config] + ([config.twin()] if config.compare is not None else [])
    nets = [("hidden",)] + ([("compare",)] if config.compare is not None else [])
    shared: dict[tuple[str, ...], float] = {("samples",): n * (inputs * FLOAT * 3 + 16)}
    state: dict[tuple[str, ...], float] = {("grid",): len(cfgs) * config.grid**2 * 64,
                                           ("epochs",): config.epochs * 256 * len(cfgs)}
    work: dict[tuple[str, ...], float] = {("grid",): CHUNKS + len(cfgs) * config.grid**2 * 3 * 8}
    for blame, cfg in zip(nets, cfgs):
        widths = [inputs, *cfg.hidden, outputs]
        weights = layers(widths) + 4 * sum(cfg.hidden)
        shared[blame] = shared.get(blame, 0) + (MAX_CHECKPOINTS + 1) * (weights * FLOAT + TENSOR)
        state[blame] = state.get(blame, 0) + (4 + optimizer_buffers(cfg.optimizer)) * weights * FLOAT
        work[blame] = 2 * (MAX_CHECKPOINTS + 2) * weights * FLOAT  # the path stacked for its PCA, and its axes
        work[blame] += 3 * 3 * n * max(widths) * FLOAT  # the first layer's products with the data, per plane
        work[(*blame, "batch_size")] = 4 * min(cfg.batch_size, n) * sum(widths) * FLOAT + 4 * n * sum(widths) * FLOAT
    return total(shared, state, work, copies)


def surface_memory(config: Any) -> tuple[int, tuple[str, ...]]:
    """Bytes of ``POST /api/landscape/surface``: one training, then the whole plane at once."""
    return run_memory(config, copies=1)
