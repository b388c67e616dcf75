"""The vanishing-gradient scene: each layer's weight-gradient norm in a deep MLP at initialisation.

Notes (004): sigmoid's derivative is at most 0.25, so back-propagation through many sigmoid layers
multiplies the gradient down layer by layer; ReLU with Kaiming initialisation, or batch norm before
each sigmoid, keeps it alive. One backward pass of the untrained net on a batch shows it.
"""

from dataclasses import dataclass
from typing import Annotated, Any, Literal

import torch
from torch import nn

from app.labs.common.datasets import make_dataset
from app.labs.errors import FieldError
from app.labs.fields import Cap, Ge, Help, MaxLen, MinLen, Seed
from app.labs.training.model import build_mlp, linears

NetName = Literal["sigmoid", "relu_kaiming", "sigmoid_batchnorm", "sigmoid_xavier", "relu_default", "tanh_xavier"]
# the sets one batch is drawn from: the 2D sets and the digits (the curve is a regression)
VanishingSet = Literal["circle", "xor", "gauss", "spiral", "moons", "digits"]

# name -> the settings that make it; the first three are the notes' comparison
PRESETS: dict[str, dict[str, Any]] = {
    "sigmoid": {"activation": "sigmoid", "init": "default", "batch_norm": False},
    "relu_kaiming": {"activation": "relu", "init": "kaiming_normal", "batch_norm": False},
    "sigmoid_batchnorm": {"activation": "sigmoid", "init": "default", "batch_norm": True},
    "sigmoid_xavier": {"activation": "sigmoid", "init": "xavier_uniform", "batch_norm": False},
    "relu_default": {"activation": "relu", "init": "default", "batch_norm": False},
    "tanh_xavier": {"activation": "tanh", "init": "xavier_normal", "batch_norm": False},
}
DEFAULT_NETS: tuple[NetName, ...] = ("sigmoid", "relu_kaiming", "sigmoid_batchnorm")


@dataclass(frozen=True)
class VanishingConfig:
    """``{}``: a 10-layer sigmoid net against ReLU + Kaiming and sigmoid + batch norm."""

    nets: Annotated[tuple[NetName, ...], MinLen(1), MaxLen(len(PRESETS)),
                    Help("presets compared side by side")] = DEFAULT_NETS
    depth: Annotated[int, Ge(1), Cap("max_depth"), Help("hidden layers")] = 10
    width: Annotated[int, Ge(1), Cap("max_width"), Help("units per hidden layer")] = 32
    dataset: Annotated[VanishingSet, Help("one batch of its training part")] = "moons"
    batch: Annotated[int, Ge(1), Cap("max_batch_size"), Help("examples in the batch")] = 256
    seed: Seed = 0

    def __post_init__(self) -> None:
        for name in self.nets:
            if name not in PRESETS:
                raise FieldError("nets", f"unknown net {name!r}; choose from {', '.join(PRESETS)}")
        if not self.nets:
            raise FieldError("nets", "pick at least one net")
        for size in ("depth", "width", "batch"):
            if getattr(self, size) < 1:
                raise FieldError(size, f"must be at least 1, got {getattr(self, size)}")
        if self.batch < 2 and any(PRESETS[name]["batch_norm"] for name in self.nets):
            raise FieldError("batch", "batch norm needs at least 2 examples in the batch")


def layer_gradient_norms(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> list[float]:
    """‖∂loss/∂W‖ for each ``Linear``, input layer first, after one backward pass."""
    model.zero_grad()
    torch.autograd.backward(nn.functional.cross_entropy(model(x), y))
    return [float(torch.linalg.vector_norm(layer.weight.grad)) for layer in linears(model)]


def vanishing_scene(config: VanishingConfig) -> dict[str, Any]:
    """Per-layer gradient norms of each preset net; ``first_over_last`` is the shrink factor."""
    data = make_dataset(config.dataset, samples=max(2 * config.batch, 8), seed=config.seed)
    x, y = data.x_train[: config.batch], data.y_train[: config.batch]
    nets = []
    for name in config.nets:
        settings = PRESETS[name]
        model = build_mlp(data.input_dim, (config.width,) * config.depth, data.outputs, seed=config.seed, **settings)
        norms = layer_gradient_norms(model, x, y)
        ratio = norms[0] / norms[-1] if norms[-1] else None  # a dead last layer (width 1, ReLU) has no gradient
        nets.append({"name": name, "settings": settings, "grad_norms": norms, "first_over_last": ratio})
    return {"layers": list(range(1, config.depth + 2)), "nets": nets}
