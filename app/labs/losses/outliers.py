"""Live outlier fit: one line, several losses, and which line the outliers drag.

Every fit starts from the same ``nn.Linear(1, 1)`` (w = b = 0) on the same seeded data and has its
own ``torch.optim`` optimiser; ``step()`` advances all of them once. MSE's gradient grows with the
residual, so a few far points pull its line; L1's gradient is ±1 per point whatever the residual,
so its line follows the majority (the median fit); SmoothL1 is between, quadratic within β.
"""

import logging
import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import torch
from torch import nn

from app.labs.common.copying import copy_sharing
from app.labs.common.optimizers import make_optimizer
from app.labs.common.params import only_lr, set_lr
from app.labs.common.series import Series
from app.labs.common.steps import FixedSteps
from app.labs.errors import FieldError
from app.labs.fields import Cap, Distinct, Ge, Gt, Help, Le, LearningRate, MaxLen, MinLen, Seed, within

log = logging.getLogger(__name__)

FitLoss = Literal["l1", "mse", "smooth_l1", "huber"]
FitOptimizer = Literal["sgd", "adam"]  # torch.optim classes, from app/labs/common/optimizers.py
FIT_LOSSES: tuple[FitLoss, ...] = typing.get_args(FitLoss)
OPTIMISERS: tuple[FitOptimizer, ...] = typing.get_args(FitOptimizer)
Bounded = Annotated[float, Ge(-100), Le(100)]


# Each field declared once (type, default, bounds, choices, the settings cap and help; see
# app/labs/fields.py): the web layer derives the run's config and its mid-run params from it.
@dataclass
class OutlierConfig:
    """The live outlier fit; ``{}`` fits L1, MSE and SmoothL1 to 30 points, 4 of them outliers."""

    samples: Annotated[int, Ge(2), Cap("max_samples"), Help("points on the line, outliers included")] = 30
    outliers: Annotated[int, Ge(0), Cap("max_samples"),
                        Help("points lifted far above the line, among the largest x; fewer than samples - 1")] = 4
    noise: Annotated[float, Ge(0), Help("std of the Gaussian noise on y")] = 0.3
    outlier_offset: Annotated[Bounded, Help("how far above the line the outliers sit")] = 8.0
    true_w: Annotated[Bounded, Help("the slope of the line the clean data come from: y = true_w·x + true_b")] = 2.0
    true_b: Annotated[Bounded, Help("the intercept of that line")] = 1.0
    lr: LearningRate = 0.05  # of every optimiser; the one field a run may change mid-way
    optimizer: Annotated[FitOptimizer, Help("a torch.optim class, one instance per fit")] = "sgd"
    steps: Annotated[int, Ge(1), Cap("max_steps"), Help("the run finishes after this many steps")] = 3000
    seed: Annotated[Seed, Help("the points, their noise and which are outliers")] = 0
    losses: Annotated[tuple[FitLoss, ...], MinLen(1), MaxLen(len(FIT_LOSSES)), Distinct(),
                      Help("the losses fitted side by side, each at most once")] = ("l1", "mse", "smooth_l1")
    beta: Annotated[float, Ge(0), Help("SmoothL1Loss's beta")] = 1.0
    delta: Annotated[float, Gt(0), Help("HuberLoss's delta")] = 1.0


LIVE_PARAMS = ("lr",)  # what a ``set`` message may change during a run
_HINTS = typing.get_type_hints(OutlierConfig, include_extras=True)


def validate(config: OutlierConfig) -> OutlierConfig:
    """Raise FieldError naming the first bad field; return the config unchanged otherwise. The bounds
    are the ones declared above, which the web layer has checked already; the rest are cross-field."""
    for name in ("samples", "outliers", "noise", "outlier_offset", "true_w", "true_b", "lr", "steps", "seed",
                 "beta", "delta"):
        within(_HINTS[name], getattr(config, name), name)
    if not config.outliers < config.samples - 1:
        raise FieldError("outliers", f"must be in 0..{config.samples - 2}, got {config.outliers}")
    if config.optimizer not in OPTIMISERS:
        raise FieldError("optimizer", f"expected one of {', '.join(OPTIMISERS)}")
    if not config.losses or len(set(config.losses)) != len(config.losses):
        raise FieldError("losses", "give one or more distinct losses")
    for loss in config.losses:
        if loss not in FIT_LOSSES:
            raise FieldError(
                "losses", f"unknown loss {loss!r}; choose from {', '.join(FIT_LOSSES)}"
            )
    return config


def check_lr(lr: Any) -> float:
    return float(within(_HINTS["lr"], lr, "lr"))


def make_data(config: OutlierConfig) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Seeded points x in [0, 2), y on the true line plus noise, outliers lifted; (x, y, mask)."""
    gen = torch.Generator().manual_seed(config.seed)
    x = torch.rand(config.samples, generator=gen) * 2
    y = (
        config.true_w * x
        + config.true_b
        + config.noise * torch.randn(config.samples, generator=gen)
    )
    # outliers among the rightmost half: far from the centre they have the most leverage on w
    right = torch.argsort(x, descending=True)[: max(config.samples // 2, config.outliers)]
    chosen = right[torch.randperm(len(right), generator=gen)[: config.outliers]]
    mask = torch.zeros(config.samples, dtype=torch.bool)
    mask[chosen] = True
    y[mask] += config.outlier_offset
    return x.unsqueeze(1), y.unsqueeze(1), mask


def loss_module(name: str, beta: float, delta: float) -> nn.Module:
    if name == "l1":
        return nn.L1Loss()
    if name == "mse":
        return nn.MSELoss()
    if name == "smooth_l1":
        return nn.SmoothL1Loss(beta=beta)
    return nn.HuberLoss(delta=delta)


class _Fit:
    def __init__(self, name: str, config: OutlierConfig) -> None:
        self.name = name
        self.model = nn.Linear(1, 1, device="meta").to_empty(device="cpu")  # draws nothing
        nn.init.zeros_(self.model.weight)  # same start for every loss, so only the loss differs
        nn.init.zeros_(self.model.bias)
        self.criterion = loss_module(name, config.beta, config.delta)
        self.optimizer = make_optimizer(config.optimizer, self.model.parameters(), config.lr)
        self.history = Series(limit=128)  # at most 255 (step, loss) points
        self.loss = math.nan
        self.diverged = False


class OutlierRun(FixedSteps):
    """A LiveRun: the outlier fit for every loss in the config, stepped together."""

    config: OutlierConfig

    def __init__(self, config: OutlierConfig) -> None:
        self.config = validate(config)
        self.lr = config.lr
        self.x, self.y, self.mask = make_data(config)
        self.fits = [_Fit(name, config) for name in config.losses]
        self._steps = 0

    def __deepcopy__(self, memo: dict[int, Any]) -> "OutlierRun":
        """A branch of this run: its own fits; the points shared."""
        return copy_sharing(self, memo, (self.x, self.y, self.mask), [f.model for f in self.fits])

    def step(self) -> float:
        """One optimiser step per fit; the mean loss of the fits still finite (NaN if none)."""
        live = []
        for fit in self.fits:
            if fit.diverged:
                continue
            fit.optimizer.zero_grad()
            loss = fit.criterion(fit.model(self.x), self.y)
            loss.backward()
            fit.optimizer.step()
            fit.loss = loss.item()
            if not math.isfinite(fit.loss) or not all(
                torch.isfinite(p).all() for p in fit.model.parameters()
            ):
                log.info("outlier fit %s diverged at step %d", fit.name, self._steps)
                fit.diverged = True
                continue
            fit.history.add(self._steps, [fit.loss])
            live.append(fit.loss)
        self._steps += 1
        return sum(live) / len(live) if live else math.nan

    def set_params(self, params: Mapping[str, Any]) -> None:
        lr = only_lr(params, check_lr)
        if lr is not None:
            self.lr = lr
            set_lr((fit.optimizer for fit in self.fits), lr)

    def frame(self) -> dict[str, Any]:
        return {
            "lab": "losses",
            "lr": self.lr,
            "points": {
                "x": self.x.squeeze(1).tolist(),
                "y": self.y.squeeze(1).tolist(),
                "outlier": self.mask.tolist(),
            },
            "true_line": {"w": self.config.true_w, "b": self.config.true_b},
            "fits": [
                {
                    "loss": fit.name,
                    "w": fit.model.weight.item(),
                    "b": fit.model.bias.item(),
                    "value": fit.loss,
                    "diverged": fit.diverged,
                    "history": {"step": list(fit.history.x), "loss": [row[0] for row in fit.history.rows]},
                }
                for fit in self.fits
            ],
        }
