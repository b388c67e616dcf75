"""The notes' 2-2-2 network: a config made complete, the hand-written forward and backward pass, and MyNet.

The network of note 001: inputs i1, i2; hidden neurons h1 (weights w1, w2) and h2 (w3, w4); output
neurons o1 (w5 from h1, w6 from h2) and o2 (w7 from h1, w8 from h2); one activation f on both
layers (the notes' MyNet applies ``self.activation`` twice). Biases are per neuron, as in
``nn.Linear``: b_h1, b_h2 (the notes' b1 = 0.35 for both) and b_o1, b_o2 (b2 = 0.60).

The error is E = ½ Σ (t − o)². With two outputs that is exactly ``nn.MSELoss()`` (mean over the
two), which is why the notes' ``optim.SGD`` code with MSELoss gives the same gradients.

All arithmetic is in float64 (Python floats by hand, float64 tensors for autograd), so the hand
derivation and autograd agree to ~1e-17 and any larger difference would be a real mistake.
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn

from app.labs.backprop.config import (
    ACTIVATION_NAMES,
    BIASES,
    LAYER_BIASES,
    LIMIT,
    NOTES_BIASES,
    PARAMS,
    WEIGHTS,
    ActivationName,
    BackpropConfig,
    Biases,
    Weights,
)
from app.labs.common.checks import number
from app.labs.errors import FieldError
from app.labs.fields import MAX_LR


def _sigmoid(x: float) -> float:
    # two forms so that exp never overflows
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


# name → (f(net), f'(net) written with net and out = f(net), as the derivation shows it)
ACTIVATIONS: dict[str, tuple[Callable[[float], float], Callable[[float, float], float]]] = {
    "sigmoid": (_sigmoid, lambda net, out: out * (1.0 - out)),
    "tanh": (math.tanh, lambda net, out: 1.0 - out * out),
    "relu": (lambda x: max(x, 0.0), lambda net, out: 1.0 if net > 0 else 0.0),
}
TORCH_ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
}


@dataclass(frozen=True)
class Network:
    """A config made complete and checked: what the derivation, MyNet and the code panel compute with."""

    inputs: tuple[float, float]  # i1, i2
    targets: tuple[float, float]  # t1, t2
    weights: dict[str, float]  # w1..w8
    biases: dict[str, float]  # b_h1, b_h2, b_o1, b_o2
    activation: ActivationName
    lr: float
    steps: int


NOTES = BackpropConfig()  # the declared defaults: what a value left out (or null) stands for


def _pair(name: str, value: Any) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise FieldError(name, f"expected 2 numbers, got {value!r}")
    a, b = (number(f"{name}[{i}]", v, -LIMIT, LIMIT) for i, v in enumerate(value))
    return a, b


def _given(name: str, value: Any) -> dict[str, Any]:
    """The values set in a Weights/Biases, or a mapping of them (what a lab caller may pass)."""
    if value is None:
        return {}
    if isinstance(value, (Weights, Biases)):
        value = asdict(value)
    if not isinstance(value, Mapping):
        raise FieldError(name, f"expected an object like {{{', '.join(WEIGHTS if name == 'weights' else BIASES)}}}")
    return {k: v for k, v in value.items() if v is not None}


def _named(
    name: str, value: Any, defaults: Mapping[str, Any], aliases: Mapping[str, tuple[str, ...]]
) -> dict[str, float]:
    """The values given merged over ``defaults``; an alias sets several names at once."""
    given = _given(name, value)
    out = {k: v for k, v in defaults.items() if k not in aliases}
    for key, v in given.items():
        targets = aliases.get(key, (key,))
        if targets[0] not in out:
            raise FieldError(f"{name}.{key}", f"unknown; expected one of {', '.join([*out, *aliases])}")
        if key in aliases and any(t in given for t in targets):
            raise FieldError(f"{name}.{key}", f"give {key} or {' and '.join(targets)}, not both")
        for t in targets:
            out[t] = number(f"{name}.{key}", v, -LIMIT, LIMIT)
    return out


def check_lr(lr: Any) -> float:
    return number("lr", lr, minimum=0.0, maximum=MAX_LR, strict=True)


def network(config: BackpropConfig) -> Network:
    """The network a config describes, every value checked and every one left out the notes', or a
    FieldError naming the field."""
    if config.activation not in ACTIVATION_NAMES:
        raise FieldError("activation", f"expected one of {', '.join(ACTIVATION_NAMES)}, got {config.activation!r}")
    if not isinstance(config.steps, int) or config.steps < 1:
        raise FieldError("steps", f"must be a positive integer, got {config.steps!r}")
    return Network(
        inputs=_pair("inputs", NOTES.inputs if config.inputs is None else config.inputs),
        targets=_pair("targets", NOTES.targets if config.targets is None else config.targets),
        weights=_named("weights", config.weights, asdict(Weights()), {}),
        biases=_named("biases", config.biases, asdict(NOTES_BIASES), LAYER_BIASES),
        activation=config.activation,
        lr=check_lr(config.lr),
        steps=config.steps,
    )


def canonical(config: BackpropConfig) -> BackpropConfig:
    """The config with every value spelled out, per neuron: equal configs describe equal networks."""
    n = network(config)
    return BackpropConfig(inputs=n.inputs, targets=n.targets, weights=Weights(**n.weights),
                          biases=Biases(**n.biases), activation=n.activation, lr=n.lr, steps=n.steps)


@dataclass(frozen=True)
class Derivation:
    """Every value of one forward and one hand-written backward pass."""

    forward: dict[str, float]  # net_h1, h1, net_h2, h2, net_o1, o1, net_o2, o2
    loss: float
    local: dict[str, float]  # the chain-rule factors, e.g. dE_do1, do1_dnet_o1, dE_dh1
    gradients: dict[str, float]  # ∂E/∂p for every parameter p in PARAMS


def derive(config: Network) -> Derivation:
    """Forward then backward by the chain rule, neuron by neuron, in plain Python floats."""
    f, df = ACTIVATIONS[config.activation]
    (i1, i2), (t1, t2), w, b = config.inputs, config.targets, config.weights, config.biases
    fw: dict[str, float] = {}
    fw["net_h1"] = w["w1"] * i1 + w["w2"] * i2 + b["b_h1"]
    fw["h1"] = f(fw["net_h1"])
    fw["net_h2"] = w["w3"] * i1 + w["w4"] * i2 + b["b_h2"]
    fw["h2"] = f(fw["net_h2"])
    fw["net_o1"] = w["w5"] * fw["h1"] + w["w6"] * fw["h2"] + b["b_o1"]
    fw["o1"] = f(fw["net_o1"])
    fw["net_o2"] = w["w7"] * fw["h1"] + w["w8"] * fw["h2"] + b["b_o2"]
    fw["o2"] = f(fw["net_o2"])
    loss = 0.5 * (t1 - fw["o1"]) ** 2 + 0.5 * (t2 - fw["o2"]) ** 2

    d: dict[str, float] = {}
    for o, t in (("o1", t1), ("o2", t2)):
        d[f"dE_d{o}"] = fw[o] - t  # d/do of ½(t − o)²
        d[f"d{o}_dnet_{o}"] = df(fw[f"net_{o}"], fw[o])
        d[f"delta_{o}"] = d[f"dE_d{o}"] * d[f"d{o}_dnet_{o}"]  # ∂E/∂net_o
    # each hidden neuron feeds both outputs, so its error is the sum of two paths
    d["dE_dh1"] = d["delta_o1"] * w["w5"] + d["delta_o2"] * w["w7"]
    d["dE_dh2"] = d["delta_o1"] * w["w6"] + d["delta_o2"] * w["w8"]
    for h in ("h1", "h2"):
        d[f"d{h}_dnet_{h}"] = df(fw[f"net_{h}"], fw[h])
        d[f"delta_{h}"] = d[f"dE_d{h}"] * d[f"d{h}_dnet_{h}"]

    g = {
        "w1": d["delta_h1"] * i1, "w2": d["delta_h1"] * i2,
        "w3": d["delta_h2"] * i1, "w4": d["delta_h2"] * i2,
        "w5": d["delta_o1"] * fw["h1"], "w6": d["delta_o1"] * fw["h2"],
        "w7": d["delta_o2"] * fw["h1"], "w8": d["delta_o2"] * fw["h2"],
        "b_h1": d["delta_h1"], "b_h2": d["delta_h2"],
        "b_o1": d["delta_o1"], "b_o2": d["delta_o2"],
    }  # fmt: skip
    return Derivation(forward=fw, loss=loss, local=d, gradients=g)


class TorchNet(nn.Module):
    """The notes' MyNet in float64: two nn.Linear(2, 2) layers and one activation."""

    def __init__(self, config: Network) -> None:
        super().__init__()
        # made on the meta device, so building draws nothing from the global generator
        self.linear1 = nn.Linear(2, 2, dtype=torch.float64, device="meta").to_empty(device="cpu")
        self.linear2 = nn.Linear(2, 2, dtype=torch.float64, device="meta").to_empty(device="cpu")
        self.activation = TORCH_ACTIVATIONS[config.activation]
        w, b = config.weights, config.biases

        def f64(values: list[Any]) -> torch.Tensor:
            return torch.tensor(values, dtype=torch.float64)

        with torch.no_grad():  # nn.Linear's weight rows are the neurons: [[w1, w2], [w3, w4]]
            self.linear1.weight.copy_(f64([[w["w1"], w["w2"]], [w["w3"], w["w4"]]]))
            self.linear2.weight.copy_(f64([[w["w5"], w["w6"]], [w["w7"], w["w8"]]]))
            self.linear1.bias.copy_(f64([b["b_h1"], b["b_h2"]]))
            self.linear2.bias.copy_(f64([b["b_o1"], b["b_o2"]]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.activation(self.linear2(self.activation(self.linear1(x))))
        return out

    def named_values(self, grad: bool = False) -> dict[str, float]:
        """{w1..w8, b_h1..b_o2} of the parameters, or of their gradients."""
        tensors = [self.linear1.weight, self.linear2.weight, self.linear1.bias, self.linear2.bias]
        flat: list[float] = []
        for t in tensors:
            values = t.grad if grad else t
            assert values is not None, "gradients are read after backward()"
            flat.extend(float(v) for v in values.detach().reshape(-1))
        return dict(zip(PARAMS, flat, strict=True))
