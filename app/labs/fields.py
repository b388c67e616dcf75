"""How a lab declares its config: each field's type, default, bounds, choices, cap and help, once.

A lab's config is a dataclass whose fields are ``Annotated`` with annotated-types constraints
(``Ge``, ``Gt``, ``Le``, ``Lt``, ``MinLen``, ``MaxLen``), ``Literal`` choices, and markers of our
own: ``Cap`` names the ``Settings`` attribute that limits a size on this server, ``Help`` says what
the field means, ``Distinct`` makes a list's items unique. The web layer derives from these
declarations the validation of the socket and of HTTP, the OpenAPI schema, the page's form and the
page's URL state; a lab imports no web library, and nothing else retypes a default, a bound or a
choice list.
"""

import math
import typing
from dataclasses import dataclass
from typing import Annotated, Any

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen

from app.labs.errors import FieldError

__all__ = ["MAX_LR", "Cap", "Distinct", "Ge", "Gt", "Help", "Le", "LearningRate", "Lt", "MaxLen", "MinLen", "Seed",
           "within"]


@dataclass(frozen=True)
class Cap:
    """This number (or, on a list, its length) may not exceed ``Settings.<setting>`` on this server."""

    setting: str


@dataclass(frozen=True)
class Distinct:
    """Each item of this list at most once (the lab refuses a repeat; the schema says ``uniqueItems``)."""


@dataclass(frozen=True)
class Help:
    """What the field means, in one English sentence (the page's labels live in static/i18n)."""

    text: str


# One bound for every lab's learning rate: beyond 10 every lab here diverges on its first steps, so a
# larger value shows nothing new (it was 10 in some routes, 100 in others, and unbounded in the labs).
MAX_LR = 10.0
LearningRate = Annotated[float, Gt(0), Le(MAX_LR), Help("the optimiser's step size")]
Seed = Annotated[int, Ge(0), Le(2**31 - 1), Help("the seed of every random draw of the run")]


def within(annotation: Any, value: Any, where: str) -> Any:
    """``value`` held to the numeric bounds declared on ``annotation`` (``Ge``/``Gt``/``Le``/``Lt``), for
    a lab called directly: the web layer refuses the same values from the same declaration first.
    An ``int`` field takes whole numbers only; true/false is never a number. Raises FieldError(where)."""
    base, constraints = annotation, []
    while typing.get_origin(base) is Annotated:
        base, *meta = typing.get_args(base)
        constraints += meta
    whole = base is int
    if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)) \
            or not math.isfinite(value):
        raise FieldError(where, f"expected {'a whole' if whole else 'a finite'} number, got {value!r}")
    number = float(value)
    for c in constraints:
        bound = typing.cast(float, getattr(c, type(c).__name__.lower(), None))  # Ge(ge=...), Lt(lt=...)
        bad = ((isinstance(c, Ge) and not number >= bound) or (isinstance(c, Gt) and not number > bound)
               or (isinstance(c, Le) and not number <= bound) or (isinstance(c, Lt) and not number < bound))
        if bad:
            raise FieldError(where, f"{value!r} is outside the allowed range ({_range(constraints)})")
    return value


def _range(constraints: list[Any]) -> str:
    parts = [f">= {c.ge}" if isinstance(c, Ge) else f"> {c.gt}" if isinstance(c, Gt)
             else f"<= {c.le}" if isinstance(c, Le) else f"< {c.lt}" for c in constraints
             if isinstance(c, (Ge, Gt, Le, Lt))]
    return ", ".join(parts)
