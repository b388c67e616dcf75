"""Back-propagation lab: the notes' 2-2-2 network by hand, step by step, checked against autograd.

``example()`` is POST /api/backprop/example: forward values, the error, every gradient by the chain
rule, the walk-through of factors, the parameters after one ``optim.SGD`` step, and the largest
difference between the hand gradients and autograd's. Gradient and update names are w1..w8 and one
bias per neuron, b_h1, b_h2, b_o1, b_o2 (``biases`` also accepts the notes' b1 and b2 for a layer).
"""

from typing import Any

import torch
from torch import nn

from app.labs.backprop.config import ACTIVATION_NAMES, BackpropConfig, ChainRule
from app.labs.backprop.network import ACTIVATIONS, TORCH_ACTIVATIONS, TorchNet, canonical, derive, network
from app.labs.backprop.walk import walkthrough
from app.labs.common.checks import number
from app.labs.errors import FieldError


def make_config(**overrides: Any) -> BackpropConfig:
    """The notes' network with any of its values overridden (a field given as None keeps the notes'),
    checked and spelled out per neuron."""
    return canonical(BackpropConfig(**{k: v for k, v in overrides.items() if v is not None}))


def example(config: BackpropConfig | None = None, **overrides: Any) -> dict[str, Any]:
    """One forward pass, the hand backward pass, one SGD step, and the check against autograd."""
    c = network(config if config is not None else make_config(**overrides))
    hand = derive(c)

    net = TorchNet(c)
    x = torch.tensor([c.inputs], dtype=torch.float64)
    t = torch.tensor([c.targets], dtype=torch.float64)
    out = net(x)
    loss = 0.5 * ((t - out) ** 2).sum()  # E = ½ Σ (t − o)², the notes' first version
    mse = nn.MSELoss()(out, t)  # the notes' MyNet version: the same number with two outputs
    optimizer = torch.optim.SGD(net.parameters(), lr=c.lr)
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
        "walkthrough": walkthrough(c, hand, updated),
        "config": {
            "inputs": list(c.inputs),
            "targets": list(c.targets),
            "weights": c.weights,
            "biases": c.biases,
            "lr": c.lr,
            "activation": c.activation,
        },
    }


def chain_rule_demo(question: ChainRule = ChainRule()) -> dict[str, Any]:  # noqa: B008 (frozen)
    """The notes' one-neuron chain rule: d f(wx + b)/dw = f'(z)·x and /db = f'(z); 0.25 at 0, 0, 1."""
    activation = question.activation
    if activation not in ACTIVATION_NAMES:
        raise FieldError("activation", f"expected one of {', '.join(ACTIVATION_NAMES)}")
    x, w, b = (number(name, getattr(question, name)) for name in ("x", "w", "b"))
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
