"""The runnable PyTorch behind the Loss-functions lab: the outlier fit and the notes' examples."""

from app.labs.common.optimizers import OPTIMIZERS
from app.labs.losses.outliers import OPTIMISERS, OutlierConfig, validate

_LOSS_CODE = {
    "l1": "nn.L1Loss()",
    "mse": "nn.MSELoss()",
    "smooth_l1": "nn.SmoothL1Loss(beta={beta!r})",
    "huber": "nn.HuberLoss(delta={delta!r})",
}

_OPTIMISER_CODE = {name: f"torch.optim.{OPTIMIZERS[name][0].__name__}" for name in OPTIMISERS}


def pytorch_code(config: OutlierConfig | None = None) -> str:
    """A script that fits the same seeded data as the live run and prints each line it ends on."""
    c = validate(config or OutlierConfig())
    losses = ",\n    ".join(
        f'"{name}": ' + _LOSS_CODE[name].format(beta=float(c.beta), delta=float(c.delta))
        for name in c.losses
    )
    return f"""import torch
import torch.nn as nn

# {c.samples} points near y = {c.true_w!r}x + {c.true_b!r}; {c.outliers} of them are outliers
gen = torch.Generator().manual_seed({c.seed})
x = torch.rand({c.samples}, generator=gen) * 2
y = {c.true_w!r} * x + {c.true_b!r} + {c.noise!r} * torch.randn({c.samples}, generator=gen)
right = torch.argsort(x, descending=True)[:{max(c.samples // 2, c.outliers)}]
outliers = right[torch.randperm(len(right), generator=gen)[:{c.outliers}]]
y[outliers] += {c.outlier_offset!r}
x, y = x.unsqueeze(1), y.unsqueeze(1)

losses = {{
    {losses},
}}
for name, criterion in losses.items():
    model = nn.Linear(1, 1)
    nn.init.zeros_(model.weight)  # every loss starts from the same line
    nn.init.zeros_(model.bias)
    optimizer = {_OPTIMISER_CODE[c.optimizer]}(model.parameters(), lr={c.lr!r})
    for step in range({c.steps}):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
    print(f"{{name}}: w = {{model.weight.item():.4f}}, b = {{model.bias.item():.4f}}")
"""


def examples_code() -> str:
    """The notes' worked examples as one script (same calls as notes 000 and 001)."""
    return """import torch
import torch.nn as nn

y_pred = torch.tensor([1, 2, 3], dtype=torch.float32)
y_true = torch.tensor([1.5, 2.5, 3.5], dtype=torch.float32)
print(nn.L1Loss()(y_pred, y_true))   # tensor(0.5000)
print(nn.MSELoss()(y_pred, y_true))  # tensor(0.2500)
print(nn.SmoothL1Loss()(torch.tensor([1, 2, 3, 6.]), torch.tensor([1.5, 2.5, 3.5, 4.5])))

logits = torch.tensor([[1.5, 2.0, 0.5], [0.5, 1.0, 1.5]])
labels = torch.tensor([1, 2])
print(nn.CrossEntropyLoss()(logits, labels))                    # 0.6422
print(nn.NLLLoss()(nn.LogSoftmax(dim=1)(logits), labels))      # the same: log-softmax + NLL

y = torch.tensor([[0.7], [0.2], [0.9], [0.7]])
t = torch.tensor([[1], [0], [1], [0]], dtype=torch.float32)
print(nn.BCELoss()(y, t), nn.functional.binary_cross_entropy(y, t))
z = torch.logit(y)                                              # the logits behind y
print(nn.BCEWithLogitsLoss()(z, t))                             # the same, sigmoid fused in
"""
