"""What the Back-propagation lab is asked: every field's type, default, bounds, choices, cap and help, once.

The defaults are note 001's network: inputs (0.05, 0.10), targets (0.01, 0.99), w1..w8 = 0.15 ...
0.55, b1 = 0.35 for both hidden neurons and b2 = 0.60 for both outputs, sigmoid, lr 0.5. The web
layer derives from these declarations the socket's and the routes' validation, the OpenAPI schema
and the page's form (see app/labs/fields.py). ``null`` (or a value left out) means the notes' value.
"""

import typing
from dataclasses import dataclass, field, fields
from typing import Annotated, Literal

from app.labs.fields import Cap, Ge, Help, Le, LearningRate

LIMIT = 1000.0  # |value| cap: beyond it sigmoid is flat and the squares only overflow
Value = Annotated[float, Ge(-LIMIT), Le(LIMIT)]
Pair = tuple[Value, Value]
ActivationName = Literal["sigmoid", "tanh", "relu"]  # the choices; the lab's tables are keyed by them
ACTIVATION_NAMES: tuple[ActivationName, ...] = typing.get_args(ActivationName)
Activation = Annotated[ActivationName, Help("f on both layers, as the notes' MyNet applies it")]


@dataclass(frozen=True)
class Weights:
    """w1, w2 → h1; w3, w4 → h2; w5 (from h1), w6 (from h2) → o1; w7 (h1), w8 (h2) → o2."""

    w1: Value | None = 0.15
    w2: Value | None = 0.20
    w3: Value | None = 0.25
    w4: Value | None = 0.30
    w5: Value | None = 0.40
    w6: Value | None = 0.45
    w7: Value | None = 0.50
    w8: Value | None = 0.55


@dataclass(frozen=True)
class Biases:
    """One bias per neuron; ``b1`` sets both hidden biases and ``b2`` both output biases, as in the notes."""

    b_h1: Value | None = None
    b_h2: Value | None = None
    b_o1: Value | None = None
    b_o2: Value | None = None
    b1: Annotated[Value | None, Help("the notes' b1: b_h1 and b_h2 at once")] = None
    b2: Annotated[Value | None, Help("the notes' b2: b_o1 and b_o2 at once")] = None


WEIGHTS = tuple(f.name for f in fields(Weights))
LAYER_BIASES = {"b1": ("b_h1", "b_h2"), "b2": ("b_o1", "b_o2")}  # the notes' shared names
BIASES = tuple(f.name for f in fields(Biases) if f.name not in LAYER_BIASES)
PARAMS = WEIGHTS + BIASES


NOTES_BIASES = Biases(b_h1=0.35, b_h2=0.35, b_o1=0.60, b_o2=0.60)  # the notes' b1 and b2, per neuron


@dataclass(frozen=True)
class BackpropConfig:
    """The notes' 2-2-2 network and its live training; ``{}`` is the notes' network with lr 0.5."""

    inputs: Annotated[Pair | None, Help("i1, i2")] = (0.05, 0.10)
    targets: Annotated[Pair | None, Help("t1, t2: what o1, o2 should be")] = (0.01, 0.99)
    # (factories: a web model validates what a factory gives, so the defaults are models there too)
    weights: Annotated[Weights | None, Help("the eight weights; those left out keep the notes' values")] = \
        field(default_factory=Weights)
    biases: Annotated[Biases | None, Help("per neuron, or per layer as b1, b2; left out: the notes' values")] = \
        field(default_factory=lambda: NOTES_BIASES)
    activation: Activation = "sigmoid"
    lr: LearningRate = 0.5  # the notes' hand update; their optim.SGD code uses 0.1
    steps: Annotated[int, Ge(1), Cap("max_steps"), Help("iterations of the live 'keep training' run")] = 10_000


LIVE_PARAMS = ("lr",)  # what a ``set`` message may change during a run


@dataclass(frozen=True)
class ChainRule:
    """The notes' one-neuron chain rule: d f(wx + b)/dw and /db; 0.25 at w = b = 0, x = 1."""

    x: Value = 1.0
    w: Value = 0.0
    b: Value = 0.0
    activation: Activation = "sigmoid"
