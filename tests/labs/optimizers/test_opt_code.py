"""The code panel's script runs on its own and lands where the lab did; the preset scenes say true things."""

import math
import subprocess
import sys

import pytest

from app.labs.optimizers import OptimizerRun, OptimizersConfig, presets, pytorch_code, trajectories
from app.labs.optimizers.config import config_from_mapping


def run_script(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.splitlines()


def test_the_race_script_reproduces_the_race_exactly():
    optimizers = [
        {"name": "nesterov", "lr": 0.01},
        {"name": "adam", "lr": 0.05, "betas": [0.8, 0.99], "start": [1.0, -1.0]},
        {"name": "adagrad", "lr": 0.2, "initial_accumulator_value": 0.1},
    ]
    config = OptimizersConfig(expression="sin(x)*y + (x - pi/4)^2/2 + y^2", start=(2.0, 1.0), steps=40,
                              optimizers=optimizers)  # fmt: skip
    code = pytorch_code(config)
    assert "torch.optim.SGD" in code and "'nesterov': True" in code and "def f(x, y):" in code
    assert "torch.sin(x) * y + (x - math.pi / 4) ** 2 / 2 + y ** 2" in code
    lines = run_script(code)
    got = trajectories({"expression": config.expression}, [2.0, 1.0], 40, optimizers)["trajectories"]
    for line, trajectory in zip(lines, got, strict=True):
        name, rest = line.split(" ", 1)
        point, value = rest.rsplit(" ", 1)
        assert name == trajectory["name"]
        assert point == repr(trajectory["points"][-1]) and float(value) == trajectory["values"][-1]


def test_the_swarm_script_runs_and_counts_basins():
    config = OptimizersConfig(mode="swarm", surface="himmelblau", steps=100, swarm_size=225, swarm_layout="random",
                              seed=5, optimizers=[{"name": "adam", "lr": 0.1}])  # fmt: skip
    code = pytorch_code(config)
    lines = run_script(code)
    assert lines[0].startswith("adam points nearest each minimum: [")
    counts = eval(lines[0].split(": ", 1)[1])  # a list literal printed by our own script
    run = OptimizerRun(config)
    for _ in range(100):
        run.step()
    lab = run.frame()["clouds"][0]["counts"]
    assert sum(counts) == 225 and counts == lab["minima"]  # after 100 Adam steps every point has arrived
    assert float(lines[1].rsplit(" ", 1)[1]) == pytest.approx(run.frame()["clouds"][0]["mean_value"], rel=1e-9)


def test_a_grid_swarm_script_has_the_same_starts():
    config = OptimizersConfig(mode="swarm", surface="saddle", steps=1, swarm_size=50, optimizers=[{"name": "sgd"}])
    assert "side = 7" in pytorch_code(config)


def test_every_preset_opens_and_asks_its_question_in_both_languages():
    scenes = presets()
    assert [s["title"]["en"] for s in scenes] == [
        "Who crosses the saddle?", "Momentum in a ravine", "AdaGrad runs out of steps", "Adam's bias correction",
        "Four minima of Himmelblau (swarm)",
    ]  # fmt: skip
    for scene in scenes:
        assert scene["question"]["en"] and scene["question"]["zh"] and scene["title"]["zh"]
        OptimizerRun(config_from_mapping(scene["config"]))  # every config is valid


def _scene(name):
    config = next(s for s in presets() if s["name"] == name)["config"]
    return trajectories(config["surface"], config["start"], config["steps"], config["optimizers"])["trajectories"]


def _first(points, test):
    return next((k for k, p in enumerate(points) if test(p)), math.inf)


def test_the_saddle_scene_sgd_leaves_last():
    sgd, momentum, adam = (_first(t["points"], lambda p: abs(p[1]) > 0.5) for t in _scene("saddle"))
    assert momentum < sgd / 3 and adam < sgd / 3 and sgd < 300


def test_the_ravine_scene_momentum_arrives_first():
    sgd, momentum, nesterov = (_first(t["points"], lambda p: math.hypot(*p) < 0.05) for t in _scene("ravine"))
    assert momentum < sgd / 2 and nesterov < sgd * 2 / 3


def test_the_adagrad_scene_adagrad_never_arrives():
    adagrad, rmsprop, adam = (_first(t["points"], lambda p: math.hypot(*p) < 0.05) for t in _scene("adagrad"))
    assert adagrad == math.inf and rmsprop < 50 and adam < 300


def test_the_bias_correction_scene_rmsprops_first_step_is_ten_times_adams():
    adam, rmsprop = (math.dist(t["points"][0], t["points"][1]) for t in _scene("bias_correction"))
    assert adam == pytest.approx(0.1 * math.sqrt(2), rel=1e-6)  # lr per coordinate
    assert rmsprop / adam == pytest.approx(10, rel=1e-5)  # 1/√(1−α) with α = 0.99, give or take eps


def test_the_himmelblau_swarm_fills_all_four_minima_and_the_optimiser_moves_the_borders():
    config = next(s for s in presets() if s["name"] == "himmelblau")["config"]
    run = OptimizerRun(config_from_mapping(config))
    while not run.finished:
        run.step()
    sgd, adam = (c["counts"] for c in run.frame()["clouds"])
    for counts in (sgd, adam):
        assert sum(counts["minima"]) == 2500 and min(counts["minima"]) > 400  # every point arrived
    assert sgd["minima"] != adam["minima"]  # same starts, other basins for some of them
