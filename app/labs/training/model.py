"""The MLP of the training lab, its initialisation and its optimiser, all from ``torch.nn``/``torch.optim``.

Layout: ``[Linear → BatchNorm1d? → activation → Dropout?]`` per hidden layer, wrapped as
``x + block(x)`` when residual connections are on and the block keeps the width, then a ``Linear``
output. Every random draw (initial weights, dropout masks) comes from generators the run owns, not
from PyTorch's global generator, which concurrent runs on the server would share.
"""

import typing
from collections.abc import Iterable
from typing import Literal

import torch
from torch import nn

from app.labs.common.activations import pick
from app.labs.common.init_methods import init_linear
from app.labs.common.optimizers import OptimizerName
from app.labs.common.optimizers import make_optimizer as shared_make_optimizer
from app.labs.common.residual import Residual
from app.labs.errors import FieldError

# Each choice list declared once, as the type of its config field; the tuples and tables derive from it.
Activation = Literal["sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu"]
ACTIVATIONS = pick(*typing.get_args(Activation))
# The Initialisation lab's names; non-default methods use the notes' arguments and zero biases.
Init = Literal[
    "default", "zeros", "ones", "constant", "uniform", "normal",
    "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal", "orthogonal",
]  # fmt: skip
INITS: tuple[Init, ...] = typing.get_args(Init)
Optimizer = OptimizerName  # every optimiser the labs share
OPTIMIZERS: tuple[Optimizer, ...] = typing.get_args(Optimizer)
CONSTANT = 0.77  # the notes' constant_ example


class SeededDropout(nn.Dropout):
    """``nn.Dropout`` drawing its mask from the run's own generator.

    The arithmetic is ATen's CPU dropout step for step (a Bernoulli(1-p) mask divided by 1-p, then
    one multiply; ``x * 0`` at p=1), so with the same generator state the output is bitwise
    ``F.dropout``'s. Concurrent runs never share the global generator this way.
    """

    def __init__(self, p: float, generator: torch.Generator) -> None:
        super().__init__(p)
        self.generator = generator
        self.last_keep: torch.Tensor | None = None  # the last training step's mask, for the network view

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return x
        if self.p == 0.0 or x.numel() == 0:
            self.last_keep = None
            return x
        if self.p == 1.0:
            self.last_keep = torch.zeros(x.shape, dtype=torch.bool)
            return x * torch.zeros((), dtype=x.dtype)
        noise = torch.empty_like(x).bernoulli_(1.0 - self.p, generator=self.generator)
        self.last_keep = noise != 0
        return x * noise.div_(1.0 - self.p)


def build_mlp(
    inputs: int,
    hidden: Iterable[int],
    outputs: int,
    activation: str = "relu",
    dropout: float = 0.0,
    batch_norm: bool = False,
    residual: bool = False,
    init: str = "default",
    seed: int = 0,
) -> nn.Sequential:
    """The lab's MLP, initialised by ``init`` from a generator seeded with ``seed``.

    Layers are made on the meta device so building draws nothing from the global generator; the
    dropout masks come from a second generator with the same seed.
    """
    if activation not in ACTIVATIONS:
        raise FieldError("activation", f"unknown activation {activation!r}; choose from {', '.join(ACTIVATIONS)}")
    if not 0.0 <= dropout < 1.0:
        raise FieldError("dropout", f"must be at least 0 and below 1, got {dropout}")
    dropout_generator = torch.Generator().manual_seed(seed)
    blocks: list[nn.Module] = []
    width = inputs
    for size in hidden:
        if size < 1:
            raise FieldError("hidden", f"every hidden layer needs at least 1 unit, got {size}")
        layers: list[nn.Module] = [nn.Linear(width, size, device="meta")]
        if batch_norm:
            layers.append(nn.BatchNorm1d(size, device="meta"))
        layers.append(ACTIVATIONS[activation]())
        # always present (p=0 is the identity) so dropout can be turned up during a run
        layers.append(SeededDropout(dropout, dropout_generator))
        block = nn.Sequential(*layers)
        blocks.append(Residual(block) if residual and size == width else block)
        width = size
    blocks.append(nn.Linear(width, outputs, device="meta"))
    model = nn.Sequential(*blocks).to_empty(device="cpu")
    for module in model.modules():
        if isinstance(module, nn.BatchNorm1d):
            module.reset_parameters()  # γ=1, β=0 and fresh running statistics
    initialise(model, init, activation, torch.Generator().manual_seed(seed))
    return model


def linears(model: nn.Module) -> list[nn.Linear]:
    """The model's ``Linear`` layers, input to output."""
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def initialise(model: nn.Module, method: str, activation: str, generator: torch.Generator) -> None:
    """Apply an init method to every ``Linear`` through ``torch.nn.init``, drawing from ``generator``.

    ``default`` repeats ``nn.Linear.reset_parameters`` (kaiming_uniform a=√5, bias U(±1/√fan_in)).
    """
    if method not in INITS:
        raise FieldError("init", f"unknown init {method!r}; choose from {', '.join(INITS)}")
    kaiming = {"nonlinearity": "leaky_relu", "a": 0.01} if activation == "leaky_relu" else {"nonlinearity": "relu"}
    for layer in linears(model):
        init_linear(layer, method, generator, val=CONSTANT, **kaiming)


def make_optimizer(model: nn.Module, name: str, lr: float, weight_decay: float = 0.0) -> torch.optim.Optimizer:
    """A ``torch.optim`` optimiser; L2 weight decay applies to the weights only, not to biases or
    batch-norm scales (group 0 holds the weights, group 1 the rest)."""
    weights = [layer.weight for layer in linears(model)]
    ids = {id(w) for w in weights}
    groups = [
        {"params": weights, "weight_decay": weight_decay},
        {"params": [p for p in model.parameters() if id(p) not in ids], "weight_decay": 0.0},
    ]
    if name in OPTIMIZERS:
        return shared_make_optimizer(name, groups, lr)
    raise FieldError("optimizer", f"unknown optimizer {name!r}; choose from {', '.join(OPTIMIZERS)}")
