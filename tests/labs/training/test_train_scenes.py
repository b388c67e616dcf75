"""The vanishing-gradient scene and the polynomial under/over-fitting scene."""

import math

import numpy as np
import pytest
import torch

from app.labs.errors import FieldError
from app.labs.training import PolynomialConfig, VanishingConfig, polynomial_scene, vanishing_scene
from app.labs.training.polynomial import basis, fit, truth
from app.labs.training.vanishing import layer_gradient_norms


def test_deep_sigmoid_gradients_vanish_where_relu_kaiming_and_batch_norm_do_not() -> None:
    scene = vanishing_scene(VanishingConfig())
    nets = {n["name"]: n["grad_norms"] for n in scene["nets"]}
    assert scene["layers"] == list(range(1, 12)) and all(len(v) == 11 for v in nets.values())
    sigmoid, relu, bn = nets["sigmoid"], nets["relu_kaiming"], nets["sigmoid_batchnorm"]
    assert sigmoid[0] < 1e-4 * relu[0]  # orders of magnitude at the first layer
    assert sigmoid[0] < 1e-4 * bn[0]
    assert all(a < b for a, b in zip(sigmoid, sigmoid[1:], strict=False))  # shrinking layer by layer, backwards
    assert relu[0] > 1e-2 * relu[-1]


def test_layer_gradient_norms_are_autograds() -> None:
    first, last = torch.nn.Linear(2, 3), torch.nn.Linear(3, 2)
    model = torch.nn.Sequential(first, torch.nn.Sigmoid(), last)
    x, y = torch.randn(5, 2), torch.tensor([0, 1, 1, 0, 1])
    norms = layer_gradient_norms(model, x, y)
    loss = torch.nn.functional.cross_entropy(model(x), y)
    grads = torch.autograd.grad(loss, [first.weight, last.weight])
    assert norms == pytest.approx([float(g.norm()) for g in grads])


def test_vanishing_bad_net_names_the_field() -> None:
    with pytest.raises(FieldError) as err:
        VanishingConfig(nets=("swish",))
    assert err.value.field == "nets"


def test_legendre_basis_spans_the_same_polynomials() -> None:
    x = torch.linspace(-2, 2, 9, dtype=torch.float64)
    torch.testing.assert_close(basis(x, 3)[:, 3], 0.5 * (5 * (x / 2) ** 3 - 3 * (x / 2)))
    y = truth(x)
    w = fit(x, y, 3)  # the cubic truth is fitted exactly
    torch.testing.assert_close(basis(x, 3) @ w, y)


def test_least_squares_matches_numpy_polyfit() -> None:
    rng = np.random.RandomState(0)
    x, y = rng.uniform(-2, 2, 30), rng.normal(size=30)
    ours = basis(torch.from_numpy(x), 5) @ fit(torch.from_numpy(x), torch.from_numpy(y), 5)
    theirs = np.polyval(np.polyfit(x, y, 5), x)
    np.testing.assert_allclose(ours.numpy(), theirs, atol=1e-9)


def test_small_sample_overfits_and_large_sample_does_not() -> None:
    scene = polynomial_scene(PolynomialConfig())
    small, large = scene["samples"]
    assert scene["degrees"] == list(range(1, 21)) and len(small["curves"]) == 20
    assert len(small["curves"][0]) == len(scene["x"]) == len(scene["truth"])
    # training error never rises with the degree; with 15 points, degree 14+ interpolates
    assert all(b <= a * (1 + 1e-6) + 1e-12 for a, b in zip(small["train_mse"], small["train_mse"][1:], strict=False))
    assert small["train_mse"][14 - 1] < 1e-12
    # degree 1 under-fits both; degree 3 is near the noise floor; degree 20 over-fits only the small sample
    assert small["test_mse"][0] > 1.0 and large["test_mse"][0] > 1.0
    assert large["test_mse"][2] < 2 * scene["noise_floor"]
    assert small["test_mse"][19] > 1e3 * small["test_mse"][2]
    assert large["test_mse"][19] < 5 * large["test_mse"][2]


def test_weight_decay_tames_the_small_sample() -> None:
    plain = polynomial_scene(PolynomialConfig())["samples"][0]["test_mse"][19]
    ridge = polynomial_scene(PolynomialConfig(weight_decay=0.01))["samples"][0]["test_mse"][19]
    assert ridge < 1e-3 * plain and math.isfinite(ridge)


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"max_degree": 21}, "max_degree"), ({"small": 1}, "small"), ({"noise": -1.0}, "noise")]
)
def test_polynomial_bad_values_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(FieldError) as err:
        PolynomialConfig(**kwargs)  # type: ignore[arg-type]
    assert err.value.field == field
