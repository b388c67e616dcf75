"""What the engine relies on from every live lab: deterministic runs, one way of reporting progress,
and deep copies that branch exactly."""

import copy
import threading
from collections.abc import Callable
from typing import Any

import orjson
import pytest
import torch

from app.labs.backprop import BackpropRun
from app.labs.backprop.network import BackpropConfig
from app.labs.descent import DescentConfig, DescentRun
from app.labs.initialization import InitConfig, InitializationRun, InitSpec
from app.labs.landscape import LandscapeConfig, LandscapeRun
from app.labs.losses import OutlierConfig, OutlierRun
from app.labs.optimizers import OptimizerRun, OptimizersConfig
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
    "landscape/default": lambda: LandscapeRun(LandscapeConfig()),
    "landscape/other": lambda: LandscapeRun(LandscapeConfig(
        dataset="spiral", samples=60, hidden=(8, 8, 8), batch_norm=True, optimizer="momentum", batch_size=8,
        epochs=1, seed=4, directions="pca", grid=5, compare={"residual": True, "normalization": "layer"})),
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


# a mid-run change every lab takes
CHANGES = {"initialization": {"lr": 0.2}, "losses": {"lr": 0.1}, "backprop": {"lr": 0.9}, "descent": {"lr": 0.02},
           "training": {"lr": 0.05}, "optimizers": {"lr": 0.01}, "landscape": {"lr": 0.05}}
BRANCH_AT = 3


def stepped(name: str, k: int = BRANCH_AT, change: dict[str, Any] | None = None) -> Any:
    run = RUNS[name]()
    for _ in range(k):
        run.step()
    if change:
        run.set_params(change)
    return run


@pytest.mark.parametrize("name", RUNS)
def test_a_deep_copy_branches_exactly(name):
    change = CHANGES[name.split("/")[0]]
    run = stepped(name)
    twin, branch = copy.deepcopy(run), copy.deepcopy(run)
    branch.set_params(change)  # the copy only: the original and the other copy go on as before
    original_frames = frames(run)
    assert frames(twin) == original_frames == frames(stepped(name))
    assert frames(branch) == frames(stepped(name, change=change))


def storages(obj: Any, seen: set[int] | None = None, out: dict[int, int] | None = None) -> dict[int, int]:
    """Every tensor storage reachable from ``obj``: data pointer -> bytes."""
    seen = set() if seen is None else seen
    out = {} if out is None else out
    if id(obj) in seen or isinstance(obj, (str, bytes, int, float, bool, type(None))):
        return out
    seen.add(id(obj))
    if isinstance(obj, torch.Tensor):
        storage = obj.untyped_storage()
        out[storage.data_ptr()] = storage.nbytes()
        if obj.is_leaf and obj.grad is not None:
            storages(obj.grad, seen, out)
        return out
    if isinstance(obj, dict):
        items: Any = [*obj.keys(), *obj.values()]
    elif isinstance(obj, (list, tuple, set, frozenset)):
        items = obj
    else:
        items = list(getattr(obj, "__dict__", {}).values())
    for item in items:
        storages(item, seen, out)
    return out


def copy_bytes(run: Any) -> tuple[int, int]:
    """(bytes a deep copy of ``run`` holds of its own, bytes it shares with the original)."""
    mine, theirs = storages(copy.deepcopy(run)), storages(run)
    return sum(n for p, n in mine.items() if p not in theirs), sum(n for p, n in mine.items() if p in theirs)


# Bytes of tensors a deep copy of each default run, 3 steps in, owns / shares with the original:
# initialization 16,661,784 / 474,408 (three 10-layer nets of width 256, their gradients and last
# activations / the digits); losses 48 / 270; backprop 192 / 32; descent 2,408 / 800 (paths and
# shuffles / the 100 points); training 18,936 / 36,656 (the 16-16 net, its Adam state, gradients
# and what the network view keeps of the last step / moons and the 61x61 grid); optimizers
# 73,908 / 0 (the race's path record / -); landscape 4,432 / 7,816 (the 16-16 net and its gradients /
# moons and the initial weights' checkpoint).
COPY_BYTES = {"initialization": (16_661_784, 474_408), "losses": (48, 270), "backprop": (192, 32),
              "descent": (2_408, 800), "training": (18_936, 36_656), "optimizers": (73_908, 0),
              "landscape": (4_432, 7_816)}


@pytest.mark.parametrize("lab", COPY_BYTES)
def test_copies_share_the_data_and_own_the_state(lab):
    own, shared = copy_bytes(stepped(f"{lab}/default"))
    # within a quarter of the figures above: a lab may grow a little without this test's say
    assert own == pytest.approx(COPY_BYTES[lab][0], rel=0.25)
    assert shared == pytest.approx(COPY_BYTES[lab][1], rel=0.25)
