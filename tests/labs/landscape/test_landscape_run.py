"""The live run: the LiveRun protocol, a surface that fills in, a path that grows, copies and determinism."""

import copy
import json
import math
from concurrent.futures import ThreadPoolExecutor

import torch

from app.labs.landscape import LandscapeConfig, LandscapeRun, surface

ENGINE_KEYS = {"type", "run_id", "step", "total_steps", "nonfinite"}
SMALL = {"epochs": 4, "grid": 9, "samples": 60, "directions": "pca"}


def frames(run: LandscapeRun) -> list[dict]:
    out = []
    while not run.finished:
        loss = run.step()
        assert math.isfinite(loss)
        out.append(run.frame())
    return out


def test_a_run_trains_then_fills_in_its_surface_and_ends_at_total_steps():
    run = LandscapeRun(LandscapeConfig(**SMALL), step_flops=1e5)  # a few rows a step
    assert run.steps_done == 0 and not run.finished
    seen = frames(run)
    assert run.steps_done == run.total_steps == len(seen)
    assert all(not ENGINE_KEYS & f.keys() for f in seen)
    phases = [f["phase"] for f in seen]
    assert phases[: run.train_steps - 1] == ["training"] * (run.train_steps - 1) and phases[-1] == "done"
    rows = [f["runs"][0]["surface"]["rows_done"] for f in seen if f["runs"][0]["surface"]]
    assert rows == sorted(rows) and rows[-1] == 9 and len(set(rows)) > 2  # it fills in over several steps
    paths = [len(f["runs"][0]["path"]["trajectory"]) for f in seen if f["runs"][0]["path"]]
    assert paths == sorted(paths) and paths[0] == 2 and paths[-1] == 5  # the path grows epoch by epoch
    last = seen[-1]["runs"][0]["surface"]
    assert len(last["loss"]) == 9 and all(len(row) == 9 for row in last["loss"])
    json.dumps(seen[-1], allow_nan=False)


def test_the_live_surface_is_the_one_shot_surface():
    cfg = LandscapeConfig(**{**SMALL, "directions": "random"})
    last = frames(LandscapeRun(cfg))[-1]["runs"][0]["surface"]
    expected = surface(cfg)
    assert last["alphas"] == expected["alphas"]
    for got, want in zip(last["loss"], expected["loss"]):
        assert got == [float(f"{v:.4g}") for v in want]


def test_a_comparison_trains_twins_on_the_same_data_and_seed():
    run = LandscapeRun(LandscapeConfig(**SMALL, compare={"batch_size": 8}))
    last = frames(run)[-1]
    labels = [r["label"] for r in last["runs"]]
    assert labels == ["run", "compare"] and last["runs"][1]["changes"] == {"batch_size": 8}
    assert all(r["surface"]["rows_done"] == 9 for r in last["runs"])
    assert run.train_steps == max(t.total_steps for t in run.trainees) == 4 * 4  # 30 examples, 8 a batch


def test_a_deep_copy_continues_bitwise_and_shares_the_data():
    run = LandscapeRun(LandscapeConfig(**SMALL, compare={"residual": True}))
    for _ in range(7):
        run.step()
    twin = copy.deepcopy(run)
    assert twin.data is run.data and twin.data.x_train is run.data.x_train
    assert twin.trainees[0].model is not run.trainees[0].model
    assert twin.trainees[0].optimizer.param_groups[0]["params"][0] is next(twin.trainees[0].model.parameters())
    assert frames(twin) == frames(run)


def test_runs_started_together_in_threads_give_bitwise_identical_frames():
    cfg = LandscapeConfig(**SMALL)

    def last_frame(_: int) -> str:
        torch.manual_seed(_)  # the global generator must not matter
        return json.dumps(frames(LandscapeRun(cfg))[-1])

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(last_frame, range(4)))
    assert len(set(results)) == 1


def test_set_params_changes_the_learning_rate_only():
    run = LandscapeRun(LandscapeConfig(**SMALL, compare={"lr": 0.5}))
    run.set_params({"lr": 0.02})
    assert [t.optimizer.param_groups[0]["lr"] for t in run.trainees] == [0.02, 0.5]
    assert run.frame()["runs"][0]["lr"] == 0.02
    for bad in ({"epochs": 3}, {"lr": -1.0}):
        try:
            run.set_params(bad)
        except ValueError as exc:
            assert exc.field == next(iter(bad))  # type: ignore[attr-defined]
        else:
            raise AssertionError(f"{bad} was accepted")


def test_a_copy_made_while_the_surface_fills_in_shares_the_planes_constants():
    run = LandscapeRun(LandscapeConfig(**SMALL), step_flops=1e5)
    while not run.planes or run.planes[0].rows_done == 0:
        run.step()
    twin = copy.deepcopy(run)
    mine, theirs = twin.planes[0].loss_at, run.planes[0].loss_at
    assert mine is not theirs and all(a is b for a, b in zip(mine.constants(), theirs.constants(), strict=True))
    assert twin.planes[0].loss is not run.planes[0].loss
    assert frames(twin) == frames(run)
