"""Feature inputs: x1² and x2² let a linear model solve the circle; the code panel prints the same transform."""

import numpy as np
import pytest
import torch

from app.labs.errors import FieldError
from app.labs.training import TrainingConfig, TrainingRun, pytorch_code
from app.labs.training.features import FEATURES, feature_code, transform

SQUARES = ("x1_squared", "x2_squared")


def accuracy(features: tuple[str, ...], seed: int) -> float:
    run = TrainingRun(TrainingConfig(dataset="circle", samples=200, hidden=(), features=features, epochs=30,
                                     lr=0.1, seed=seed, data_seed=seed, network_view=False))
    while not run.finished:
        run.step()
    return run.trainees[0].curves.rows[-1][3]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_squares_let_a_linear_model_solve_the_circle(seed: int) -> None:
    assert accuracy(SQUARES, seed) >= 0.95
    assert accuracy(("x1", "x2", *SQUARES), seed) >= 0.95
    assert accuracy(("x1", "x2"), seed) <= 0.7  # a straight line cannot cut out a disc


def test_the_transform_is_the_named_functions() -> None:
    x = torch.tensor([[0.5, -2.0], [1.5, 3.0]])
    got = transform(x, tuple(FEATURES))
    want = torch.tensor([[0.5, -2.0, 0.25, 4.0, -1.0, np.sin(0.5), np.sin(-2.0)],
                         [1.5, 3.0, 2.25, 9.0, 4.5, np.sin(1.5), np.sin(3.0)]], dtype=torch.float32)
    assert torch.allclose(got, want)
    assert transform(x, ("x1", "x2")) is x  # the default costs nothing and changes no bit


def test_the_code_panel_runs_the_same_transform() -> None:
    chosen = ("sin_x2", "x1_x2", "x1_squared")
    namespace: dict = {"np": np, "x_train": np.array([[0.3, -0.7]]), "x_test": np.array([[1.1, 0.2]])}
    exec(feature_code(chosen), namespace)  # noqa: S102 - our own generated code
    want = transform(torch.tensor([[0.3, -0.7]], dtype=torch.float64), chosen).numpy()
    assert np.allclose(namespace["x_train"], want)
    code = pytorch_code(TrainingConfig(dataset="circle", hidden=(4,), features=chosen))
    assert "def features(x):" in code and "nn.Linear(3, 4)" in code
    assert "features" not in pytorch_code(TrainingConfig(dataset="circle"))


def test_the_model_sees_the_features_and_the_page_sees_the_plane() -> None:
    run = TrainingRun(TrainingConfig(dataset="circle", samples=40, hidden=(3,), features=SQUARES, epochs=1))
    assert run.trainees[0].layers[0].in_features == 2
    assert torch.equal(run.parts[0][0], run.data.x_train[:1000] ** 2)
    scene = run.scene()
    assert scene["network"]["features"] == list(SQUARES) and scene["input_dim"] == 2
    assert min(scene["points"]["train"]["x"]) < 0  # the points stay in the plane, not squared


@pytest.mark.parametrize(("features", "message"), [
    ((), "at least one"), (("x3",), "unknown feature 'x3'"), (("x1", "x1"), "named twice"),
])  # fmt: skip
def test_bad_features_name_the_field(features: tuple[str, ...], message: str) -> None:
    with pytest.raises(FieldError, match=message) as caught:
        TrainingConfig(features=features)
    assert caught.value.field == "features"


def test_features_need_a_2d_classification_set() -> None:
    with pytest.raises(FieldError, match="2D classification") as caught:
        TrainingRun(TrainingConfig(dataset="digits", features=("x1", "x2", "x1_squared")))
    assert caught.value.field == "features"
