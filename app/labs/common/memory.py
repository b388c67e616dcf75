"""A computation's memory from its config, before anything is built: the terms and who is to blame.

An estimate is a sum of terms, each the bytes one part of the computation holds and the config fields
that make it big. Three kinds: what every copy of a run shares (data sets, the grids it draws on),
what each copy holds on its own (weights, optimiser state, histories), and what one step or one frame
allocates for a moment. A live run is held ``COPIES`` times: the run hub's timeline keeps up to 8
deep-copied checkpoints of it (a 9th before it thins them) to rewind and branch from. The estimates
err on the large side; tests/web/test_memory_labs.py measures real runs against them.
"""

from collections.abc import Mapping
from typing import Any

FLOAT, DOUBLE = 4, 8  # bytes of a float32, a float64
TENSOR = 700  # bytes of one small tensor's Python and ATen objects, beside its data
PYFLOAT = 32  # one float in a Python list (the object and its pointer)
MB = 1 << 20
COPIES = 10  # a live run and the hub's checkpoints of it
FRAMES = 16 * MB  # the hub's cache of encoded frames (8 MB) and frames on their way to sockets

# (fields to blame, a tuple of names) -> bytes; Any because a Mapping's key type is invariant and each
# lab's terms are tuples of their own length
Terms = Mapping[Any, float]


def total(shared: Terms, state: Terms, work: Terms, copies: int = COPIES,
          base: int = FRAMES) -> tuple[int, tuple[str, ...]]:
    """Bytes of ``copies`` copies of a computation, and its fields from the most to the least to blame."""
    weight: dict[str, float] = {}
    size = float(base)
    for terms, times in ((shared, 1), (state, copies), (work, 1)):
        for fields, nbytes in terms.items():
            size += times * nbytes
            for name in fields:
                weight[name] = weight.get(name, 0.0) + times * nbytes
    return int(size), tuple(sorted(weight, key=lambda name: -weight[name]))


def layers(widths: list[int]) -> int:
    """Weights and biases of an MLP through ``widths`` (inputs, hidden..., outputs)."""
    return sum((a + 1) * b for a, b in zip(widths, widths[1:]))


def optimizer_buffers(name: str) -> int:
    """Tensors of the parameters' size a ``torch.optim`` optimiser keeps (Adam: two averages)."""
    return 2 if name.startswith("adam") else 0 if name == "sgd" else 1
