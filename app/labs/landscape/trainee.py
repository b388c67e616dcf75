"""One network being trained: its batches, its update, its curves and the checkpoints of its path."""

import math
from typing import Any

import torch

from app.labs.common.datasets import Dataset
from app.labs.landscape.config import LandscapeConfig
from app.labs.landscape.model import build_model, flat, loss_and_accuracy, make_optimizer

MAX_CHECKPOINTS = 64  # the path keeps at most this many weight vectors (every other one when full)


class Trainee:
    """A run trains one of these, or two (a comparison) on the same data from the same seed."""

    def __init__(self, label: str, cfg: LandscapeConfig, data: Dataset, changes: dict[str, Any]) -> None:
        self.label, self.cfg, self.data, self.changes = label, cfg, data, changes
        self.classify = data.task == "classification"
        self.model = build_model(data.input_dim, cfg.hidden, data.outputs, cfg.activation, cfg.residual,
                                 cfg.batch_norm, torch.Generator().manual_seed(cfg.seed))
        self.optimizer = make_optimizer(self.model, cfg.optimizer, cfg.lr, cfg.weight_decay)
        self.order = torch.Generator().manual_seed(cfg.seed)  # the shuffle of every epoch
        n = len(data.x_train)
        self.batch_size = min(cfg.batch_size, n)
        # a last batch of one example has no batch statistics: batch norm drops it
        self.drop_last = cfg.batch_norm and n % self.batch_size == 1
        self.steps_per_epoch = n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
        self.total_steps = cfg.epochs * self.steps_per_epoch
        self.steps = 0
        self._perm: torch.Tensor | None = None
        self.diverged = False
        self.loss = math.nan
        self.initial = flat(self.model)
        self.checkpoints: list[tuple[int, torch.Tensor]] = [(0, self.initial)]  # (epoch, weights)
        self._stride = 1  # epochs between checkpoints, doubled whenever the path is thinned
        self.curves: dict[str, list[float | None]] = {k: [] for k in
                                                      ("epoch", "train_loss", "test_loss", "train_acc", "test_acc")}
        self.evaluate(0)

    @property
    def training(self) -> bool:
        return self.steps < self.total_steps and not self.diverged

    def train_step(self) -> float:
        """One mini-batch update; the epoch's end records the curves and a checkpoint."""
        position = self.steps % self.steps_per_epoch
        if position == 0:
            self._perm = torch.randperm(len(self.data.x_train), generator=self.order)
        assert self._perm is not None
        batch = self._perm[position * self.batch_size:(position + 1) * self.batch_size]
        self.model.train()
        self.optimizer.zero_grad()
        loss, _ = loss_and_accuracy(self.model(self.data.x_train[batch]), self.data.y_train[batch], self.classify)
        loss.backward()  # type: ignore[no-untyped-call]
        self.optimizer.step()
        self.steps += 1
        self.loss = loss.item()
        if not math.isfinite(self.loss) or not torch.isfinite(flat(self.model)).all():
            self.diverged = True
            return self.loss
        if self.steps % self.steps_per_epoch == 0:
            epoch = self.steps // self.steps_per_epoch
            self.evaluate(epoch)
            self._checkpoint(epoch)
        return self.loss

    def _checkpoint(self, epoch: int) -> None:
        last = epoch == self.cfg.epochs
        if epoch % self._stride and not last:
            return
        if len(self.checkpoints) >= MAX_CHECKPOINTS:
            self._stride *= 2
            self.checkpoints = [c for c in self.checkpoints if c[0] % self._stride == 0]
        self.checkpoints.append((epoch, flat(self.model)))

    def evaluate(self, epoch: int) -> None:
        """Loss and accuracy on the whole train and test parts, in evaluation mode."""
        self.model.eval()
        row: list[float | None] = [float(epoch)]
        accs = []
        with torch.no_grad():
            for x, y in ((self.data.x_train, self.data.y_train), (self.data.x_test, self.data.y_test)):
                loss, acc = loss_and_accuracy(self.model(x), y, self.classify)
                row.append(float(loss))
                accs.append(float(acc) if self.classify else None)
        for key, value in zip(self.curves, [*row, *accs], strict=True):
            self.curves[key].append(value)

    def path(self) -> torch.Tensor:
        """``[n, P]``: the checkpoints so far, initial weights first."""
        return torch.stack([c[1] for c in self.checkpoints])

    def set_lr(self, lr: float) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = lr
