"""Training several initialisations side by side, and a one-shot look at one of them."""

import math
from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch import nn

from app.labs.common.copying import copy_sharing
from app.labs.common.histograms import shared_edges, summarize
from app.labs.common.params import only_lr, set_lr
from app.labs.common.series import evenly
from app.labs.common.steps import FixedSteps
from app.labs.errors import FieldError
from app.labs.initialization.config import InitConfig
from app.labs.initialization.methods import InitSpec, distinct_neurons, theory_std
from app.labs.initialization.network import ActivationName, build_mlp, digits, forward_recording, linear_layers

QUANTITIES = ("weight", "activation", "gradient")
CURVE_POINTS = 400  # loss points per method in a frame: what a chart can show


class _Member:
    """One method's network, optimiser and latest forward/backward."""

    def __init__(self, spec: InitSpec, cfg: InitConfig) -> None:
        self.spec = spec
        self.model = build_mlp(cfg.depth, cfg.width, cfg.activation, spec, cfg.seed)
        self.layers = linear_layers(self.model)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=cfg.lr)
        self.activations: list[torch.Tensor] = []
        self.losses: list[float] = []
        self.accuracy = math.nan
        self.diverged = False

    def train_step(self, x: torch.Tensor, y: torch.Tensor) -> float:
        self.optimizer.zero_grad()
        logits, self.activations = forward_recording(self.model, x)
        loss = nn.functional.cross_entropy(logits, y)
        value = float(loss.detach())
        self.losses.append(value)
        if not math.isfinite(value):
            self.diverged = True  # this method stops; the others go on
            return value
        torch.autograd.backward(loss)
        self.optimizer.step()
        self.accuracy = float((logits.argmax(dim=1) == y).float().mean())
        return value

    def gradients(self) -> list[torch.Tensor]:
        return [
            layer.weight.grad if layer.weight.grad is not None else torch.zeros_like(layer.weight)
            for layer in self.layers
        ]


class InitializationRun(FixedSteps):
    """Every method trains on the same batches from the same seed, one SGD step each per ``step``."""

    config: InitConfig

    def __init__(self, config: InitConfig) -> None:
        if not config.methods:
            raise FieldError("methods", "pick at least one initialisation method")
        self.config = config
        self.members = [_Member(spec, config) for spec in config.methods]
        self.x, self.y = digits()
        self._generator = torch.Generator().manual_seed(config.seed)
        self._order = torch.empty(0, dtype=torch.long)
        self._cursor = 0
        self._steps = 0

    def __deepcopy__(self, memo: dict[int, Any]) -> "InitializationRun":
        """A branch of this run: its own networks, optimisers and batch order; the digits shared."""
        return copy_sharing(self, memo, (self.x, self.y), [m.model for m in self.members])

    def _batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        n = self.x.shape[0]
        if self._cursor + self.config.batch_size > self._order.numel():
            self._order = torch.randperm(n, generator=self._generator)
            self._cursor = 0
        idx = self._order[self._cursor : self._cursor + self.config.batch_size]
        self._cursor += self.config.batch_size
        return self.x[idx], self.y[idx]

    @property
    def epoch(self) -> float:
        return self._steps * self.config.batch_size / self.x.shape[0]

    def step(self) -> float:
        x, y = self._batch()
        losses = [m.train_step(x, y) for m in self.members if not m.diverged]
        self._steps += 1
        finite = [v for v in losses if math.isfinite(v)]
        # The run as a whole diverges only when every method has.
        return sum(finite) / len(finite) if finite else math.nan

    def set_params(self, params: Mapping[str, Any]) -> None:
        lr = only_lr(params)
        if lr is not None:
            self.config.lr = lr
            set_lr((m.optimizer for m in self.members), lr)

    def frame(self) -> dict[str, Any]:
        if not self.members[0].activations:  # nothing has run yet: show the initial state
            x, y = self._batch()
            self._cursor -= self.config.batch_size
            for m in self.members:
                m.optimizer.zero_grad()
                logits, m.activations = forward_recording(m.model, x)
                torch.autograd.backward(nn.functional.cross_entropy(logits, y))
        return {
            "lr": self.config.lr,
            "epoch": self.epoch,
            "layers": layer_shapes(self.members[0].layers),
            "methods": [
                {
                    "label": m.spec.label,
                    "method": m.spec.method,
                    "diverged": m.diverged,
                    "loss": m.losses[-1] if m.losses else None,
                    "accuracy": m.accuracy,
                    "loss_curve": downsample(m.losses, CURVE_POINTS),
                    "layers": stats,
                }
                for m, stats in zip(self.members, compare_layers(self.members, self.config.bins))
            ],
        }


def layer_shapes(layers: Sequence[nn.Linear]) -> list[dict[str, int]]:
    return [{"index": i + 1, "fan_in": la.in_features, "fan_out": la.out_features} for i, la in enumerate(layers)]


def compare_layers(members: Sequence[_Member], bins: int) -> list[list[dict[str, Any]]]:
    """Per member and layer: weight/activation/gradient summaries on edges shared by all members."""
    tensors = {
        "weight": [[layer.weight.detach() for layer in m.layers] for m in members],
        "activation": [m.activations for m in members],
        "gradient": [m.gradients() for m in members],
    }
    out: list[list[dict[str, Any]]] = [[] for _ in members]
    for li, layer in enumerate(members[0].layers):
        edges = {q: shared_edges([t[li] for t in tensors[q]], bins) for q in QUANTITIES}
        for mi, m in enumerate(members):
            entry: dict[str, Any] = {
                "index": li + 1,
                "theory_weight_std": theory_std(m.spec, layer.in_features, layer.out_features),
                "distinct_neurons": distinct_neurons(m.layers[li]),
            }
            entry.update({q: summarize(tensors[q][mi][li], edges[q]) for q in QUANTITIES})
            out[mi].append(entry)
    return out


def downsample(values: Sequence[float], limit: int) -> list[list[float]]:
    """At most ``limit`` [step, value] pairs, evenly strided, always ending at the latest."""
    return [[i + 1, values[i]] for i in evenly(len(values), limit)]


def inspect(
    spec: InitSpec, depth: int, width: int, activation: ActivationName, batch_size: int, seed: int, bins: int
) -> dict[str, Any]:
    """One forward and backward pass of a freshly initialised net on one batch, no update."""
    cfg = InitConfig(methods=[spec], depth=depth, width=width, activation=activation,
                     batch_size=batch_size, seed=seed, bins=bins, steps=0)
    run = InitializationRun(cfg)
    member = run.members[0]
    shapes = layer_shapes(member.layers)
    run.frame()  # runs the forward/backward of the first batch
    stats = compare_layers([member], bins)[0]
    layers = []
    for shape, s in zip(shapes, stats):
        layers.append({
            **shape,
            "theory_weight_std": s["theory_weight_std"],
            "distinct_neurons": s["distinct_neurons"],
            **{q: s[q] for q in QUANTITIES},
        })
    return {"method": spec.label, "layers": layers}
