"""The gradient-descent lab against the notes (002), a hand-computed SGD step and least squares."""

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from app.labs import descent
from app.labs.errors import FieldError


def test_data_is_the_notes_data() -> None:
    np.random.seed(0)  # the notes' own generation code, on the global generator
    x = 2 * np.random.rand(100, 1)
    y = 3 + 2 * x + np.random.randn(100, 1) * 0.5
    x_lab, y_lab = descent.notes_data()
    np.testing.assert_array_equal(x_lab, x)
    np.testing.assert_array_equal(y_lab, y)


@pytest.mark.parametrize(("variant", "updates"), [("batch", 50), ("stochastic", 5000), ("minibatch", 250)])
def test_update_counts_match_the_notes(variant: str, updates: int) -> None:
    result = descent.run(variant)
    assert result["updates"] == updates
    assert len(result["losses"]) == updates
    assert len(result["path"]) == updates + 1  # the start is included


def test_uneven_batches_count_the_short_last_batch() -> None:
    assert descent.run("minibatch", batch_size=30, epochs=2)["updates"] == 2 * 4


def test_shuffle_changes_the_order_between_epochs_and_is_seeded() -> None:
    x, y = (torch.from_numpy(a).float() for a in descent.notes_data())
    loader = descent.make_loader(x, y, 20, seed=0)
    first = torch.cat([d for d, _ in loader])[:, 0]
    second = torch.cat([d for d, _ in loader])[:, 0]
    assert not torch.equal(first, second)
    assert torch.equal(torch.sort(first).values, torch.sort(second).values)  # same samples, new order
    again = torch.cat([d for d, _ in descent.make_loader(x, y, 20, seed=0)])[:, 0]
    assert torch.equal(first, again)


def test_first_batch_update_is_a_hand_computed_sgd_step() -> None:
    x, y = descent.notes_data()
    x, y = x[:, 0].astype(np.float32).astype(np.float64), y[:, 0].astype(np.float32).astype(np.float64)
    w0, b0 = descent.start_point(0)
    residual = w0 * x + b0 - y
    grad_w, grad_b = np.mean(2 * residual * x), np.mean(2 * residual)
    result = descent.run("batch", epochs=1, lr=0.01)
    assert result["path"][0] == [w0, b0]
    assert result["path"][1] == pytest.approx([w0 - 0.01 * grad_w, b0 - 0.01 * grad_b], abs=1e-5)
    assert result["losses"][0] == pytest.approx(np.mean(residual**2), rel=1e-5)


def test_least_squares_is_the_closed_form() -> None:
    x, y = descent.notes_data()
    design = np.hstack([x, np.ones_like(x)])
    w, b = np.linalg.solve(design.T @ design, design.T @ y)[:, 0]
    ls = descent.run("batch", epochs=1)["least_squares"]
    assert ls["w"] == pytest.approx(w, abs=1e-4)
    assert ls["b"] == pytest.approx(b, abs=1e-4)


@pytest.mark.parametrize(("variant", "epochs", "lr"), [("batch", 2000, 0.05), ("minibatch", 400, 0.05)])
def test_enough_epochs_reach_least_squares(variant: str, epochs: int, lr: float) -> None:
    result = descent.run(variant, epochs=epochs, lr=lr)
    assert result["w"] == pytest.approx(result["least_squares"]["w"], abs=0.03)
    assert result["b"] == pytest.approx(result["least_squares"]["b"], abs=0.03)


def test_race_shares_one_clock_of_examples() -> None:
    live = descent.DescentRun(descent.DescentConfig())
    assert live.total_ticks == 50 * 100  # stochastic sets the tick: one example
    for _ in range(100):
        live.step()
    frame = live.frame()
    assert frame["epoch"] == 1.0 and frame["examples_seen"] == 100
    assert [v["updates"] for v in frame["variants"]] == [1, 100, 5]
    while not live.finished:
        live.step()
    frame = live.frame()
    assert [v["updates"] for v in frame["variants"]] == [50, 5000, 250]
    assert all(len(v["epoch_losses"]) == 51 for v in frame["variants"])
    assert all(len(v["path"]) <= descent.MAX_FRAME_POINTS + 1 for v in frame["variants"])
    # the race and the one-shot endpoint walk the same path
    assert frame["variants"][2]["w"] == descent.run("minibatch")["w"]


def test_race_without_stochastic_ticks_by_the_smallest_batch() -> None:
    live = descent.DescentRun(descent.DescentConfig(variants=("batch", "minibatch"), epochs=2))
    assert live.tick == 20 and live.total_ticks == 10
    live.step()
    assert [v["updates"] for v in live.frame()["variants"]] == [0, 1]


def test_set_params_changes_lr_and_rejects_others() -> None:
    live = descent.DescentRun(descent.DescentConfig(variants=("minibatch",)))
    live.set_params({"lr": 0.1})
    assert live.frame()["lr"] == 0.1
    with pytest.raises(FieldError) as err:
        live.set_params({"lr": -1})
    assert err.value.field == "lr"
    with pytest.raises(FieldError) as err:
        live.set_params({"epochs": 3})
    assert err.value.field == "epochs"


def test_too_large_lr_diverges_and_is_reported() -> None:
    live = descent.DescentRun(descent.DescentConfig(variants=("batch",), lr=5.0, epochs=1000))
    loss = 0.0
    while not live.finished:
        loss = live.step()
    assert not math.isfinite(loss)
    assert live.frame()["variants"][0]["diverged"]
    assert live.steps_done < live.total_ticks


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"variant": "adam"}, "variant"),
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": 101}, "batch_size"),
        ({"epochs": 0}, "epochs"),
        ({"lr": math.nan}, "lr"),
        ({"samples": 1}, "samples"),
        ({"variant": "stochastic", "epochs": 1000, "max_updates": 10_000}, "epochs"),
    ],
)
def test_bad_values_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(FieldError) as err:
        descent.run(**kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


def test_scene_contour_is_the_mse_and_holds_start_and_target() -> None:
    live = descent.DescentRun(descent.DescentConfig())
    scene = live.scene(grid=30)
    c = scene["contour"]
    assert len(c["mse"]) == len(c["b"]) == 30 and len(c["mse"][0]) == len(c["w"]) == 30
    x, y = descent.notes_data()
    i, j = 7, 11
    expected = float(np.mean((c["w"][j] * x + c["b"][i] - y) ** 2))
    assert c["mse"][i][j] == pytest.approx(expected)
    for w, b in (scene["start"], (scene["least_squares"]["w"], scene["least_squares"]["b"])):
        assert c["w"][0] < w < c["w"][-1] and c["b"][0] < b < c["b"][-1]


def test_pytorch_code_runs_and_matches_the_lab() -> None:
    cfg = descent.DescentConfig(variants=("minibatch",), epochs=3)
    script = descent.pytorch_code(cfg)
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    result = descent.run("minibatch", epochs=3)
    assert out.strip().splitlines()[-1] == f"updates=15 w={result['w']:.3f} b={result['b']:.3f}"


def test_lab_imports_no_web_code() -> None:
    probe = (
        "import sys, app.labs.descent, app.labs.training\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in {'fastapi', 'starlette', 'pydantic', 'jinja2'}"
        " or m.startswith(('app.web', 'app.runs'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, cwd=Path(__file__).parents[3])
