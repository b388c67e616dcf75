"""What the engine relies on from every live lab: deterministic runs, one way of reporting progress,
and deep copies that branch exactly."""

import threading
from collections.abc import Callable
from typing import Any

import orjson
import pytest

from app.labs.backprop_net import BackpropConfig
from app.labs.backprop_run import BackpropRun
from app.labs.descent import DescentConfig, DescentRun
from app.labs.initialization import InitConfig, InitializationRun, InitSpec
from app.labs.optimizers import OptimizerRun, OptimizersConfig
from app.labs.outliers import OutlierConfig, OutlierRun
from app.labs.training import TrainingConfig, TrainingRun
from app.web.registry import LIVE_LABS

RESERVED = ("type", "run_id", "step", "total_steps", "nonfinite")  # the engine writes these into every frame

# Every live lab, with its default config and one that differs in what draws random numbers.
RUNS: dict[str, Callable[[], Any]] = {
    "initialization/default": lambda: InitializationRun(InitConfig()),
    "initialization/other": lambda: InitializationRun(InitConfig(
        methods=[InitSpec("default"), InitSpec("orthogonal", gain=2.0), InitSpec("uniform", a=-0.5, b=0.5)],
        depth=4, width=32, activation="relu", batch_size=32, lr=0.1, seed=5, bins=12)),
    "losses/default": lambda: OutlierRun(OutlierConfig()),
    "losses/other": lambda: OutlierRun(OutlierConfig(samples=50, outliers=6, optimizer="adam", seed=3,
                                                     losses=("huber", "mse"), delta=0.5)),
    "backprop/default": lambda: BackpropRun(BackpropConfig()),
    "backprop/other": lambda: BackpropRun(BackpropConfig(activation="tanh", lr=0.9, weights={"w1": -0.3})),
    "descent/default": lambda: DescentRun(DescentConfig()),
    "descent/other": lambda: DescentRun(DescentConfig(variants=("minibatch", "stochastic"), batch_size=7, lr=0.05,
                                                      seed=4, samples=40)),
    "training/default": lambda: TrainingRun(TrainingConfig()),
    "training/other": lambda: TrainingRun(TrainingConfig(
        dataset="spiral", samples=120, hidden=(12, 12), dropout=0.3, batch_norm=True, init="xavier_normal",
        optimizer="momentum", batch_size=8, epochs=3, seed=2, data_seed=7,
        compare={"dropout": 0.1, "init": "orthogonal", "residual": True})),
    "optimizers/default": lambda: OptimizerRun(OptimizersConfig()),
    "optimizers/other": lambda: OptimizerRun(OptimizersConfig(
        mode="swarm", surface="himmelblau", swarm_size=400, swarm_layout="random", seed=9, cloud_points=50,
        optimizers=[{"name": "adam", "lr": 0.05}, {"name": "rmsprop", "lr": 0.01, "centered": True}])),
}
STEPS = 5
THREADS = 8


def test_every_live_lab_is_covered():
    assert {name.split("/")[0] for name in RUNS} == set(LIVE_LABS)


def frames(run: Any, steps: int = STEPS, before_step: Callable[[], object] = lambda: None) -> list[bytes]:
    out = [orjson.dumps(run.frame())]
    for _ in range(steps):
        before_step()
        run.step()
        out.append(orjson.dumps(run.frame()))
    return out


@pytest.mark.parametrize("name", RUNS)
def test_runs_in_eight_interleaving_threads_give_a_lone_runs_frames_bitwise(name):
    alone = frames(RUNS[name]())
    barrier = threading.Barrier(THREADS, timeout=60)
    streams: list[list[bytes] | BaseException] = [[] for _ in range(THREADS)]

    def work(i: int) -> None:
        try:
            barrier.wait()  # build together: every network is initialised at the same moment
            streams[i] = frames(RUNS[name](), before_step=barrier.wait)
        except BaseException as exc:  # reported below, with the others' results
            barrier.abort()
            streams[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for stream in streams:
        if isinstance(stream, BaseException):
            raise stream
        assert stream == alone


@pytest.mark.parametrize("name", RUNS)
def test_frames_leave_the_engines_keys_alone_and_progress_is_reported_one_way(name):
    run = RUNS[name]()
    assert run.steps_done == 0 and not run.finished
    assert isinstance(run.total_steps, int) and run.total_steps > STEPS
    for k in range(1, STEPS + 1):
        run.step()
        assert run.steps_done == k and not run.finished
        frame = run.frame()
        assert not set(frame) & set(RESERVED), f"{name} writes the engine's {set(frame) & set(RESERVED)}"
