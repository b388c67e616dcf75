"""Deep copies of live runs that share what never changes.

The engine branches a run (rewinding, shared runs) with ``copy.deepcopy(run)`` and steps the copy
on its own. A copy must own everything a step changes (weights, optimiser state, generators,
histories) and may share everything it only reads (data sets, grids, fixed samples): sharing
those keeps a copy of a run at the size of its model, not of its data.
"""

import copy
from collections.abc import Iterable
from typing import Any, TypeVar

from torch import nn

T = TypeVar("T")


def copy_sharing(obj: T, memo: dict[int, Any], shared: Iterable[object], models: Iterable[nn.Module] = ()) -> T:
    """A deep copy of ``obj`` (through its ``__dict__``) in which each object of ``shared`` is the
    original itself, wherever it is reached. For a run's ``__deepcopy__``.

    ``nn.Parameter`` deep-copies without its ``.grad``; the gradients of ``models`` are copied too,
    since frames show the last step's gradients.
    """
    for item in shared:
        memo[id(item)] = item
    cls = type(obj)
    new = cls.__new__(cls)
    memo[id(obj)] = new
    new.__dict__.update(copy.deepcopy(obj.__dict__, memo))
    for model in models:
        for p in model.parameters():
            if p.grad is not None:
                memo[id(p)].grad = copy.deepcopy(p.grad, memo)
    return new

