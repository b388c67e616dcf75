"""How much memory a comparison or an inspection will hold, from its config, before building it.

One Initialisation run at every cap (depth 24, width 1024, 4 methods) held 1.1-1.5 GB, and a start
that was going to be refused was built first. These estimates are pure arithmetic on the config, so
a server can refuse (naming the fields that make it big) before allocating anything. They were
calibrated against the resident memory of real runs (tests/labs/test_memory_estimates.py); they err
on the large side.
"""

from typing import Any

from app.labs.common.memory import COPIES
from app.labs.initialization.network import CLASSES, IN_FEATURES

FLOAT = 4  # bytes of a float32
BASE = 64 << 20  # the digits, a run's histories and framing: a constant beside the tensors


def parameters(depth: int, width: int) -> int:
    """Weights and biases of the MLP: inputs -> width x (depth - 2) -> outputs (``depth`` linear layers)."""
    return (IN_FEATURES + 1) * width + (depth - 2) * (width + 1) * width + (width + 1) * CLASSES


def _estimate(tensors: int, activations: int, params_fields: tuple[str, ...],
              activation_fields: tuple[str, ...]) -> tuple[int, tuple[str, ...]]:
    fields = params_fields + activation_fields if tensors >= activations else activation_fields + params_fields
    return BASE + FLOAT * (tensors + activations), tuple(dict.fromkeys(fields))


def run_memory(config: Any) -> tuple[int, tuple[str, ...]]:
    """Bytes a live comparison holds, and its config fields from the most to the least to blame.

    Per method: weights, gradients and the frame's copies of the largest tensors (2.5 x parameters);
    the activations of a batch kept for backward and for the histograms (4 x batch x width x depth);
    and each deep-copied checkpoint the run hub keeps to rewind from: its weights, gradients and the
    batch's activations it holds for the histograms."""
    methods = len(config.methods)
    tensors = int((2.5 + 2 * (COPIES - 1)) * methods * parameters(config.depth, config.width))
    activations = (4 + COPIES - 1) * methods * config.batch_size * config.width * config.depth
    return _estimate(tensors, activations, ("width", "depth", "methods"), ("batch_size", "width", "depth", "methods"))


def inspect_memory(config: Any) -> tuple[int, tuple[str, ...]]:
    """Bytes one inspection (one fresh network, one forward and backward pass) holds."""
    tensors = 2 * parameters(config.depth, config.width)
    activations = 3 * config.batch_size * config.width * config.depth
    return _estimate(tensors, activations, ("width", "depth"), ("batch_size", "width", "depth"))
