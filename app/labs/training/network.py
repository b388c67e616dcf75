"""The network view, Playground-style: every drawn neuron as an 8-bit map of what it computes over the
input plane, every drawn edge as its weight and current gradient, and per neuron what Playground
cannot show: activation statistics (dead ReLUs, saturated sigmoids), gradient norms, batch-normalised
pre-activations and the dropout mask of the current step.

One forward pass over the decision-boundary grid gives the boundary and all the maps (each map takes
every ``STRIDE``-th grid point), so the view costs little more than the boundary alone.
"""

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from app.labs.common.residual import Residual
from app.labs.training.model import ACTIVATIONS, SeededDropout
from app.labs.training.packing import floats, quantise

STRIDE = 4  # neuron maps are 16 × 16: every fourth point of the 61 × 61 boundary grid (Playground: 10 × 10)
MAX_NEURONS = 16  # neurons drawn per layer (the first ones); the others are counted, not drawn
MAX_LAYERS = 10  # hidden layers drawn: the first and the last halves of a deeper network
STATS_POINTS = 256  # training examples the activation statistics are measured on
SATURATED = 0.01  # sigmoid within 0.01 of 0 or 1, tanh within 0.01 of ±1: the slope is ~0.01 or less
_ACTIVATION_TYPES = tuple(ACTIVATIONS.values())

Visit = Callable[[int, torch.Tensor, torch.Tensor | None], None]


def forward_layers(model: nn.Sequential, x: torch.Tensor, visit: Visit) -> torch.Tensor:
    """The model's output for ``x``, calling ``visit(j, out, normed)`` for each ``Linear`` layer j:
    ``out`` is a hidden neuron's activation (before dropout, before a residual sum) or the output
    layer's logits, ``normed`` the batch-normalised pre-activation when there is batch norm."""
    blocks = list(model)
    h = x
    for j, block in enumerate(blocks[:-1]):
        inner = block.block if isinstance(block, Residual) else block
        out, act, normed = h, h, None
        for module in inner.children():  # a block is an nn.Sequential: its modules in order
            out = module(out)
            if isinstance(module, nn.BatchNorm1d):
                normed = out
            elif isinstance(module, _ACTIVATION_TYPES):
                act = out
        visit(j, act, normed)
        h = h + out if isinstance(block, Residual) else out
    logits: torch.Tensor = blocks[-1](h)
    visit(len(blocks) - 1, logits, None)
    return logits


def shown_layers(hidden: int) -> list[int]:
    """Indices of the ``Linear`` layers drawn: all hidden ones up to ``MAX_LAYERS``, else the first
    and last halves, and always the output (index ``hidden``)."""
    if hidden <= MAX_LAYERS:
        return list(range(hidden + 1))
    half = MAX_LAYERS // 2
    return [*range(half), *range(hidden - half, hidden + 1)]


def map_rows(side: int) -> torch.Tensor:
    """Indices, in the flattened ``side`` × ``side`` boundary grid, of the neuron-map points."""
    picked = torch.arange(0, side, STRIDE)
    return (picked.reshape(-1, 1) * side + picked.reshape(1, -1)).reshape(-1)


def inactive(act: torch.Tensor, activation: str) -> torch.Tensor | None:
    """Where a unit passes no gradient: a ReLU at zero, a sigmoid or tanh saturated; None for the
    others (leaky ReLU, ELU and GELU keep a slope)."""
    if activation == "relu":
        return act <= 0
    if activation == "sigmoid":
        return (act < SATURATED) | (act > 1 - SATURATED)
    if activation == "tanh":
        return act.abs() > 1 - SATURATED
    return None


class NetworkView:
    """Builds one run's ``network`` frame part; the layer and neuron choice is fixed for the run."""

    def __init__(self, model: nn.Sequential, activation: str, grid_side: int, stats_x: torch.Tensor) -> None:
        self.model, self.activation = model, activation
        self.linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
        self.dropouts = [m for m in model.modules() if isinstance(m, SeededDropout)]
        self.layers = shown_layers(len(self.linears) - 1)
        self.neurons = {j: min(self.linears[j].out_features, MAX_NEURONS) for j in self.layers}
        self.side = grid_side
        self.stats_x = stats_x[:STATS_POINTS]

    def forward(self, grid_x: torch.Tensor) -> tuple[torch.Tensor, dict[str, Any]]:
        """The logits on the whole grid and the view's part of the frame; call in eval mode, no grad."""
        maps: dict[int, torch.Tensor] = {}
        normed_maps: dict[int, torch.Tensor] = {}

        def keep_maps(j: int, out: torch.Tensor, normed: torch.Tensor | None) -> None:
            if j in self.neurons:
                n = self.neurons[j]
                maps[j] = self._picked(out, n)
                if normed is not None:
                    normed_maps[j] = self._picked(normed, n)

        logits = forward_layers(self.model, grid_x, keep_maps)
        stats = self._statistics()
        layers = []
        for j in self.layers:
            part = {"index": j, "width": self.linears[j].out_features, **quantise(maps[j]), **stats[j]}
            part["normed"] = quantise(normed_maps[j]) if j in normed_maps else None
            part.update(self._weights(j))
            layers.append(part)
        return logits, {"layers": layers, "hidden_layers": len(self.linears) - 1}

    def _picked(self, out: torch.Tensor, n: int) -> torch.Tensor:
        """The first ``n`` neurons' values at the map points, one row per neuron (a strided view of
        the grid: the same points as ``map_rows``, without gathering them)."""
        side = self.side
        return out.reshape(side, side, -1)[::STRIDE, ::STRIDE, :n].reshape(-1, n).T

    def _statistics(self) -> dict[int, dict[str, Any]]:
        """Mean, std and share of inactive examples per drawn neuron; units inactive on every example per layer."""
        stats: dict[int, dict[str, Any]] = {}
        last = len(self.linears) - 1

        def measure(j: int, out: torch.Tensor, normed: torch.Tensor | None) -> None:
            if j not in self.neurons:
                return
            n = self.neurons[j]
            shown = out[:, :n]
            off = inactive(out, self.activation) if j < last else None
            stats[j] = {
                "mean": floats(shown.mean(dim=0)),
                "std": floats(shown.std(dim=0, unbiased=False)),
                "inactive": floats(off[:, :n].float().mean(dim=0)) if off is not None else None,
                "inactive_units": int(off.all(dim=0).sum()) if off is not None else None,
            }

        forward_layers(self.model, self.stats_x, measure)
        return stats

    def _weights(self, j: int) -> dict[str, Any]:
        """Bias, edges from the previous drawn column, gradients, and the last step's dropout mask."""
        layer, n = self.linears[j], self.neurons[j]
        grad_w, grad_b = layer.weight.grad, layer.bias.grad
        part: dict[str, Any] = {"bias": floats(layer.bias[:n])}
        if grad_w is not None and grad_b is not None:
            sq = grad_w[:n].square().sum(dim=1) + grad_b[:n].square()
            part["grad_norm"] = floats(sq.sqrt())
        else:
            part["grad_norm"] = None  # no step taken yet
        cols = None
        if j == 0:
            cols = layer.in_features
        elif j - 1 in self.neurons:
            cols = self.neurons[j - 1]
        part["edges"] = None
        if cols is not None:
            part["edges"] = {
                "w": floats(layer.weight[:n, :cols]),
                "g": floats(grad_w[:n, :cols]) if grad_w is not None else None,
            }
        part["dropped"] = part["dropped_first"] = None
        if j < len(self.dropouts):
            keep = self.dropouts[j].last_keep
            if keep is not None:
                dropped = keep[:, :n] == 0
                part["dropped"] = floats(dropped.float().mean(dim=0))
                part["dropped_first"] = torch.nonzero(dropped[0]).reshape(-1).tolist()
        return part
