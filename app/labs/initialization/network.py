"""The deep MLP every method is tried on, and the real data it learns: scikit-learn's 8×8 digits."""

import typing
from functools import lru_cache
from typing import Literal

import torch
from torch import nn

from app.labs.common.activations import pick
from app.labs.common.datasets import digits as load_digits
from app.labs.errors import FieldError
from app.labs.initialization.methods import InitSpec, apply_init

ActivationName = Literal["tanh", "relu", "leaky_relu", "sigmoid", "none"]  # the choices, declared once
ACTIVATIONS = pick(*typing.get_args(ActivationName))
IN_FEATURES = 64  # 8×8 pixels
CLASSES = 10


@lru_cache(maxsize=1)
def digits() -> tuple[torch.Tensor, torch.Tensor]:
    """The 1,797 bundled digit images, standardised per pixel (constant pixels stay 0)."""
    pixels, labels = load_digits()
    x = torch.tensor(pixels, dtype=torch.float32)
    std = x.std(dim=0)
    x = (x - x.mean(dim=0)) / torch.where(std > 0, std, torch.ones_like(std))
    return x, torch.tensor(labels, dtype=torch.long)


def build_mlp(depth: int, width: int, activation: str, spec: InitSpec, seed: int) -> nn.Sequential:
    """``depth`` Linear layers (64 → width → … → 10), each but the last followed by ``activation``.

    Every draw comes from a generator seeded with ``seed`` and owned by this network, so every
    method starts from the same random stream whatever other runs draw meanwhile. Layers are made
    on the meta device: building draws nothing, ``apply_init`` draws everything.
    """
    if activation not in ACTIVATIONS:
        raise FieldError("activation", f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
    if depth < 2:
        raise FieldError("depth", f"depth must be at least 2 layers, got {depth}")
    generator = torch.Generator().manual_seed(seed)
    sizes = [IN_FEATURES] + [width] * (depth - 1) + [CLASSES]
    modules: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layer = nn.Linear(fan_in, fan_out, device="meta").to_empty(device="cpu")
        apply_init(layer, spec, generator)
        modules.append(layer)
        if i < depth - 1:
            modules.append(ACTIVATIONS[activation]())
    return nn.Sequential(*modules)


def linear_layers(model: nn.Sequential) -> list[nn.Linear]:
    return [m for m in model if isinstance(m, nn.Linear)]


def forward_recording(model: nn.Sequential, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """The logits, and each layer's output after its activation (the last layer's are the logits)."""
    outputs: list[torch.Tensor] = []
    h = x
    for module in model:
        h = module(h)
        if isinstance(module, nn.Linear):
            outputs.append(h)
        else:
            outputs[-1] = h
    return h, [o.detach() for o in outputs]
