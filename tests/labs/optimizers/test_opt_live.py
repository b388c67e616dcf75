"""The live run: frames, mid-run changes through param_groups, caps, and the LiveRun protocol."""

import math

import pytest
import torch

from app.labs.common.series import doubling as downsample
from app.labs.errors import FieldError
from app.labs.optimizers import Limits, OptimizerRun, OptimizersConfig, config_from_mapping, trajectories
from app.runs.protocol import LiveRun


def race(**kwargs) -> OptimizerRun:
    return OptimizerRun(OptimizersConfig(**kwargs))


def test_it_is_a_live_run():
    run: LiveRun = race(steps=3)
    assert run.steps_done == 0 and run.finished is False
    for _ in range(3):
        assert math.isfinite(run.step())
    assert run.steps_done == 3 and run.finished is True


def test_a_race_frame_matches_the_one_shot_trajectories():
    optimizers = [{"name": "sgd", "lr": 0.005}, {"name": "adam", "lr": 0.05, "betas": [0.8, 0.99]}]
    run = race(surface="beale", start=(1.0, 1.5), steps=20, optimizers=optimizers)
    for _ in range(12):
        run.step()
    frame = run.frame()
    assert {"mode": frame["mode"], "step": run.steps_done, "steps": run.total_steps, "finished": run.finished} == {
        "mode": "race", "step": 12, "steps": 20, "finished": False,
    }  # fmt: skip
    expected = trajectories("beale", [1.0, 1.5], 12, optimizers)["trajectories"]
    for racer, want in zip(frame["racers"], expected, strict=True):
        assert set(racer) == {"index", "name", "label", "diverged", "steps", "points", "values", "state"}
        assert racer["steps"] == list(range(13))
        assert racer["points"] == want["points"] and racer["values"] == want["values"]
        assert racer["state"]["point"] == want["points"][-1] and racer["state"]["step"] == 12
    assert [r["label"] for r in frame["racers"]] == ["sgd lr=0.005", "adam lr=0.05 betas=[0.8, 0.99]"]
    assert frame["racers"][1]["state"]["state"]["step"] == 12


def test_long_paths_are_downsampled_but_keep_the_latest_point():
    assert downsample(5, 500) == [0, 1, 2, 3, 4]
    long = downsample(10_001, 500)
    assert len(long) <= 500 and long[0] == 0 and long[-1] == 10_000
    assert set(downsample(4_000, 500)) >= set(downsample(4_001, 500)) - {4_000}  # stable as it grows
    run = race(steps=1200, optimizers=[{"name": "sgd", "lr": 0.001}], path_points=100)
    for _ in range(1000):
        run.step()
    racer = run.frame()["racers"][0]
    assert len(racer["points"]) <= 100 and racer["steps"][-1] == 1000
    assert racer["points"][-1] == racer["state"]["point"]


def test_set_params_changes_the_param_group_mid_run_as_a_plain_loop_would():
    run = race(surface="rosenbrock", start=(-1.2, 1.0), steps=50,
               optimizers=[{"name": "momentum", "lr": 0.001}, {"name": "adam", "lr": 0.01}])  # fmt: skip
    for _ in range(10):
        run.step()
    run.set_params({"lr": 0.0005, "racers": [{"index": 1, "betas": [0.5, 0.9], "lr": 0.02}]})
    for _ in range(10):
        run.step()
    frame = run.frame()
    # by hand: the same optimiser, its param group edited after ten steps
    for index, (cls, before, after) in enumerate([
        (torch.optim.SGD, {"lr": 0.001, "momentum": 0.9}, {"lr": 0.0005}),
        (torch.optim.Adam, {"lr": 0.01}, {"lr": 0.02, "betas": (0.5, 0.9)}),
    ]):  # fmt: skip
        p = torch.tensor([-1.2, 1.0], dtype=torch.float64, requires_grad=True)
        optimizer = cls([p], **before)
        for step in range(20):
            if step == 10:
                optimizer.param_groups[0].update(after)
            optimizer.zero_grad()
            ((1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2).backward()
            optimizer.step()
        assert frame["racers"][index]["points"][-1] == p.tolist()
    assert frame["racers"][1]["state"]["hyper"]["betas"] == [0.5, 0.9]
    assert run.current_config().optimizers == [
        {"name": "momentum", "lr": 0.0005}, {"name": "adam", "lr": 0.02, "betas": [0.5, 0.9]},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"momentum": 0.5}, "momentum"),
        ({"lr": -0.1}, "lr"),
        ({"racers": {"index": 0}}, "racers"),
        ({"racers": [{"index": 5, "lr": 0.1}]}, "racers[0].index"),
        ({"racers": [{"index": 0, "lr": 0.1}, {"index": 1, "amsgrad": True}]}, "racers[1].amsgrad"),
        ({"racers": [{"index": 1, "centered": True}]}, "racers[0].centered"),
        ({"racers": [{"index": 1, "momentum": 0.5}]}, "racers[1].momentum"),
        ({"racers": [{"index": 2, "momentum": 0.0}]}, "racers[2].momentum"),
        ({"racers": [{"index": 0, "alpha": 0.9}]}, "racers[0].alpha"),
    ],
)
def test_refused_changes_name_the_field_and_change_nothing(params, field):
    run = race(optimizers=[{"name": "adam"}, {"name": "rmsprop"}, {"name": "nesterov"}], steps=5)
    run.step()
    before = run.frame()
    with pytest.raises(FieldError) as caught:
        run.set_params(params)
    assert caught.value.field == field, caught.value
    assert run.frame() == before


def test_a_race_where_everyone_diverges_reports_nan_and_finishes():
    run = race(surface="rosenbrock", start=(-1.2, 1.0), steps=100, optimizers=[{"name": "sgd", "lr": 0.1}])
    losses = [run.step() for _ in range(10)]
    assert math.isnan(losses[-1]) and run.finished and run.frame()["racers"][0]["diverged"] is True
    assert all(math.isfinite(v) for v in losses[:2])


def test_a_half_diverged_race_goes_on_with_the_rest():
    run = race(surface="rosenbrock", start=(-1.2, 1.0), steps=30,
               optimizers=[{"name": "sgd", "lr": 0.1}, {"name": "adam", "lr": 0.01}])  # fmt: skip
    losses = [run.step() for _ in range(30)]
    assert all(math.isfinite(v) for v in losses) and run.finished
    assert [r["diverged"] for r in run.frame()["racers"]] == [True, False]


def test_a_swarm_frame():
    optimizers = [{"name": "adam", "lr": 0.1}, {"name": "sgd"}]
    config = OptimizersConfig(mode="swarm", surface="himmelblau", steps=40, swarm_size=400, cloud_points=30,
                              optimizers=optimizers)  # fmt: skip
    run = OptimizerRun(config)
    for _ in range(40):  # a 20 x 20 grid drawn as its 5 x 5 sub-grid (at most 30 points)
        assert math.isfinite(run.step())
    frame = run.frame()
    assert frame["mode"] == "swarm" and run.finished and frame["size"] == 400 and len(frame["starts"]) == 25
    for cloud in frame["clouds"]:
        assert set(cloud) == {"index", "name", "label", "points", "values", "basin", "counts", "mean_value", "curve"}
        assert len(cloud["points"]) == 25 and cloud["curve"]["steps"] == list(range(41))
        assert sum(cloud["counts"]["minima"]) + cloud["counts"]["moving"] == 400
    run.set_params({"racers": [{"index": 1, "lr": 0.01}]})
    assert run.frame()["clouds"][1]["label"] == "sgd lr=0.01"


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"mode": "dance"}, "mode"),
        ({"surface": "nope"}, "surface"),
        ({"expression": "x +"}, "expression"),
        ({"steps": 11}, "steps"),
        ({"optimizers": [{"name": "sgd"}] * 4}, "optimizers"),
        ({"mode": "swarm", "swarm_size": 101}, "swarm_size"),
        ({"mode": "swarm", "swarm_size": 100, "swarm_layout": "hex"}, "swarm_layout"),
        ({"path_points": 1}, "path_points"),
        ({"optimizers": [{"name": "adam", "lr": 0.1, "moment": 0.9}]}, "optimizers[0].moment"),
    ],
)
def test_caps_and_bad_configs_name_the_field(config, field):
    with pytest.raises(FieldError) as caught:
        OptimizerRun(OptimizersConfig(**{"steps": 5, **config}), Limits(max_steps=10, max_racers=3, max_swarm=100))
    assert caught.value.field == field


def test_configs_from_wire_data():
    config = config_from_mapping({"mode": "race", "start": [0.5, 1], "expression": "x^2 - y^2"})
    assert config.start == (0.5, 1.0) and config.expression == "x^2 - y^2"
    with pytest.raises(FieldError, match="colour"):
        config_from_mapping({"colour": "red"})
    with pytest.raises(FieldError) as caught:
        config_from_mapping({"start": [0, "a"]})
    assert caught.value.field == "start[1]"
