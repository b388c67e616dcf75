"""The live training run: accuracy with defaults, regularisation effects, comparison, frames."""

import json
import math

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from app.labs.common.series import Series
from app.labs.errors import FieldError
from app.labs.training import TrainingConfig, TrainingRun, parse_csv
from app.labs.training.frames import GRID
from app.labs.training.run import epoch_orders, eval_every, make_loader


def train(run: TrainingRun) -> TrainingRun:
    while not run.finished:
        run.step()
    return run


def weight_norm(run: TrainingRun, which: int = 0) -> float:
    return math.sqrt(sum(float((layer.weight.detach() ** 2).sum()) for layer in run.trainees[which].layers))


def final(run: TrainingRun, which: int = 0) -> dict[str, float]:
    curves = run.frame()["runs"][which]["curves"]
    return {k: v[-1] for k, v in curves.items()}


def test_defaults_learn_the_moons() -> None:
    run = train(TrainingRun(TrainingConfig()))
    assert run.steps_done == run.total_steps == 60 * 13  # 200 training points in batches of 16
    assert final(run)["test_acc"] >= 0.97


def test_defaults_learn_the_digits() -> None:
    run = train(TrainingRun(TrainingConfig(dataset="digits", hidden=(64,), batch_size=32, epochs=10)))
    assert final(run)["test_acc"] >= 0.93


def test_curve_regression_fits_the_sine() -> None:
    run = train(TrainingRun(TrainingConfig(dataset="curve", epochs=40, noise=0.05)))
    assert final(run)["test_loss"] < 0.02
    frame = run.frame()["runs"][0]
    assert len(frame["curve"]["y"]) == len(run.scene()["curve_x"]) and "test_acc" not in frame["curves"]


def test_weight_decay_shrinks_the_weights_against_the_same_run_without() -> None:
    cfg = TrainingConfig(epochs=15, optimizer="sgd", lr=0.1, weight_decay=0.01, compare={"weight_decay": 0.0})
    run = train(TrainingRun(cfg))
    assert weight_norm(run, 0) < 0.9 * weight_norm(run, 1)


def test_l1_shrinks_the_weights_too() -> None:
    run = train(TrainingRun(TrainingConfig(epochs=10, l1=1e-3, compare={"l1": 0.0})))
    assert weight_norm(run, 0) < 0.9 * weight_norm(run, 1)


def test_clipping_bounds_the_gradient_norm() -> None:
    run = TrainingRun(TrainingConfig(epochs=3, clip_norm=0.1))
    clipped = 0
    while not run.finished:
        run.step()
        grads = [p.grad for p in run.trainees[0].model.parameters() if p.grad is not None]
        assert float(torch.nn.utils.get_total_norm(grads)) <= 0.1 + 1e-6
    recorded = run.frame()["runs"][0]["grad_norms"]["total"]  # norms before clipping
    clipped = sum(v > 0.1 for v in recorded)
    assert clipped > 0


def test_a_comparison_sees_the_same_batches() -> None:
    run = train(TrainingRun(TrainingConfig(epochs=3, compare={"lr": 0.01})))  # the same lr: a true twin
    a, b = run.frame()["runs"]
    assert a["curves"] == b["curves"] and a["weights"] == b["weights"] and a["boundary"] == b["boundary"]
    assert b["changes"] == {"lr": 0.01} and a["changes"] == {}


def test_dropout_comparison_and_eval_frames_are_deterministic() -> None:
    cfg = TrainingConfig(epochs=2, dropout=0.3, compare={"dropout": 0.0})
    one, two = train(TrainingRun(cfg)), train(TrainingRun(cfg))
    assert one.frame()["runs"][0]["curves"] == two.frame()["runs"][0]["curves"]  # masks are seeded
    assert one.frame()["runs"][0]["curves"] != one.frame()["runs"][1]["curves"]
    assert one.frame()["runs"][0]["boundary"] == one.frame()["runs"][0]["boundary"]  # eval: no dropout


def test_set_params_changes_the_optimiser_and_respects_compared_settings() -> None:
    run = TrainingRun(TrainingConfig(dropout=0.2, compare={"dropout": 0.0}))
    run.step()
    run.set_params({"lr": 0.05, "dropout": 0.4, "weight_decay": 0.001})
    main, twin = run.trainees
    assert all(g["lr"] == 0.05 for t in run.trainees for g in t.optimizer.param_groups)
    assert (
        main.optimizer.param_groups[0]["weight_decay"] == 0.001 and main.optimizer.param_groups[1]["weight_decay"] == 0
    )
    assert main.cfg.dropout == 0.4 and twin.cfg.dropout == 0.0  # the twin keeps what it is compared on
    assert run.frame()["runs"][0]["params"]["lr"] == 0.05
    with pytest.raises(FieldError) as err:
        run.set_params({"hidden": (4,)})
    assert err.value.field == "hidden"
    with pytest.raises(FieldError) as err:
        run.set_params({"lr": -1.0})
    assert err.value.field == "lr"


def test_divergence_is_reported_not_raised() -> None:
    run = TrainingRun(TrainingConfig(optimizer="sgd", lr=1e6, epochs=50, hidden=(16, 16)))
    loss = 0.0
    while not run.finished:
        loss = run.step()
    assert math.isnan(loss) and run.steps_done < run.total_steps
    frame = run.frame()
    assert frame["runs"][0]["diverged"] and "boundary" not in frame["runs"][0]


def test_frame_shapes_are_bounded_and_json_ready() -> None:
    run = TrainingRun(TrainingConfig(epochs=300, hidden=(8, 8, 8)))
    for _ in range(600):
        run.step()
    frame = run.frame()
    json.dumps(frame, allow_nan=False)
    assert run.steps_done == 600 and frame["epoch"] == 600 // 13 and frame["epochs"] == 300
    assert run.total_steps == 300 * 13 and not run.finished
    part = frame["runs"][0]
    assert len(part["grad_norms"]["layers"]) == 4 and len(part["grad_norms"]["step"]) < 2 * 120
    assert len(part["curves"]["epoch"]) == len(part["curves"]["test_acc"]) < 2 * 120
    assert len(part["weights"]) == 4 and sum(part["weights"][0]["counts"]) == 2 * 8
    z = part["boundary"]["z"]
    assert part["boundary"]["kind"] == "percent" and len(z) == len(z[0]) == GRID
    assert all(0 <= v <= 100 for row in z for v in row)
    assert sum(map(sum, part["confusion"])) == 200
    scene = run.scene()
    assert len(scene["grid"]["x"]) == GRID and len(scene["points"]["train"]["label"]) == 200
    assert scene["runs"][0]["layers"] == [[2, 8], [8, 8], [8, 8], [8, 2]]


def test_digits_frames_show_misclassified_images() -> None:
    run = TrainingRun(TrainingConfig(dataset="digits", hidden=(16,), epochs=1))
    run.step()
    part = run.frame()["runs"][0]
    assert len(part["confusion"]) == 10 and 0 < len(part["misclassified"]) <= 8
    wrong = part["misclassified"][0]
    assert len(wrong["pixels"]) == 64 and wrong["label"] != wrong["pred"]
    assert "points" not in run.scene() and run.scene()["image_shape"] == [8, 8]


def test_uploaded_points_are_drawn_in_the_users_units() -> None:
    rows = "\n".join(f"{100 + i},{i % 7},{'a' if i % 2 else 'b'}" for i in range(40))
    data = parse_csv(rows.encode())
    run = TrainingRun(TrainingConfig(dataset="csv", epochs=1), data)
    scene = run.scene()
    xs = scene["points"]["train"]["x"] + scene["points"]["test"]["x"]
    assert min(xs) == pytest.approx(100, abs=1e-3) and max(xs) == pytest.approx(139, abs=1e-3)
    assert scene["grid"]["x"][0] < 100 < 139 < scene["grid"]["x"][-1]
    with pytest.raises(FieldError) as err:
        TrainingRun(TrainingConfig(dataset="csv"))
    assert err.value.field == "dataset"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"dataset": "mnist"}, "dataset"),
        ({"batch_size": 0}, "batch_size"),
        ({"epochs": 0}, "epochs"),
        ({"lr": math.inf}, "lr"),
        ({"optimizer": "lbfgs"}, "optimizer"),
        ({"clip_norm": -1.0}, "clip_norm"),
        ({"compare": {"seed": 1}}, "compare.seed"),
        ({"compare": {"lr": 0.0}}, "compare.lr"),
        ({"compare": {}}, "compare"),
    ],
)
def test_bad_config_names_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(FieldError) as err:
        TrainingConfig(**kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


def test_batch_norm_refuses_batches_of_one() -> None:
    with pytest.raises(FieldError) as err:
        TrainingRun(TrainingConfig(batch_norm=True, batch_size=1))
    assert err.value.field == "batch_size"


def test_series_thins_itself_but_spans_the_run() -> None:
    series = Series(limit=10)
    for i in range(1000):
        series.add(float(i), [float(i)])
    assert 10 <= len(series.x) < 20 and series.x[0] == 0.0 and series.x[-1] > 900


def test_fast_loader_gives_dataloaders_own_batches() -> None:
    x, y = torch.arange(50.0).reshape(25, 2), torch.arange(25)
    standard = DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(3))
    fast = make_loader(x, y, 4, seed=3)
    state = torch.random.get_rng_state()
    for _ in range(3):  # a new shuffle each epoch, the same in both
        for (a, b), (c, d) in zip(standard, fast, strict=True):
            assert torch.equal(a, c) and torch.equal(b, d)
    assert torch.equal(state, torch.random.get_rng_state())  # the global generator is left alone


def test_epoch_orders_are_the_loaders_batches_as_indices() -> None:
    x, y = torch.arange(50.0).reshape(25, 2), torch.arange(25)
    loader, orders = make_loader(x, y, 4, seed=3, drop_last=True), epoch_orders(25, 4, seed=3, drop_last=True)
    for _ in range(3):
        for (xb, yb), (index, _) in zip(loader, orders, strict=True):
            assert torch.equal(xb, x[index]) and torch.equal(yb, y[index])


def test_evaluation_cadence_comes_from_the_config_not_a_clock() -> None:
    assert TrainingRun(TrainingConfig())._eval_every == 1  # moons: evaluating is cheap, every epoch
    # 1,000 images in one batch a step: evaluating 2,000 costs most of an epoch, so every 16th
    assert eval_every(269_322, (1000, 1000), 1000, 1, 60) == 16
    assert eval_every(269_322, (1000, 1000), 1000, 1, 5) == 8  # past the run's 5 epochs: only the last
