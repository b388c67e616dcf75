"""Keep training the notes' network: the LiveRun behind the Back-propagation lab's live chart.

Each step is the notes' MyNet loop: forward, E = ½ Σ (t − o)² (= MSELoss), ``backward()``,
``optim.SGD.step()``, weights and biases alike. ``step()`` returns the error before the update,
as a training loop prints it.
"""

import math
from collections.abc import Mapping
from typing import Any

import torch

from app.labs.backprop.config import BackpropConfig
from app.labs.backprop.network import Network, TorchNet, check_lr, network
from app.labs.common.copying import copy_sharing
from app.labs.common.params import only_lr, set_lr
from app.labs.common.series import Series
from app.labs.common.steps import FixedSteps


class BackpropRun(FixedSteps):
    """A LiveRun: SGD on the 2-2-2 network, outputs drifting toward the targets."""

    config: Network

    def __init__(self, config: BackpropConfig) -> None:
        self.config = network(config)
        self.lr = self.config.lr
        self.net = TorchNet(self.config)
        self.x = torch.tensor([self.config.inputs], dtype=torch.float64)
        self.t = torch.tensor([self.config.targets], dtype=torch.float64)
        self.optimizer = torch.optim.SGD(self.net.parameters(), lr=self.lr)
        # loss, o1 and o2 per step, sampled together so they line up on one x axis
        self.history = Series(limit=200)
        self._steps = 0
        self._loss = math.nan

    def __deepcopy__(self, memo: dict[int, Any]) -> "BackpropRun":
        """A branch of this run: its own network and optimiser; the example shared."""
        return copy_sharing(self, memo, (self.x, self.t), [self.net])

    def step(self) -> float:
        self.optimizer.zero_grad()
        out = self.net(self.x)
        loss = 0.5 * ((self.t - out) ** 2).sum()
        loss.backward()
        self.optimizer.step()
        self._loss = loss.item()
        o1, o2 = out.detach().reshape(-1).tolist()
        self.history.add(self._steps, [self._loss, o1, o2])
        self._steps += 1
        return self._loss

    def set_params(self, params: Mapping[str, Any]) -> None:
        lr = only_lr(params, check_lr)
        if lr is not None:
            self.lr = lr
            set_lr([self.optimizer], lr)

    def frame(self) -> dict[str, Any]:
        with torch.no_grad():
            o1, o2 = self.net(self.x).reshape(-1).tolist()
        columns = self.history.columns() or [[], [], []]
        return {
            "lab": "backprop",
            "lr": self.lr,
            "loss": self._loss,  # error at the last step, before its update
            "outputs": {"o1": o1, "o2": o2},  # after the last update
            "targets": {"t1": self.config.targets[0], "t2": self.config.targets[1]},
            "params": self.net.named_values(),
            # optimizer.step() leaves .grad in place: these are the last step's gradients
            "gradients": self.net.named_values(grad=True) if self._steps else None,
            "history": dict(zip(("step", "loss", "o1", "o2"), [list(self.history.x), *columns], strict=True)),
        }
