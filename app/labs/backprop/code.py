"""The runnable PyTorch behind the Back-propagation lab: the notes' MyNet with optim.SGD."""

from app.labs.backprop.config import BackpropConfig
from app.labs.backprop.network import network

_ACTIVATION_CODE = {"sigmoid": "torch.sigmoid", "tanh": "torch.tanh", "relu": "torch.relu"}


def _pair(a: float, b: float) -> str:
    return f"[{a!r}, {b!r}]"


def pytorch_code(config: BackpropConfig | None = None) -> str:
    """Note 001's "写法01" script with this config's values, then the live run's training loop.

    With ``lr=0.1`` and the notes' values it is the notes' script; the gradients it prints are
    the lab's, since MSELoss over two outputs equals E = ½ Σ (t − o)².
    """
    c = network(config or BackpropConfig())
    w, b = c.weights, c.biases
    report = max(c.steps // 10, 1)
    return f"""import torch
import torch.nn as nn
import torch.optim as optim


class MyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear1 = nn.Linear(2, 2)
        self.linear2 = nn.Linear(2, 2)
        self.activation = {_ACTIVATION_CODE[c.activation]}
        # hidden layer: rows are h1 = (w1, w2) and h2 = (w3, w4)
        self.linear1.weight.data = torch.tensor([{_pair(w["w1"], w["w2"])}, {_pair(w["w3"], w["w4"])}])
        # output layer: rows are o1 = (w5, w6) and o2 = (w7, w8)
        self.linear2.weight.data = torch.tensor([{_pair(w["w5"], w["w6"])}, {_pair(w["w7"], w["w8"])}])
        self.linear1.bias.data = torch.tensor({_pair(b["b_h1"], b["b_h2"])})
        self.linear2.bias.data = torch.tensor({_pair(b["b_o1"], b["b_o2"])})

    def forward(self, x):
        x = self.activation(self.linear1(x))
        return self.activation(self.linear2(x))


net = MyNet()
optimizer = optim.SGD(net.parameters(), lr={c.lr!r})
inputs = torch.tensor([{_pair(*c.inputs)}])
target = torch.tensor([{_pair(*c.targets)}])
mse = nn.MSELoss()  # mean over the two outputs = ½ Σ (t − o)²

pred = net(inputs)
loss = mse(pred, target)
optimizer.zero_grad()
loss.backward()
print(net.linear1.weight.grad)  # ∂E/∂w1..w4
print(net.linear2.weight.grad)  # ∂E/∂w5..w8
optimizer.step()
print(net.state_dict())

# keep training
for step in range(1, {c.steps}):
    pred = net(inputs)
    loss = mse(pred, target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % {report} == 0:
        print(step, loss.item(), pred.tolist())
"""
