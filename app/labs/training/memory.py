"""How much memory a training run holds, from its config, before building it (app/labs/common/memory.py).

The weights, their gradients and the optimiser's buffers of each network (two when comparing), in
every copy the run hub keeps; the data set once; a batch's activations for backward, the curves'
evaluation and the network view's pass over the plane for a moment. At 24 hidden layers of 1,024 a
network alone is 25 M parameters, and its checkpoints several GB: refused before anything is built.
"""

from typing import Any

from app.labs.common.memory import COPIES, FLOAT, TENSOR, layers, optimizer_buffers, total
from app.labs.training.frames import GRID
from app.labs.training.run import EVAL_LIMIT

DIGITS = 1797  # scikit-learn's digits: every one, whatever ``samples`` says
CLASSES = 10  # the most outputs a built-in set or an image set has (a CSV's few classes are fewer)
INPUTS = {"digits": 64, "fashion": 784}  # pixels; the 2D sets give the model their chosen features


def run_memory(config: Any, copies: int = COPIES) -> tuple[int, tuple[str, ...]]:
    """Bytes of a run (``config`` is the lab's TrainingConfig) and its fields, most to blame first."""
    inputs = INPUTS.get(config.dataset, max(2, len(config.features)))
    n = DIGITS if config.dataset == "digits" else 2 * config.samples if config.dataset == "fashion" else config.samples
    batch = min(config.batch_size, n)
    nets = [("hidden",)] + ([("compare",)] if config.compare is not None else [])
    cfgs = [config] + ([config.twin()] if config.compare is not None else [])
    shared = {("samples",): n * (3 * inputs * FLOAT + 16)}  # the set, what the model sees, the plane
    state: dict[tuple[str, ...], float] = {("samples", "batch_size"): (n // batch + 1) * TENSOR + 8 * n,
                                           ("epochs",): config.epochs * 64 * (len(config.hidden) + 8)}
    work: dict[tuple[str, ...], float] = {}
    plane = config.dataset not in INPUTS and config.network_view
    for blame, cfg in zip(nets, cfgs):
        widths = [inputs, *cfg.hidden, CLASSES]
        weights = layers(widths) + 4 * sum(cfg.hidden)  # batch norm's few
        state[blame] = state.get(blame, 0) + (2 + optimizer_buffers(cfg.optimizer)) * weights * FLOAT
        units = sum(widths)
        work[(*blame, "batch_size")] = 4 * batch * units * FLOAT  # forward kept for backward, its gradients
        work[blame] = 2 * (2 * min(EVAL_LIMIT, n) + (GRID * GRID if plane else 0)) * units * FLOAT
    return total(shared, state, work, copies)


def vanishing_memory(config: Any) -> tuple[int, tuple[str, ...]]:
    """Bytes of ``POST /api/training/vanishing``: each net built in turn, one forward and backward pass."""
    widths = [64, *(config.width,) * config.depth, CLASSES]
    weights = 3 * layers(widths) * FLOAT  # weights, gradients, batch norm's and the freed net's
    batch = 4 * config.batch * sum(widths) * FLOAT
    return total({}, {("width", "depth"): weights}, {("batch", "width", "depth"): batch}, copies=1)
