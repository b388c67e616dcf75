"""The live outlier fit: robust losses are dragged less; the run obeys the LiveRun contract."""

import math

import pytest

from app.labs.common.series import Series
from app.labs.errors import FieldError
from app.labs.losses.outliers import OutlierConfig, OutlierRun, make_data


def _run(config: OutlierConfig) -> OutlierRun:
    run = OutlierRun(config)
    while not run.finished:
        run.step()
    return run


def test_l1_line_is_dragged_less_than_mse_line() -> None:
    config = OutlierConfig(steps=600, seed=3)
    fits = {f["loss"]: f for f in _run(config).frame()["fits"]}
    drag = {name: abs(f["w"] - config.true_w) for name, f in fits.items()}
    assert drag["l1"] < 0.5 < drag["mse"]
    assert drag["smooth_l1"] < drag["mse"]
    # MSE ends at least squares: the outliers lift the line (positive offset, rightmost points)
    assert fits["mse"]["w"] > config.true_w


def test_same_seed_same_data_and_fits() -> None:
    a, b = make_data(OutlierConfig(seed=5)), make_data(OutlierConfig(seed=5))
    assert all(bool((u == v).all()) for u, v in zip(a, b, strict=True))
    assert int(a[2].sum()) == OutlierConfig().outliers
    fa = _run(OutlierConfig(steps=20, seed=5)).frame()["fits"]
    fb = _run(OutlierConfig(steps=20, seed=5)).frame()["fits"]
    assert fa == fb


def test_frame_shape_and_set_params() -> None:
    run = OutlierRun(OutlierConfig(steps=10, losses=("l1", "mse", "smooth_l1", "huber")))
    loss = run.step()
    assert math.isfinite(loss) and run.steps_done == 1
    run.set_params({"lr": 0.2})
    run.step()
    frame = run.frame()
    assert frame["lr"] == 0.2
    assert [f["loss"] for f in frame["fits"]] == ["l1", "mse", "smooth_l1", "huber"]
    assert len(frame["points"]["x"]) == OutlierConfig().samples
    assert frame["fits"][0]["history"]["step"] == [0, 1]
    assert all(g["lr"] == 0.2 for f in run.fits for g in f.optimizer.param_groups)
    with pytest.raises(FieldError) as info:
        run.set_params({"lr": -1})
    assert info.value.field == "lr"
    with pytest.raises(FieldError) as info:
        run.set_params({"momentum": 0.9})
    assert info.value.field == "momentum"


def test_divergence_is_reported_per_fit() -> None:
    run = OutlierRun(OutlierConfig(steps=200, lr=9.0, losses=("mse", "l1")))
    while not run.finished:
        run.step()
    fits = {f["loss"]: f for f in run.frame()["fits"]}
    assert fits["mse"]["diverged"] is True
    assert fits["l1"]["diverged"] is False


def test_history_is_downsampled() -> None:
    history = Series(limit=4)  # the record behind each fit's "history"
    for step in range(100):
        history.add(step, [float(step)])
    snap = {"step": history.x}
    assert len(snap["step"]) <= 9 and snap["step"][0] == 0
    assert snap["step"] == sorted(snap["step"])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"samples": 1}, "samples"),
        ({"outliers": 40}, "outliers"),
        ({"noise": -1.0}, "noise"),
        ({"lr": 0.0}, "lr"),
        ({"optimizer": "lbfgs"}, "optimizer"),
        ({"steps": 0}, "steps"),
        ({"losses": ("l1", "l1")}, "losses"),
        ({"losses": ("hinge",)}, "losses"),
        ({"beta": -1.0}, "beta"),
    ],
)
def test_bad_config_names_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(FieldError) as info:
        OutlierRun(OutlierConfig(**kwargs))
    assert info.value.field == field
