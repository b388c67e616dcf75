"""A comparison (twin) run's config, for the labs that train two models side by side."""

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from app.labs.errors import FieldError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

C = TypeVar("C", bound="DataclassInstance")


def twin_of(config: C, changes: Mapping[str, Any]) -> C:
    """``config`` with the comparison's ``changes`` applied and no comparison of its own, validated like a
    new config; a refused change names its field as the user sent it, inside "compare"."""
    changed = dict(changes)
    if isinstance(changed.get("hidden"), list):  # JSON has no tuples
        changed["hidden"] = tuple(changed["hidden"])
    try:
        return replace(config, compare=None, **changed)
    except FieldError as exc:
        raise FieldError(f"compare.{exc.field}", exc.message) from None
