"""One-shot answers: train a network, then the whole plane around it, as plain JSON-ready data."""

import math
from typing import Any

import torch

from app.labs.common.datasets import Dataset, make_dataset
from app.labs.landscape.config import DATASET_SOURCES, LandscapeConfig
from app.labs.landscape.plane import Plane
from app.labs.landscape.trainee import Trainee

DATA_SEED = 0  # every run sees the same sample of its data set; the seed varies the network


def load_data(cfg: LandscapeConfig) -> Dataset:
    """The Training lab's data set, split half and half."""
    return make_dataset(DATASET_SOURCES[cfg.dataset], cfg.samples, cfg.noise, 0.5, DATA_SEED)


def direction_generator(cfg: LandscapeConfig) -> torch.Generator:
    """Random directions have a generator of their own: the same seed draws the same directions
    whatever the training did, so a comparison twin is looked at along the very same draws."""
    return torch.Generator().manual_seed(cfg.seed + 1)


def costs(cfg: LandscapeConfig, data: Dataset) -> tuple[int, float]:
    """What a config asks of the server before anything runs: the training updates of its largest
    network, and the multiply-adds of one surface (2 · grid² · training samples · parameters)."""
    steps, work = 0, 0.0
    for c in [cfg] if cfg.compare is None else [cfg, cfg.twin()]:
        n = len(data.x_train)
        steps = max(steps, c.epochs * math.ceil(n / min(c.batch_size, n)))
        widths = [data.input_dim, *c.hidden, data.outputs]
        params = sum((a + 1) * b for a, b in zip(widths, widths[1:])) + (4 * sum(c.hidden) if c.batch_norm else 0)
        work = max(work, 2.0 * c.grid**2 * n * params)
    return steps, work


def finite(values: Any) -> Any:
    """Nested lists with every NaN or infinity as None: strict JSON (a diverged network has no losses)."""
    if isinstance(values, list):
        return [finite(v) for v in values]
    if isinstance(values, dict):
        return {k: finite(v) for k, v in values.items()}
    if isinstance(values, float) and not math.isfinite(values):
        return None
    return values


def train(cfg: LandscapeConfig, data: Dataset) -> Trainee:
    trainee = Trainee("run", cfg, data, {})
    while trainee.training:
        trainee.train_step()
    return trainee


def surface(cfg: LandscapeConfig, return_parameters: bool = False, max_parameters: int = 0,
            data: Dataset | None = None) -> dict[str, Any]:
    """The contract of ``POST /api/landscape/surface``: the loss over the plane around the trained weights.

    ``parameters`` (the centre, both directions and the training set) is given only when asked for
    and the model has at most ``max_parameters`` parameters, so a client can recompute any point.
    """
    data = data if data is not None else load_data(cfg)
    trainee = train(cfg, data)
    plane = Plane(trainee, cfg.directions, cfg.normalization, cfg.grid, cfg.span, direction_generator(cfg))
    plane.fill(cfg.grid)
    summary = plane.summary()
    parameters = None
    if return_parameters and plane.center.numel() <= max_parameters:
        targets = data.y_train if trainee.classify else data.y_train[:, 0]
        parameters = {"center": plane.center.tolist(), "d1": plane.directions[0].tolist(),
                      "d2": plane.directions[1].tolist(), "inputs": data.x_train.tolist(),
                      "targets": targets.tolist()}
    answer: dict[str, Any] = finite({
        "alphas": summary["alphas"],
        "betas": summary["betas"],
        "loss": summary["loss"],
        "center_loss": summary["center_loss"],
        "trajectory": summary["trajectory"],
        "explained_variance": summary["explained_variance"],
        "line": summary["line"],  # beyond the contract: the 1D line from the initial weights
    })
    return answer | {"parameters": parameters}
