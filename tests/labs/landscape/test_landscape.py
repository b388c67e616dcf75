"""The Loss-landscape lab against independent computations: loaded models, sklearn's PCA, closed forms."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.decomposition import PCA  # type: ignore[import-untyped]
from torch import nn

from app.labs.errors import FieldError
from app.labs.landscape import LandscapeConfig, roughness, surface
from app.labs.landscape.directions import pca_directions, project, random_direction
from app.labs.landscape.model import build_model

TINY = {"epochs": 3, "grid": 5, "samples": 60}


def rebuild(params: dict, hidden: list[int], inputs: int, outputs: int) -> nn.Sequential:
    """An nn.Sequential of Linear and ReLU built from the response alone."""
    widths = [inputs, *hidden, outputs]
    layers: list[nn.Module] = []
    for a, b in zip(widths, widths[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def loss_with(model: nn.Module, vector: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> float:
    torch.nn.utils.vector_to_parameters(vector, model.parameters())
    with torch.no_grad():
        return float(F.cross_entropy(model(x), y))


@pytest.mark.parametrize("directions", ["random", "pca"])
def test_every_grid_point_is_the_loss_of_a_model_loaded_with_those_weights(directions):
    r = surface(LandscapeConfig(directions=directions, **TINY), return_parameters=True, max_parameters=10_000)
    p = r["parameters"]
    center, d1, d2 = (torch.tensor(p[k]) for k in ("center", "d1", "d2"))
    x, y = torch.tensor(p["inputs"]), torch.tensor(p["targets"], dtype=torch.int64)
    model = rebuild(p, [16, 16], 2, 2)
    assert sum(q.numel() for q in model.parameters()) == len(center)
    assert r["loss"][2][2] == pytest.approx(r["center_loss"], abs=1e-6)  # the centre is the trained weights
    assert loss_with(model, center, x, y) == pytest.approx(r["center_loss"], abs=1e-5)
    for i, j in [(0, 0), (0, 4), (3, 1), (4, 4), (1, 2)]:
        a, b = r["alphas"][j], r["betas"][i]
        assert r["loss"][i][j] == pytest.approx(loss_with(model, center + a * d1 + b * d2, x, y), abs=1e-5)


def test_parameters_only_for_small_models():
    r = surface(LandscapeConfig(**TINY), return_parameters=True, max_parameters=100)
    assert r["parameters"] is None
    assert surface(LandscapeConfig(**TINY))["parameters"] is None


@pytest.mark.parametrize("normalization", ["filter", "layer", "none"])
def test_normalisation_scales_rows_or_layers_and_leaves_biases(normalization):
    model = build_model(2, (8, 6), 3, "relu", False, True, torch.Generator().manual_seed(0))
    d = random_direction(model, normalization, torch.Generator().manual_seed(1))
    start = 0
    for p in model.parameters():
        part = d[start:start + p.numel()].reshape(p.shape)
        start += p.numel()
        if p.dim() == 1:  # biases and batch norm's weight and bias
            assert torch.count_nonzero(part) == 0
        elif normalization == "filter":
            torch.testing.assert_close(part.norm(dim=1), p.detach().norm(dim=1), rtol=1e-5, atol=0)
        elif normalization == "layer":
            torch.testing.assert_close(part.norm(), p.detach().norm(), rtol=1e-5, atol=0)
        else:  # a plain Gaussian draw: its rows are not the weights' norms
            assert not torch.allclose(part.norm(dim=1), p.detach().norm(dim=1), rtol=1e-2)
    assert start == len(d)


def test_pca_directions_are_sklearns_and_the_path_ends_at_the_origin():
    g = torch.Generator().manual_seed(0)
    path = torch.cumsum(torch.randn(12, 50, generator=g) * torch.linspace(3, 0.1, 50), dim=0)
    axes, ratios = pca_directions(path, path[-1])
    torch.testing.assert_close(axes @ axes.T, torch.eye(2), atol=1e-5, rtol=0)
    pca = PCA(n_components=2).fit((path - path[-1]).double().numpy())
    np.testing.assert_allclose(ratios, pca.explained_variance_ratio_, atol=1e-6)
    for k in range(2):  # the same axis up to its sign
        assert abs(float(axes[k].double() @ torch.from_numpy(pca.components_[k]))) == pytest.approx(1, abs=1e-5)
    coords = project(path, path[-1], axes)
    assert coords[-1].tolist() == [0.0, 0.0]
    assert coords[0, 0] <= 0 and coords[0, 1] <= 0  # the path walks in from the lower left


def test_pca_surface_of_a_real_path():
    r = surface(LandscapeConfig(directions="pca", **TINY))
    ev = r["explained_variance"]
    assert 0 < ev[1] <= ev[0] <= 1 and ev[0] + ev[1] <= 1 + 1e-9
    assert len(r["trajectory"]) == TINY["epochs"] + 1 and r["trajectory"][-1] == [0.0, 0.0]
    assert r["alphas"][2] == 0.0 and r["betas"][2] == 0.0
    assert max(abs(a) for a, _ in r["trajectory"]) < r["alphas"][-1]  # the plane holds the whole path


def test_the_line_passes_through_the_initial_and_final_losses():
    cfg = LandscapeConfig(**TINY)
    r = surface(cfg)
    line = r["line"]
    assert line["alphas"][10] == 0.0 and line["alphas"][30] == 1.0
    assert line["alphas"][0] == -0.5 and line["alphas"][-1] == 1.5
    model = build_model(2, (16, 16), 2, "relu", False, False, torch.Generator().manual_seed(cfg.seed))
    from app.labs.landscape.oneshot import load_data

    data = load_data(cfg)
    with torch.no_grad():
        initial = float(F.cross_entropy(model(data.x_train), data.y_train))
    assert line["train_loss"][10] == pytest.approx(initial, abs=1e-5)
    assert line["train_loss"][30] == pytest.approx(r["center_loss"], abs=1e-5)


def test_roughness_is_zero_for_a_bowl_and_about_half_for_noise():
    a = torch.linspace(-1, 1, 21)
    bowl = a[None, :] ** 2 + 0.3 * a[:, None] ** 2
    assert roughness(bowl) == 0.0
    noise = torch.rand(41, 41, generator=torch.Generator().manual_seed(0))
    assert 0.4 < roughness(noise) < 0.6
    with pytest.raises(ValueError, match="odd grid"):
        roughness(torch.zeros(4, 5))


def test_the_code_panel_script_reproduces_the_surface():
    cfg = LandscapeConfig(epochs=2, grid=5, samples=60, seed=3)
    from app.labs.landscape import pytorch_code

    scope: dict = {}
    exec(compile(pytorch_code(cfg), "landscape_script", "exec"), scope)  # noqa: S102 - our own script
    expected = surface(cfg)["loss"]
    torch.testing.assert_close(scope["loss"].double(), torch.tensor(expected, dtype=torch.float64),
                               atol=1e-5, rtol=0)


@pytest.mark.parametrize(("field", "value"), [("dataset", "mnist"), ("hidden", ()), ("grid", 2), ("lr", 0.0),
                                              ("normalization", "batch"), ("directions", "eigen")])
def test_bad_values_name_their_field(field, value):
    with pytest.raises(FieldError) as info:
        LandscapeConfig(**{field: value})
    assert info.value.field == field


def test_a_bad_comparison_names_the_compared_field():
    with pytest.raises(FieldError) as info:
        LandscapeConfig(compare={"seed": 3})
    assert info.value.field == "compare.seed"
    with pytest.raises(FieldError) as info:
        LandscapeConfig(compare={"optimizer": "lbfgs"})
    assert info.value.field == "compare.optimizer"


@pytest.mark.parametrize(("activation", "residual", "batch_norm", "dataset"), [
    ("relu", False, False, "digits"), ("tanh", True, False, "moons"), ("gelu", True, True, "spiral"),
    ("leaky_relu", False, True, "digits"), ("elu", True, True, "curve"), ("sigmoid", False, False, "curve")])
def test_the_batched_loss_is_the_loaded_models_loss(activation, residual, batch_norm, dataset):
    """PlaneLoss against the model itself, loaded with each point's weights, in evaluation mode; the
    directions move every parameter, batch norm's scale and shift included."""
    from app.labs.common.datasets import make_dataset
    from app.labs.landscape.batched import PlaneLoss
    from app.labs.landscape.model import flat, load_flat, loss_and_accuracy

    data = make_dataset(dataset, 80, 0.1, 0.5, 0)
    classify = data.task == "classification"
    hidden = (data.input_dim, 12, 12) if dataset == "digits" else (12, 12, 12)  # digits: a residual first layer
    model = build_model(data.input_dim, hidden, data.outputs, activation, residual, batch_norm,
                        torch.Generator().manual_seed(0))
    if batch_norm:  # running statistics that are not the initial 0 and 1
        model.train()
        with torch.no_grad():
            model(data.x_train)
    model.eval()
    center = flat(model)
    g = torch.Generator().manual_seed(2)
    directions = torch.randn(2, len(center), generator=g) * 0.3
    coords = torch.tensor([[0.0, 0.0], [1.0, -0.5], [-0.7, 0.9], [0.25, 0.25], [2.0, 1.5]])
    loss, acc = PlaneLoss(model, center, directions, data.x_train, data.y_train, classify)(coords, accuracy=True)
    for k, (a, b) in enumerate(coords.tolist()):
        load_flat(model, center + a * directions[0] + b * directions[1])
        with torch.no_grad():
            want, want_acc = loss_and_accuracy(model(data.x_train), data.y_train, classify)
        assert float(loss[k]) == pytest.approx(float(want), abs=1e-5, rel=1e-5)
        if classify:
            assert float(acc[k]) == float(want_acc)
    load_flat(model, center)


@pytest.mark.parametrize(("residual", "batch_norm", "dataset"), [
    (False, False, "digits"), (True, True, "spiral"), (True, False, "curve"), ("two linears", False, "moons")])
def test_chunks_of_points_reuse_their_outputs_without_mixing_points(residual, batch_norm, dataset):
    """Chunks of 2 over 7 points (2, 2, 2, 1) write into the same output tensors, residual inputs kept
    apart (also for a block of two Linears, which build_model does not make): each point's loss is the
    loaded model's, and the same as when all 7 go in one chunk."""
    from app.labs.common.datasets import make_dataset
    from app.labs.common.residual import Residual
    from app.labs.landscape.batched import PlaneLoss
    from app.labs.landscape.model import flat, load_flat, loss_and_accuracy

    data = make_dataset(dataset, 60, 0.1, 0.5, 0)
    classify = data.task == "classification"
    model = build_model(data.input_dim, (10, 10, 10), data.outputs, "relu", residual is True, batch_norm,
                        torch.Generator().manual_seed(3))
    if residual == "two linears":
        with torch.random.fork_rng():
            torch.manual_seed(3)
            model = nn.Sequential(nn.Linear(data.input_dim, 10), nn.ReLU(),
                                  Residual(nn.Sequential(nn.Linear(10, 10), nn.Tanh(), nn.Linear(10, 10))),
                                  nn.ReLU(), nn.Linear(10, data.outputs))
    model.eval()
    center = flat(model)
    directions = torch.randn(2, len(center), generator=torch.Generator().manual_seed(4)) * 0.5
    coords = torch.randn(7, 2, generator=torch.Generator().manual_seed(5))
    plane = PlaneLoss(model, center, directions, data.x_train, data.y_train, classify)
    whole, whole_acc = plane(coords, accuracy=True)
    plane.chunk = 2
    chunked, chunked_acc = plane(coords, accuracy=True)
    # the same within float32 rounding (a batched product of 2 points may round otherwise than one of 7:
    # losses near 300 differ in their last bit); a point mixed with another would be off by far more
    torch.testing.assert_close(chunked, whole, atol=1e-6, rtol=1e-6)
    torch.testing.assert_close(chunked_acc, whole_acc, equal_nan=True)
    for k, (a, b) in enumerate(coords.tolist()):
        load_flat(model, center + a * directions[0] + b * directions[1])
        with torch.no_grad():
            want, _ = loss_and_accuracy(model(data.x_train), data.y_train, classify)
        assert float(chunked[k]) == pytest.approx(float(want), abs=1e-5, rel=1e-5)
    load_flat(model, center)
    assert not plane.outputs and not plane.kept  # nothing held between calls


def test_every_data_set_name_has_its_source_in_order():
    from app.labs.landscape.config import DATASET_SOURCES, DATASETS

    assert tuple(DATASET_SOURCES) == DATASETS and DATASETS[:4] == ("moons", "circles", "spiral", "digits")
