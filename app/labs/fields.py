"""How a lab declares its config: each field's type, default, bounds, choices, cap and help, once.

A lab's config is a dataclass whose fields are ``Annotated`` with annotated-types constraints
(``Ge``, ``Gt``, ``Le``, ``Lt``, ``MinLen``, ``MaxLen``), ``Literal`` choices, and two markers of
our own: ``Cap`` names the ``Settings`` attribute that limits a size on this server, ``Help`` says
what the field means. The web layer derives from these declarations the validation of the socket
and of HTTP, the OpenAPI schema, the page's form and the page's URL state; a lab imports no web
library, and nothing else retypes a default, a bound or a choice list.
"""

from dataclasses import dataclass
from typing import Annotated

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen

__all__ = ["MAX_LR", "Cap", "Ge", "Gt", "Help", "Le", "LearningRate", "Lt", "MaxLen", "MinLen", "Seed"]


@dataclass(frozen=True)
class Cap:
    """This number (or, on a list, its length) may not exceed ``Settings.<setting>`` on this server."""

    setting: str


@dataclass(frozen=True)
class Help:
    """What the field means, in one English sentence (the page's labels live in static/i18n)."""

    text: str


# One bound for every lab's learning rate: beyond 10 every lab here diverges on its first steps, so a
# larger value shows nothing new (it was 10 in some routes, 100 in others, and unbounded in the labs).
MAX_LR = 10.0
LearningRate = Annotated[float, Gt(0), Le(MAX_LR), Help("the optimiser's step size")]
Seed = Annotated[int, Ge(0), Le(2**31 - 1), Help("the seed of every random draw of the run")]
