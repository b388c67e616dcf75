"""Back-propagation lab: the notes' 2-2-2 network by hand, step by step, checked against autograd.

``example()`` is POST /api/backprop/example: forward values, the error, every gradient by the chain
rule, the walk-through of factors, the parameters after one ``optim.SGD`` step, and the largest
difference between the hand gradients and autograd's. Gradient and update names are w1..w8 and one
bias per neuron, b_h1, b_h2, b_o1, b_o2 (``biases`` also accepts the notes' b1 and b2 for a layer).
"""

from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from app.labs.backprop.network import (
    ACTIVATIONS,
    NOTES_INPUTS,
    NOTES_TARGETS,
    TORCH_ACTIVATIONS,
    BackpropConfig,
    TorchNet,
    derive,
    validate,
)
from app.labs.backprop.walk import walkthrough
from app.labs.common.checks import number
from app.labs.errors import FieldError


def make_config(
    inputs: Any = None,
    targets: Any = None,
    weights: Mapping[str, Any] | None = None,
    biases: Mapping[str, Any] | None = None,
    lr: Any = 0.5,
    activation: str = "sigmoid",
    steps: int = 10_000,
) -> BackpropConfig:
    """The notes' network with any of its values overridden, checked."""
    return validate(
        BackpropConfig(
            inputs=NOTES_INPUTS if inputs is None else inputs,
            targets=NOTES_TARGETS if targets is None else targets,
            weights={} if weights is None else dict(weights),  # validate() fills the notes' values
            biases={} if biases is None else dict(biases),
            activation=activation,
            lr=lr,
            steps=steps,
        )
    )


def example(
    inputs: Any = None,
    targets: Any = None,
    weights: Mapping[str, Any] | None = None,
    biases: Mapping[str, Any] | None = None,
    lr: Any = 0.5,
    activation: str = "sigmoid",
) -> dict[str, Any]:
    """One forward pass, the hand backward pass, one SGD step, and the check against autograd."""
    config = make_config(inputs, targets, weights, biases, lr, activation)
    hand = derive(config)

    net = TorchNet(config)
    x = torch.tensor([config.inputs], dtype=torch.float64)
    t = torch.tensor([config.targets], dtype=torch.float64)
    out = net(x)
    loss = 0.5 * ((t - out) ** 2).sum()  # E = ½ Σ (t − o)², the notes' first version
    mse = nn.MSELoss()(out, t)  # the notes' MyNet version: the same number with two outputs
    optimizer = torch.optim.SGD(net.parameters(), lr=config.lr)
    optimizer.zero_grad()
    loss.backward()
    auto = net.named_values(grad=True)
    optimizer.step()
    updated = net.named_values()

    return {
        "forward": hand.forward,
        "loss": hand.loss,
        "gradients": hand.gradients,
        "updated": updated,
        "autograd_max_abs_diff": max(abs(hand.gradients[k] - auto[k]) for k in auto),
        "autograd": {"loss": loss.item(), "mse_loss": mse.item(), "gradients": auto},
        "walkthrough": walkthrough(config, hand, updated),
        "config": {
            "inputs": list(config.inputs),
            "targets": list(config.targets),
            "weights": config.weights,
            "biases": config.biases,
            "lr": config.lr,
            "activation": config.activation,
        },
    }


def chain_rule_demo(x: float = 1.0, w: float = 0.0, b: float = 0.0, activation: str = "sigmoid") -> dict[str, Any]:
    """The notes' one-neuron chain rule: d f(wx + b)/dw = f'(z)·x and /db = f'(z); 0.25 at 0, 0, 1."""
    if activation not in ACTIVATIONS:
        raise FieldError("activation", f"expected one of {', '.join(ACTIVATIONS)}")
    x, w, b = (number(name, v) for name, v in (("x", x), ("w", w), ("b", b)))
    f, df = ACTIVATIONS[activation]
    z = w * x + b
    slope = df(z, f(z))
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    grad_w, grad_b = torch.autograd.grad(TORCH_ACTIVATIONS[activation](wt * x + bt), (wt, bt))
    return {
        "z": z,
        "value": f(z),
        "df_dz": slope,
        "dz_dw": x,
        "grad_w": slope * x,
        "grad_b": slope,
        "autograd": {"grad_w": float(grad_w), "grad_b": float(grad_b)},
    }
