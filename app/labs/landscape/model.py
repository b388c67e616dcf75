"""The network whose landscape is drawn, and its loss as a function of one flat parameter vector.

Plain and without batch norm the model is ``nn.Sequential(Linear, act, Linear, act, ..., Linear)``, so a
client can rebuild it from the parameters alone. Every draw comes from a generator the caller owns.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

from app.labs.common.activations import pick
from app.labs.common.residual import Residual
from app.labs.landscape.config import ACTIVATIONS

ACTIVATION_MODULES = pick(*ACTIVATIONS)  # the lab's choice, as the shared torch.nn modules


def build_model(inputs: int, hidden: tuple[int, ...], outputs: int, activation: str, residual: bool,
                batch_norm: bool, generator: torch.Generator) -> nn.Sequential:
    """The MLP, initialised as ``nn.Linear.reset_parameters`` would be, but from ``generator``.

    Layers are made on the meta device so that building draws nothing from the global generator.
    """
    layers: list[nn.Module] = []
    width = inputs
    for size in hidden:
        block: list[nn.Module] = [nn.Linear(width, size, device="meta")]
        if batch_norm:
            block.append(nn.BatchNorm1d(size, device="meta"))
        block.append(ACTIVATION_MODULES[activation]())
        if residual and size == width:
            layers.append(Residual(nn.Sequential(*block)))
        else:
            layers.extend(block)
        width = size
    layers.append(nn.Linear(width, outputs, device="meta"))
    model = nn.Sequential(*layers).to_empty(device="cpu")
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.Linear):  # PyTorch's default: kaiming_uniform(a=√5), bias U(±1/√fan_in)
                nn.init.kaiming_uniform_(module.weight, a=math.sqrt(5), generator=generator)
                bound = 1 / math.sqrt(module.weight.shape[1])
                nn.init.uniform_(module.bias, -bound, bound, generator=generator)
            elif isinstance(module, nn.BatchNorm1d):
                module.reset_parameters()
    return model


def flat(model: nn.Module) -> torch.Tensor:
    """Every parameter, in ``model.parameters()`` order, each flattened row-major, as one vector."""
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()])


def unflatten(model: nn.Module, vectors: torch.Tensor) -> dict[str, torch.Tensor]:
    """Named parameter tensors from flat vectors ``[..., P]`` (views, leading dimensions kept)."""
    lead = vectors.shape[:-1]
    out, start = {}, 0
    for name, p in model.named_parameters():
        out[name] = vectors[..., start:start + p.numel()].reshape(*lead, *p.shape)
        start += p.numel()
    return out


def load_flat(model: nn.Module, vector: torch.Tensor) -> None:
    """Write a flat vector into the model's parameters."""
    torch.nn.utils.vector_to_parameters(vector, model.parameters())


def loss_and_accuracy(out: torch.Tensor, y: torch.Tensor, classify: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean cross-entropy and accuracy (classes), or mean squared error and NaN (regression)."""
    if classify:
        return F.cross_entropy(out, y), (out.argmax(dim=-1) == y).float().mean()
    return F.mse_loss(out, y), torch.full((), math.nan)


def make_optimizer(model: nn.Module, name: str, lr: float, weight_decay: float) -> torch.optim.Optimizer:
    if name == "adam":
        return torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    momentum = 0.9 if name == "momentum" else 0.0
    return torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
