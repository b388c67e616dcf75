"""The short, runnable PyTorch script behind what the Initialisation lab shows."""

from app.labs.initialization.config import InitConfig
from app.labs.initialization.methods import InitSpec
from app.labs.initialization.network import ACTIVATIONS

_ACTIVATION_CODE = {name: f"nn.{cls.__name__}()" for name, cls in ACTIVATIONS.items()}


def init_call(spec: InitSpec, target: str = "layer.weight") -> str:
    """The ``nn.init`` call for ``spec`` drawing from the generator ``g``, with only the arguments
    that differ from PyTorch's defaults."""
    m = spec.method
    if m in ("zeros", "ones"):
        return f"nn.init.{m}_({target})"
    if m == "constant":
        return f"nn.init.constant_({target}, {spec.val!r})"
    if m == "uniform":
        return f"nn.init.uniform_({target}, a={spec.lower!r}, b={spec.b!r}, generator=g)"
    if m == "normal":
        return f"nn.init.normal_({target}, mean={spec.mean!r}, std={spec.std!r}, generator=g)"
    if m.startswith("xavier") or m == "orthogonal":
        gain = "" if spec.gain == 1.0 else f", gain={spec.gain!r}"
        return f"nn.init.{m}_({target}{gain}, generator=g)"
    if m == "default":  # what nn.Linear does by itself, drawn from g
        return f"nn.init.kaiming_uniform_({target}, a=math.sqrt(5), generator=g)"
    a = "" if spec.lower == 0.0 else f"a={spec.lower!r}, "
    return f"nn.init.{m}_({target}, {a}mode={spec.mode!r}, nonlinearity={spec.nonlinearity!r}, generator=g)"


def _init_function(index: int, spec: InitSpec) -> str:
    bias = "nn.init.zeros_(layer.bias)"
    if spec.method == "default":
        bias = "bound = 1 / math.sqrt(layer.in_features)\n    nn.init.uniform_(layer.bias, -bound, bound, generator=g)"
    return f"def init_{index}(layer, g):  # {spec.label}\n    {init_call(spec)}\n    {bias}\n"


def pytorch_code(cfg: InitConfig) -> str:
    functions = "\n\n".join(_init_function(i, spec) for i, spec in enumerate(cfg.methods))
    table = ", ".join(f"({spec.label!r}, init_{i})" for i, spec in enumerate(cfg.methods))
    return f'''import math

import torch
from torch import nn
from sklearn.datasets import load_digits

digits = load_digits()
x = torch.tensor(digits.data, dtype=torch.float32)
std = x.std(dim=0)
x = (x - x.mean(dim=0)) / torch.where(std > 0, std, torch.ones_like(std))
y = torch.tensor(digits.target)


{functions}

def make_model(init):
    g = torch.Generator().manual_seed({cfg.seed})  # the same random stream for every method
    sizes = [64] + [{cfg.width}] * {cfg.depth - 1} + [10]
    layers = []
    for i in range({cfg.depth}):
        layer = nn.Linear(sizes[i], sizes[i + 1])
        with torch.no_grad():
            init(layer, g)
        layers.append(layer)
        if i < {cfg.depth - 1}:
            layers.append({_ACTIVATION_CODE[cfg.activation]})
    return nn.Sequential(*layers)


for name, init in [{table}]:
    model = make_model(init)
    optimizer = torch.optim.SGD(model.parameters(), lr={cfg.lr!r})
    generator = torch.Generator().manual_seed({cfg.seed})  # the same batches for every method
    order, cursor = torch.randperm(len(x), generator=generator), 0
    for step in range({cfg.steps}):
        if cursor + {cfg.batch_size} > len(order):
            order, cursor = torch.randperm(len(x), generator=generator), 0
        idx = order[cursor:cursor + {cfg.batch_size}]
        cursor += {cfg.batch_size}
        loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"{{name}}: loss {{loss.item():.6f}}")
'''
