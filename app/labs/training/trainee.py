"""One model being trained: its optimiser, its update step and what it records over time."""

import math
from typing import Any

import torch
from torch import nn

from app.labs.common.datasets import Dataset
from app.labs.training.config import TrainingConfig
from app.labs.training.frames import SERIES_LIMIT, series
from app.labs.training.model import SeededDropout, build_mlp, linears, make_optimizer


class Trainee:
    """A run holds one of these, or two trained on the very same batches when comparing."""

    def __init__(self, label: str, cfg: TrainingConfig, data: Dataset, changes: dict[str, Any], steps: int) -> None:
        self.label, self.cfg, self.changes = label, cfg, changes
        self.classify = data.task == "classification"
        self.model = build_mlp(
            data.input_dim, cfg.hidden, data.outputs, cfg.activation, cfg.dropout,
            cfg.batch_norm, cfg.residual, cfg.init, cfg.seed,
        )  # fmt: skip
        self.layers = linears(self.model)
        self.optimizer = make_optimizer(self.model, cfg.optimizer, cfg.lr, cfg.weight_decay)
        self.loss_fn: nn.Module = nn.CrossEntropyLoss() if self.classify else nn.MSELoss()
        self.curves = series()  # x: epoch; row: train loss, test loss[, train acc, test acc]
        # x: step; row: each layer's weight-gradient norm, then the total; recorded evenly over the run
        self.grads = series(stride=max(1, steps // (2 * SERIES_LIMIT)))
        self.diverged = False
        self.loss = math.nan  # the last batch's data loss (without the L1 term)
        self.test_pred: torch.Tensor | None = None  # test predictions at the last evaluation

    def train_step(self, xb: torch.Tensor, yb: torch.Tensor, step: int) -> float:
        if self.diverged:
            return math.nan
        if not self.model.training:  # train() walks every module: skip it when nothing changed
            self.model.train()
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(xb), yb)
        objective = loss
        if self.cfg.l1 > 0:
            objective = loss + self.cfg.l1 * sum(layer.weight.abs().sum() for layer in self.layers)
        torch.autograd.backward(objective)
        keep = self.grads.wants_next()
        norms = [torch.linalg.vector_norm(layer.weight.grad) for layer in self.layers] if keep else []
        params = [p for p in self.model.parameters() if p.grad is not None]
        total: torch.Tensor | None = None
        if self.cfg.clip_norm > 0:
            # returns the norm before clipping: the page shows what clipping cut down
            total = torch.nn.utils.clip_grad_norm_(params, self.cfg.clip_norm)
        elif keep:
            total = torch.nn.utils.get_total_norm([p.grad for p in params if p.grad is not None])
        self.grads.add(step, torch.stack([*norms, total]).tolist() if keep and total is not None else [])
        self.optimizer.step()
        self.loss = loss.item()
        if not math.isfinite(self.loss):
            self.diverged = True
        return self.loss

    def evaluate(self, epoch: float, parts: list[tuple[torch.Tensor, torch.Tensor]]) -> None:
        """Loss (and accuracy) on the train and test parts, recorded against ``epoch``."""
        if self.diverged:
            return
        self.model.eval()
        losses, accs = [], []
        with torch.no_grad():
            for x, y in parts:
                out = self.model(x)
                losses.append(float(self.loss_fn(out, y)))
                if self.classify:
                    self.test_pred = out.argmax(dim=1)  # the last part is the test part
                    accs.append(float((self.test_pred == y).float().mean()))
        self.curves.add(epoch, losses + accs)

    def set_params(self, cfg: TrainingConfig) -> None:
        """Apply mid-run changes already validated into ``cfg``."""
        for group in self.optimizer.param_groups:
            group["lr"] = cfg.lr
        self.optimizer.param_groups[0]["weight_decay"] = cfg.weight_decay  # group 0: the weights
        for module in self.model.modules():
            if isinstance(module, SeededDropout):
                module.p = cfg.dropout
        self.cfg = cfg

    def frame_part(self) -> dict[str, Any]:
        curves = self.curves.columns()
        names = ["train_loss", "test_loss", "train_acc", "test_acc"] if self.classify else ["train_loss", "test_loss"]
        grads = self.grads.columns()
        return {
            "label": self.label,
            "changes": self.changes,
            "diverged": self.diverged,
            "loss": self.loss,
            "params": {k: getattr(self.cfg, k) for k in ("lr", "weight_decay", "l1", "dropout", "clip_norm")},
            "curves": {"epoch": self.curves.x, **dict(zip(names, curves or [[] for _ in names], strict=True))},
            "grad_norms": {"step": self.grads.x, "layers": grads[:-1], "total": grads[-1] if grads else []},
        }
