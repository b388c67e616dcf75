"""Each preset shows its lesson, for its own seed and for other seeds, with the measure its text names."""

import functools
from dataclasses import replace

import pytest

from app.labs.landscape import LandscapeConfig, roughness, surface
from app.labs.landscape.model import flat
from app.labs.landscape.oneshot import direction_generator, load_data, train
from app.labs.landscape.plane import Plane
from app.labs.landscape.presets import PRESETS
from app.labs.landscape.roughness import sharpness

SEEDS = range(5)  # the preset's seed 0 and four more


def config(name: str, seed: int) -> LandscapeConfig:
    fields = dict(PRESETS[name])
    fields["hidden"] = tuple(fields.get("hidden", (16, 16)))
    return LandscapeConfig(**fields, seed=seed)


def test_every_preset_is_a_valid_config_with_a_look_for_sentence():
    import json
    from pathlib import Path

    strings = json.loads((Path(__file__).parents[3] / "static" / "i18n" / "landscape.json").read_text())
    for name in PRESETS:
        config(name, 0)
        for lang in ("en", "zh"):
            assert strings[lang][f"landscape.preset.{name}.look"]


def test_skip_connections_make_a_deep_surface_smoother():
    """Roughness: the share of grid points lower than their neighbour one step toward the centre.
    The 10-layer plain MLP is rougher than the same MLP with residual connections for every seed,
    and at least twice as rough for all but one."""
    ratios = []
    for seed in SEEDS:
        cfg = config("skip", seed)
        plain = roughness(surface(_plain(cfg))["loss"])
        residual = roughness(surface(cfg.twin())["loss"])
        assert plain > residual, f"seed {seed}: plain {plain:.3f} is not rougher than residual {residual:.3f}"
        ratios.append(plain / max(residual, 1e-3))
    assert sum(r >= 2 for r in ratios) >= len(ratios) - 1, ratios


def _plain(cfg: LandscapeConfig) -> LandscapeConfig:
    return replace(cfg, compare=None)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_training_path_lies_nearly_in_a_plane_and_runs_downhill(seed):
    r = surface(config("pca", seed))
    ev = r["explained_variance"]
    assert ev[0] + ev[1] >= 0.9, ev

    loss = r["loss"]
    mid = len(loss) // 2
    start = r["trajectory"][0]
    assert start[0] < 0 and r["trajectory"][-1] == [0.0, 0.0]
    # on the plane, the start of the path is far up the slope from the minimum at the centre
    j = min(range(len(r["alphas"])), key=lambda k: abs(r["alphas"][k] - start[0]))
    i = min(range(len(r["betas"])), key=lambda k: abs(r["betas"][k] - start[1]))
    assert loss[i][j] > 1.2 * loss[mid][mid]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_line_from_the_initial_weights_falls_without_a_barrier(seed):
    line = surface(config("line", seed))["line"]
    train = line["train_loss"]
    between = train[10:31]  # α = 0, 0.05, ..., 1
    rises = [b - a for a, b in zip(between, between[1:]) if b > a]
    assert not rises or max(rises) < 1e-3 * between[0], rises
    assert between[-1] < 0.8 * between[0]
    assert train[-1] > train[30]  # and rises again beyond the trained weights


TEN_SEEDS = range(10)


def trained(name: str, seed: int, twin: bool):
    """The preset's network (or its comparison twin) trained; the presets share their small-batch run."""
    cfg = config(name, seed)
    cfg = cfg.twin() if twin else _plain(cfg)
    return _train(replace(cfg, normalization="filter", span=1.0))  # the plane does not change the training


@functools.cache
def _train(cfg: LandscapeConfig):
    return train(cfg, load_data(cfg))


def sharpness_of(trainee, name: str) -> float:
    cfg = config(name, 0)
    plane = Plane(trainee, "random", cfg.normalization, cfg.grid, cfg.span, direction_generator(trainee.cfg))
    plane.fill(cfg.grid)
    return sharpness(plane.loss, plane.center_loss)


@pytest.mark.parametrize("lesson", ["batch", "decay"])
def test_without_normalisation_sharpness_compares_weight_scales(lesson):
    """Sharpness: the mean rise of the loss over the plane (``sharpness()``). Over ten seeds the twin
    (full batch, or weight decay) ends with smaller weights every time; under filter normalisation it is
    the flatter network on at least 9 seeds; along raw directions ("none") its sharpness relative to the
    small-batch net is larger than under filter normalisation on at least 9 seeds: a fixed step is
    relatively larger for smaller weights, which is why Li et al. normalise before comparing."""
    norms, flatter, penalised = 0, 0, 0
    for seed in TEN_SEEDS:
        base, twin = trained(lesson, seed, False), trained(lesson, seed, True)
        norms += flat(twin.model).norm() < flat(base.model).norm()
        ratio = {name: sharpness_of(twin, name) / sharpness_of(base, name) for name in (lesson, f"{lesson}_none")}
        flatter += ratio[lesson] < 1
        penalised += ratio[f"{lesson}_none"] > ratio[lesson]
    assert norms == 10 and flatter >= 9 and penalised >= 9, (norms, flatter, penalised)


def test_sharpness_is_the_mean_rise_over_the_plane():
    assert sharpness([[1.0, 2.0], [3.0, 0.5]], 0.5) == pytest.approx(1.125)
    assert sharpness([[1.0, float("nan")], [3.0, 0.5]], 0.5) == pytest.approx((0.5 + 2.5 + 2.5 + 0) / 4)
