"""The MLP, its initialisation and optimisers against torch.nn / torch.optim."""

import math

import pytest
import torch
from torch import nn

from app.labs.common.residual import Residual
from app.labs.errors import FieldError
from app.labs.training.model import (
    ACTIVATIONS,
    INITS,
    OPTIMIZERS,
    SeededDropout,
    build_mlp,
    linears,
    make_optimizer,
)


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_layout_and_activation(activation: str) -> None:
    model = build_mlp(2, (8, 8, 4), 3, activation=activation, batch_norm=True)
    assert [(m.in_features, m.out_features) for m in linears(model)] == [(2, 8), (8, 8), (8, 4), (4, 3)]
    assert sum(isinstance(m, ACTIVATIONS[activation]) for m in model.modules()) == 3
    assert sum(isinstance(m, nn.BatchNorm1d) for m in model.modules()) == 3
    assert model(torch.randn(5, 2)).shape == (5, 3)


def test_residual_wraps_only_blocks_that_keep_the_width() -> None:
    model = build_mlp(2, (8, 8, 4, 4), 2, residual=True)
    assert [isinstance(block, Residual) for block in model] == [False, True, False, True, False]
    block = model[1]
    assert isinstance(block, Residual)
    x = torch.randn(3, 8)
    torch.testing.assert_close(block(x), x + block.block(x))


def test_building_leaves_the_global_generator_alone_and_is_seeded() -> None:
    state = torch.random.get_rng_state()
    a, b = build_mlp(4, (16,), 2, seed=5), build_mlp(4, (16,), 2, seed=5)
    assert torch.equal(state, torch.random.get_rng_state())
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    c = build_mlp(4, (16,), 2, seed=6)
    assert not torch.equal(linears(a)[0].weight, linears(c)[0].weight)


def test_default_init_matches_nn_linear_bounds() -> None:
    layer = linears(build_mlp(100, (50,), 2))[0]
    bound = 1 / math.sqrt(100)  # kaiming_uniform(a=√5) and the bias both give U(±1/√fan_in)
    assert layer.weight.abs().max() <= bound and layer.weight.abs().max() > 0.9 * bound
    assert layer.bias.abs().max() <= bound and layer.bias.abs().max() > 0.9 * bound


@pytest.mark.parametrize("method", INITS)
def test_init_methods_follow_torch_nn_init(method: str) -> None:
    model = build_mlp(400, (300,), 2, activation="relu", init=method, seed=0)
    w, b = linears(model)[0].weight.detach(), linears(model)[0].bias.detach()
    expected_std = {
        "zeros": 0.0, "ones": 0.0, "constant": 0.0, "uniform": 1 / math.sqrt(12), "normal": 1.0,
        "xavier_uniform": math.sqrt(2 / 700), "xavier_normal": math.sqrt(2 / 700),
        "kaiming_uniform": math.sqrt(2 / 400), "kaiming_normal": math.sqrt(2 / 400),
        "orthogonal": 1 / math.sqrt(400), "default": 1 / math.sqrt(3 * 400),
    }[method]  # fmt: skip
    assert float(w.std()) == pytest.approx(expected_std, rel=0.03, abs=1e-6)
    if method == "constant":
        assert torch.all(w == 0.77)
    if method != "default":
        assert torch.all(b == 0)


def test_dropout_is_active_in_training_and_off_in_eval() -> None:
    model = build_mlp(10, (200,), 2, dropout=0.5, seed=0)
    dropout = next(m for m in model.modules() if isinstance(m, SeededDropout))
    hidden = model[0]
    first = linears(model)[0]
    x = torch.randn(4, 10)
    model.train()
    a, b = hidden(x), hidden(x)
    assert not torch.equal(a, b)  # a new mask every call
    zeros = float((a == 0).float().mean()) - float((nn.ReLU()(first(x)) == 0).float().mean())
    assert 0.15 < zeros < 0.35  # about half of the non-zero units dropped
    model.eval()
    assert torch.equal(hidden(x), hidden(x))
    assert torch.equal(hidden(x), nn.ReLU()(first(x)))
    assert dropout.p == 0.5


def test_seeded_dropout_scales_like_nn_dropout() -> None:
    x = torch.ones(200_000)
    ours = SeededDropout(0.3, torch.Generator().manual_seed(0))(x)
    theirs = nn.Dropout(0.3)(x)
    assert ours.unique().tolist() == theirs.unique().tolist() == pytest.approx([0.0, 1 / 0.7])
    assert float((ours == 0).float().mean()) == pytest.approx(0.3, abs=0.01)
    assert float(ours.mean()) == pytest.approx(1.0, abs=0.01)  # expectation kept, as nn.Dropout does


@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.9, 1.0])
def test_seeded_dropout_is_bitwise_f_dropout_from_the_same_generator_state(p: float) -> None:
    x = torch.randn(64, 33, generator=torch.Generator().manual_seed(1)) * 3.7
    ours = SeededDropout(p, torch.Generator().manual_seed(7))(x)
    with torch.random.fork_rng():  # F.dropout draws from the global generator: give it the same state
        torch.manual_seed(7)
        theirs = nn.functional.dropout(x, p, training=True)
    assert torch.equal(ours, theirs) and torch.equal(ours.signbit(), theirs.signbit())


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizers_are_torch_optim_with_decay_on_weights_only(name: str) -> None:
    model = build_mlp(2, (4,), 2, batch_norm=True)
    opt = make_optimizer(model, name, lr=0.1, weight_decay=0.01)
    expected = {"sgd": torch.optim.SGD, "momentum": torch.optim.SGD, "nesterov": torch.optim.SGD,
                "adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam,
                "adamw": torch.optim.AdamW}[name]  # fmt: skip
    assert type(opt) is expected
    weights, others = opt.param_groups
    assert weights["weight_decay"] == 0.01 and others["weight_decay"] == 0.0
    assert {id(p) for p in weights["params"]} == {id(m.weight) for m in linears(model)}
    assert len(weights["params"]) + len(others["params"]) == len(list(model.parameters()))
    if name in ("momentum", "nesterov"):
        assert weights["momentum"] == 0.9 and weights["nesterov"] == (name == "nesterov")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"activation": "swish"}, "activation"), ({"dropout": 1.0}, "dropout"), ({"hidden": (4, 0)}, "hidden"),
     ({"init": "he"}, "init")],
)  # fmt: skip
def test_bad_model_values_name_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"inputs": 2, "hidden": (4,), "outputs": 2, **kwargs}
    with pytest.raises(FieldError) as err:
        build_mlp(**args)  # type: ignore[arg-type]
    assert err.value.field == field
    with pytest.raises(FieldError) as err:
        make_optimizer(build_mlp(2, (4,), 2), "lbfgs", 0.1)
    assert err.value.field == "optimizer"
