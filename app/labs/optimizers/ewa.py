"""The exponentially weighted average (指数加权平均) of the notes, and how torch.optim carries it.

S_t = β·S_{t−1} + (1−β)·Y_t with S_0 = 0 weighs the last ~1/(1−β) values; it starts too low, which
dividing by 1−β^t corrects exactly. The same average is Adam's ``exp_avg`` and, up to how it starts,
the momentum buffer of SGD with ``momentum = dampening = β``: both are read from torch.optim here, fed the
series as gradients, so the page can show the formula and PyTorch side by side.
"""

import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
import torch

from app.labs.fields import Ge, Help, Le, Seed, within

BETA_RANGE = (0.5, 0.999)
MAX_POINTS = 1000


@dataclass(frozen=True)
class EwaConfig:
    """The exponentially weighted average's question: how much past, over how long a series."""

    beta: Annotated[float, Ge(BETA_RANGE[0]), Le(BETA_RANGE[1]),
                    Help("the weight of the past: the average spans about 1/(1 - beta) points")] = 0.9
    n: Annotated[int, Ge(2), Le(MAX_POINTS), Help("points in the series")] = 365
    seed: Annotated[Seed, Help("the series' noise")] = 0


_HINTS = typing.get_type_hints(EwaConfig, include_extras=True)


def noisy_series(n: int, seed: int) -> list[float]:
    """A year of 'daily temperatures': a slow seasonal swing plus seeded noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(1, n + 1)
    series = 12.0 + 8.0 * np.sin(2 * np.pi * t / n) + rng.normal(0.0, 3.0, n)
    return [float(v) for v in series]


def _fed_to(
    optimizer_cls: Callable[..., torch.optim.Optimizer], series: list[float], key: str, **kwargs: Any
) -> list[float]:
    # lr = 0 keeps the parameter still: only the optimiser's running average is of interest
    param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = optimizer_cls([param], lr=0.0, **kwargs)
    out = []
    for value in series:
        param.grad = torch.tensor([value], dtype=torch.float64)
        optimizer.step()
        out.append(float(optimizer.state[param][key].item()))
    return out


def weighted_average(series: list[float], beta: float) -> tuple[list[float], list[float]]:
    """The notes' formula, S_t = β·S_{t−1} + (1−β)·Y_t from S_0 = 0, and S_t / (1 − β^t)."""
    average, corrected, s = [], [], 0.0
    for t, y in enumerate(series, start=1):
        s = beta * s + (1 - beta) * y
        average.append(s)
        corrected.append(s / (1 - beta**t))
    return average, corrected


def ewa(beta: float = EwaConfig.beta, n: int = EwaConfig.n, seed: int = EwaConfig.seed) -> dict[str, Any]:
    """The series, its average with and without bias correction, and torch.optim's own copies."""
    for name, value in (("beta", beta), ("n", n), ("seed", seed)):
        within(_HINTS[name], value, name)  # the bounds EwaConfig declares
    series = noisy_series(n, seed)
    average, corrected = weighted_average(series, beta)
    return {
        "beta": float(beta),
        "window": 1 / (1 - beta),
        "t": list(range(1, n + 1)),
        "series": series,
        "average": average,
        "corrected": corrected,
        "adam_exp_avg": _fed_to(torch.optim.Adam, series, "exp_avg", betas=(beta, 0.999)),
        # torch starts this buffer at the first gradient instead of at 0: its own cure for the bias
        "momentum_buffer": _fed_to(torch.optim.SGD, series, "momentum_buffer", momentum=beta, dampening=beta),
    }
