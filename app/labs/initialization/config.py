"""What a comparison is made of: every field's type, default, bounds, choices, cap and help, once.

The web layer derives from these declarations the socket's and the HTTP routes' validation, the
OpenAPI schema, and the page's form (see app/labs/fields.py)."""

from dataclasses import dataclass, field
from typing import Annotated

from app.labs.fields import Cap, Ge, Help, LearningRate, MinLen, Seed
from app.labs.initialization.methods import InitSpec
from app.labs.initialization.network import ActivationName

Depth = Annotated[int, Ge(2), Cap("max_depth"), Help("Linear layers, input and output included")]
Width = Annotated[int, Ge(1), Cap("max_width"), Help("neurons per hidden layer")]
Activation = Annotated[ActivationName, Help("after every Linear layer but the last")]
BatchSize = Annotated[int, Ge(1), Cap("max_batch_size"), Help("digits per step")]
Bins = Annotated[int, Ge(2), Cap("max_bins"), Help("bars of each histogram")]


def _default_methods() -> list[InitSpec]:
    return [InitSpec("normal"), InitSpec("xavier_normal"), InitSpec("kaiming_normal", nonlinearity="relu")]


@dataclass
class InitConfig:
    """A live comparison; the defaults compare normal, Xavier and Kaiming on a 10-layer tanh net."""

    methods: Annotated[list[InitSpec], MinLen(1), Cap("max_methods"),
                       Help("initialisations compared side by side")] = field(default_factory=_default_methods)
    depth: Depth = 10
    width: Width = 256
    activation: Activation = "tanh"
    batch_size: BatchSize = 128
    lr: LearningRate = 0.05  # plain SGD; the one field a run may change mid-way
    steps: Annotated[int, Ge(1), Cap("max_steps"), Help("SGD steps of the run")] = 1000
    seed: Seed = 0
    bins: Bins = 40


LIVE_PARAMS = ("lr",)  # what a ``set`` message may change during a run


@dataclass(frozen=True)
class InspectConfig:
    """One fresh network, one forward and backward pass: the inspect endpoint's question."""

    init: InitSpec
    depth: Depth = 10
    width: Width = 256
    activation: Activation = "relu"
    batch_size: BatchSize = 256
    seed: Seed = 0
    bins: Bins = 40
