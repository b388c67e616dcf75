"""The training lab's live run: ``step()`` is one mini-batch update (of both models when comparing).

Comparison: with ``config.compare`` set (say ``{"weight_decay": 0}``) the run trains a twin built
from the same seed on the very same batches, so any difference on screen comes from the changed
setting alone. Curves are evaluated at epoch ends on at most ``eval_limit`` examples of each part
(every epoch unless that costs too much, see ``eval_every``); what the screen shows is computed in
``frame()``, which the engine calls a few times a second. Nothing here reads a clock: the same
config gives the same frames however busy the server is.
"""

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import torch
from torch.utils.data import BatchSampler, DataLoader, RandomSampler, TensorDataset

from app.labs.common.copying import copy_sharing
from app.labs.common.datasets import Dataset, make_dataset
from app.labs.errors import FieldError
from app.labs.training.config import TrainingConfig
from app.labs.training.features import RAW, transform
from app.labs.training.frames import confusion, grid_axes, grid_points, histograms, rounded
from app.labs.training.network import NetworkView, map_rows
from app.labs.training.packing import quantise
from app.labs.training.trainee import Trainee

EVAL_LIMIT = 1000  # examples per part for the curves
EVAL_BUDGET = 0.05  # share of the training time spent evaluating the curves
# A CPU cost model of one forward pass (eval) and one update (train), in microseconds, measured on a
# small server (torch 2.13, one thread): a fixed cost for the Python and kernel launches, plus a
# cost per example and weight. Only the ratio of the two matters, and only to a power of two.
FORWARD_US = (70.0, 2.4e-5)
UPDATE_US = (700.0, 7e-5)
MISCLASSIFIED = 8  # example images sent per frame
CURVE_POINTS = 200  # x positions of a 1D regression's fitted curve


def make_loader(
    x: torch.Tensor, y: torch.Tensor, batch_size: int, seed: int, drop_last: bool = False
) -> DataLoader[Any]:
    """The very batches of ``DataLoader(TensorDataset(x, y), batch_size, shuffle=True, generator=g)``,
    fetched by one index per batch instead of one per example (a tenth of the time at batch 128)."""
    data = TensorDataset(x, y)
    g = torch.Generator().manual_seed(seed)  # one generator, drawn in DataLoader's order
    sampler = BatchSampler(RandomSampler(data, generator=g), batch_size, drop_last)
    return DataLoader(data, batch_size=None, sampler=sampler, generator=g)


def epoch_orders(n: int, batch_size: int, seed: int, drop_last: bool = False) -> DataLoader[Any]:
    """``make_loader`` over the indices 0..n-1: each pass yields one epoch's batches of indices,
    drawn exactly as the loader over the data draws them. A run keeps an epoch as a list of index
    tensors, which a deep copy of the run can copy (a live DataLoader iterator cannot be copied)."""
    indices = torch.arange(n)
    return make_loader(indices, indices, batch_size, seed, drop_last)


def eval_every(weights: int, eval_examples: tuple[int, int], batch_size: int, steps_per_epoch: int,
               epochs: int) -> int:
    """Epochs between two evaluations of the curves: the smallest power of two keeping the
    estimated cost of evaluating under ``EVAL_BUDGET`` of training's (at most ``epochs``).

    Evaluating a large test set can cost more than an epoch of training on a small one; a big
    model then still trains at full speed. Estimated from the config, never timed, so it is the
    same on every server."""
    evaluate = sum(FORWARD_US[0] + FORWARD_US[1] * n * weights for n in eval_examples)
    epoch = steps_per_epoch * (UPDATE_US[0] + UPDATE_US[1] * batch_size * weights)
    every = 1
    while evaluate > EVAL_BUDGET * every * epoch and every < epochs:
        every *= 2
    return every


class TrainingRun:
    """A ``LiveRun``; ``data`` is required for ``csv`` and ``fashion`` (the user's files)."""

    def __init__(self, config: TrainingConfig, data: Dataset | None = None, eval_limit: int = EVAL_LIMIT) -> None:
        if data is None:
            if config.dataset in ("csv", "fashion"):
                raise FieldError("dataset", f"{config.dataset} needs the user's data, which was not given")
            data = make_dataset(config.dataset, config.samples, config.noise, config.test_fraction, config.data_seed)
        self.config, self.data = config, data
        if config.features != RAW and (data.input_dim != 2 or data.task != "classification"):
            raise FieldError("features", "feature inputs apply to the 2D classification sets only")
        # what the models see: the chosen features of the plane (self.data keeps the plane, to draw)
        self.inputs = data = replace(data, x_train=transform(data.x_train, config.features),
                                     x_test=transform(data.x_test, config.features))
        configs = [config] if config.compare is None else [config, config.twin()]
        n = len(data.x_train)
        batch_size = min(config.batch_size, n)
        uses_bn = any(c.batch_norm for c in configs)
        if uses_bn and batch_size < 2:
            raise FieldError("batch_size", "batch norm needs at least 2 examples per batch")
        drop_last = uses_bn and n % batch_size == 1  # a batch of one has no batch statistics
        self.orders = epoch_orders(n, batch_size, config.seed, drop_last)
        self.steps_per_epoch = len(self.orders)
        self.total_steps = config.epochs * self.steps_per_epoch  # a LiveRun's end
        self.trainees = [Trainee("run", config, data, {}, self.total_steps)]
        if config.compare is not None:
            self.trainees.append(Trainee("compare", configs[1], data, dict(config.compare), self.total_steps))
        self.parts = [
            (data.x_train[:eval_limit], data.y_train[:eval_limit]),
            (data.x_test[:eval_limit], data.y_test[:eval_limit]),
        ]
        self._epoch: list[torch.Tensor] = []  # this epoch's batches of indices still to train on
        self._steps = 0
        weights = max(sum(p.numel() for p in t.model.parameters()) for t in self.trainees)
        sizes = (len(self.parts[0][0]), len(self.parts[1][0]))
        self._eval_every = eval_every(weights, sizes, batch_size, self.steps_per_epoch, config.epochs)
        self._grid = self._curve_x = None
        self._networks: list[NetworkView] = []
        self._built: tuple[int, list[dict[str, Any]]] | None = None  # (steps, views) of the last frame
        shown = self.data  # the plane, for the grid and the points
        if shown.task == "classification" and shown.input_dim == 2:
            self._axes = grid_axes(torch.cat([shown.x_train, shown.x_test]))
            self._grid = transform(grid_points(*self._axes), config.features)
            if config.network_view:
                self._networks = [
                    NetworkView(t.model, t.cfg.activation, len(self._axes[0]), data.x_train) for t in self.trainees
                ]
        if data.task == "regression" and data.input_dim == 1:
            lo, hi = float(data.x_train.min()), float(data.x_train.max())
            self._curve_x = torch.linspace(lo, hi, CURVE_POINTS).reshape(-1, 1)
        for t in self.trainees:
            t.evaluate(0.0, self.parts)

    def __deepcopy__(self, memo: dict[int, Any]) -> "TrainingRun":
        """A branch of this run: its own models, optimisers, generators and records; the data set,
        its evaluation parts and the drawing grids shared."""
        fixed = [self.data, *(t for part in self.parts for t in part), self._grid, self._curve_x]
        if self._grid is not None:
            fixed += self._axes
        return copy_sharing(self, memo, [f for f in fixed if f is not None], [t.model for t in self.trainees])

    @property
    def steps_done(self) -> int:
        return self._steps

    @property
    def finished(self) -> bool:
        return self._steps >= self.total_steps or all(t.diverged for t in self.trainees)

    def step(self) -> float:
        """One update; the loss of the first model still training (NaN once all have diverged)."""
        if self._steps % self.steps_per_epoch == 0:
            self._epoch = [batch for (batch, _) in self.orders]  # a new shuffle for every epoch
        index = self._epoch[self._steps % self.steps_per_epoch]
        xb, yb = self.inputs.x_train[index], self.inputs.y_train[index]
        self._steps += 1
        losses = [t.train_step(xb, yb, self._steps) for t in self.trainees]
        if self._steps % self.steps_per_epoch == 0:
            self._end_epoch(self._steps // self.steps_per_epoch)
        return next((v for v in losses if math.isfinite(v)), math.nan)

    def _end_epoch(self, epoch: int) -> None:
        """Evaluate the curves every ``_eval_every`` epochs (see ``eval_every``) and at the last one."""
        if epoch % self._eval_every == 0 or self._steps >= self.total_steps:
            for t in self.trainees:
                t.evaluate(float(epoch), self.parts)

    def set_params(self, params: Mapping[str, Any]) -> None:
        """Change lr, weight_decay, l1, dropout or clip_norm; a compared setting stays the twin's own."""
        self.config = self.config.live_update(params)
        self.trainees[0].set_params(self.config)
        for t in self.trainees[1:]:
            own = {k: v for k, v in params.items() if k not in t.changes}
            t.set_params(t.cfg.live_update(own))

    def _display(self, x: torch.Tensor) -> torch.Tensor:
        """Model inputs back in the user's units (uploaded data was standardised)."""
        d = self.data
        if d.x_shift is None or d.x_scale is None:
            return x
        return x * torch.tensor(d.x_scale) + torch.tensor(d.x_shift)

    def frame(self) -> dict[str, Any]:
        runs = [t.frame_part() for t in self.trainees]
        shapes = [[tuple(layer.weight.shape) for layer in t.layers] for t in self.trainees]
        weights = [[layer.weight for layer in t.layers] for t in self.trainees]
        hists = histograms(weights) if all(s == shapes[0] for s in shapes) else [histograms([w])[0] for w in weights]
        if self._built is None or self._built[0] != self._steps:  # a paused run's frames reuse the pictures
            self._built = (self._steps, [self._views(i, t) for i, t in enumerate(self.trainees)])
        for part, h, views in zip(runs, hists, self._built[1], strict=True):
            part["weights"] = h
            part.update(views)
        return {"epoch": self._steps // self.steps_per_epoch, "epochs": self.config.epochs, "runs": runs}

    def _views(self, i: int, t: Trainee) -> dict[str, Any]:
        """The picture of what the model has learnt: boundary (and network), fitted curve or confusion matrix."""
        if t.diverged:
            return {}
        views: dict[str, Any] = {}
        t.model.eval()
        with torch.no_grad():
            if self._grid is not None:
                if self._networks:
                    logits, views["network"] = self._networks[i].forward(self._grid)
                else:
                    logits = t.model(self._grid)
                probs = torch.softmax(logits, dim=1)
                size = len(self._axes[0])
                if probs.shape[1] == 2:
                    percent = torch.round(probs[:, 1] * 100).to(torch.int64)  # ints: a third of the bytes
                    views["boundary"] = {"kind": "percent", "z": percent.reshape(size, size).tolist()}
                else:
                    views["boundary"] = {"kind": "class", "z": probs.argmax(dim=1).reshape(size, size).tolist()}
            if self._curve_x is not None:
                d = self.data
                views["curve"] = {"y": rounded(t.model(self._curve_x)[:, 0] * d.y_scale + d.y_shift)}
            if t.test_pred is not None:  # from the last evaluation: a big test set costs a frame too much
                x, y = self.parts[1]
                pred = t.test_pred
                views["confusion"] = confusion(pred, y, len(self.data.classes))
                if self.data.image_shape is not None:
                    wrong = torch.nonzero(pred != y)[:MISCLASSIFIED, 0].tolist()
                    views["misclassified"] = [
                        {"index": i, "label": int(y[i]), "pred": int(pred[i]), "pixels": rounded(x[i], 2)}
                        for i in wrong
                    ]
        return views

    def scene(self) -> dict[str, Any]:
        """What stays fixed during the run: data points, axes, classes and layer sizes."""
        d = self.data
        scene: dict[str, Any] = {
            "dataset": d.name,
            "task": d.task,
            "classes": list(d.classes),
            "input_dim": d.input_dim,
            "image_shape": list(d.image_shape) if d.image_shape else None,
            "steps_per_epoch": self.steps_per_epoch,
            "runs": [
                {
                    "label": t.label,
                    "changes": t.changes,
                    "layers": [list(layer.weight.shape[::-1]) for layer in t.layers],
                }
                for t in self.trainees
            ],
        }
        if d.input_dim <= 2:
            scene["points"] = {
                name: self._points(x[:EVAL_LIMIT], y[:EVAL_LIMIT])
                for name, x, y in (("train", d.x_train, d.y_train), ("test", d.x_test, d.y_test))
            }
        if self._grid is not None:
            ax, ay = self._axes
            corners = self._display(torch.stack([ax, ay], dim=1))
            scene["grid"] = {"x": rounded(corners[:, 0], 4), "y": rounded(corners[:, 1], 4)}
            if self._networks:
                rows = map_rows(len(ax))
                side = int(len(rows) ** 0.5)
                # the input nodes' maps never change: they travel once, here, not in every frame
                scene["network"] = {"features": list(self.config.features), "side": side,
                                    "inputs": quantise(self._grid[rows].T),
                                    "activations": [t.cfg.activation for t in self.trainees]}
        if self._curve_x is not None:
            scene["curve_x"] = rounded(self._display(self._curve_x)[:, 0], 4)
        return scene

    def _points(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, list[Any]]:
        shown = self._display(x)
        if self.data.task == "classification":
            return {"x": rounded(shown[:, 0], 4), "y": rounded(shown[:, 1], 4), "label": y.tolist()}
        return {"x": rounded(shown[:, 0], 4), "y": rounded(y[:, 0] * self.data.y_scale + self.data.y_shift, 4)}
