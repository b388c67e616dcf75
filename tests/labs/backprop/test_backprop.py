"""The 2-2-2 network: the notes' numbers, hand derivation against autograd, the walk-through."""

import pytest
import torch

from app.labs.backprop import chain_rule_demo, example, make_config
from app.labs.backprop.network import ACTIVATIONS, BIASES, PARAMS, WEIGHTS
from app.labs.errors import FieldError


def test_forward_values_match_the_notes() -> None:
    fw = example()["forward"]
    assert round(fw["h1"], 4) == 0.5933
    assert round(fw["h2"], 4) == 0.5969
    assert round(fw["net_h2"], 4) == 0.3925  # the notes' "h2 = 0.3925" is the sum before sigmoid
    assert round(fw["net_o2"], 4) == 1.2249
    assert round(fw["o1"], 4) == 0.7514
    assert round(fw["o2"], 4) == 0.7729


def test_gradients_and_update_match_the_notes() -> None:
    r = example()  # lr 0.5, as the notes' hand update
    g, new = r["gradients"], r["updated"]
    assert r["loss"] == pytest.approx(0.298371109, abs=1e-9)
    assert g["w5"] == pytest.approx(0.082167041, abs=1e-9)
    assert g["w7"] == pytest.approx(-0.022602540, abs=1e-9)
    assert g["w1"] == pytest.approx(0.000438568, abs=1e-9)
    assert new["w5"] == pytest.approx(0.358916480, abs=1e-9)
    assert new["w6"] == pytest.approx(0.408666186, abs=1e-9)
    assert new["w7"] == pytest.approx(0.511301270, abs=1e-9)
    assert new["w8"] == pytest.approx(0.561370121, abs=1e-9)
    assert new["w1"] == pytest.approx(0.149780716, abs=1e-9)
    assert new["w2"] == pytest.approx(0.19956143, abs=1e-8)
    assert new["w3"] == pytest.approx(0.24975114, abs=1e-8)
    assert new["w4"] == pytest.approx(0.29950229, abs=1e-8)
    assert r["autograd_max_abs_diff"] < 1e-15


def test_mse_loss_equals_half_sum_of_squares_and_sgd_lr_0_1() -> None:
    r = example(lr=0.1)  # the notes' MyNet: MSELoss and optim.SGD(lr=0.1)
    assert r["autograd"]["mse_loss"] == pytest.approx(r["loss"], abs=1e-15)
    assert r["updated"]["w5"] == pytest.approx(0.4 - 0.1 * 0.082167041, abs=1e-9)
    assert r["updated"]["b_o1"] == pytest.approx(0.6 - 0.1 * r["gradients"]["b_o1"], abs=1e-15)


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("seed", range(4))
def test_hand_derivation_equals_autograd_for_random_networks(activation: str, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)

    def draw(n: int) -> list[float]:
        return (torch.randn(n, generator=gen, dtype=torch.float64) * 1.5).tolist()

    r = example(
        inputs=draw(2),
        targets=draw(2),
        weights=dict(zip(WEIGHTS, draw(8), strict=True)),
        biases=dict(zip(BIASES, draw(4), strict=True)),
        lr=0.3,
        activation=activation,
    )
    auto = r["autograd"]["gradients"]
    for p in PARAMS:
        assert r["gradients"][p] == pytest.approx(auto[p], abs=1e-12)
        old = r["config"]["weights"].get(p, r["config"]["biases"].get(p))
        assert r["updated"][p] == pytest.approx(old - 0.3 * r["gradients"][p], abs=1e-12)
    assert r["autograd_max_abs_diff"] < 1e-12
    assert r["autograd"]["loss"] == pytest.approx(r["loss"], abs=1e-12)


def test_walkthrough_factors_multiply_to_the_gradients() -> None:
    r = example()
    steps = r["walkthrough"]
    assert [s["param"] for s in steps] == [
        "w5", "w6", "w7", "w8", "b_o1", "b_o2", "w1", "w2", "w3", "w4", "b_h1", "b_h2",
    ]  # fmt: skip
    for s in steps:
        product = 1.0
        for f in s["factors"]:
            product *= f["value"]
            if "terms" in f:
                assert f["value"] == pytest.approx(sum(t["value"] for t in f["terms"]), abs=1e-15)
        assert product == pytest.approx(s["gradient"], abs=1e-15)
        assert s["gradient"] == r["gradients"][s["param"]]
    w5 = steps[0]["factors"]
    assert [round(f["value"], 8) for f in w5] == [0.74136507, 0.18681560, 0.59326999]
    assert [f["edges"] for f in w5] == [[["o1", "E"]], [["net_o1", "o1"]], [["w5", "net_o1"]]]


def test_biases_accept_the_notes_layer_names() -> None:
    assert make_config(biases={"b1": 0.35, "b2": 0.6}) == make_config()
    r = example(biases={"b1": 0.0})
    assert r["config"]["biases"] == {"b_h1": 0.0, "b_h2": 0.0, "b_o1": 0.6, "b_o2": 0.6}


def test_chain_rule_demo_from_the_notes() -> None:
    r = chain_rule_demo()  # x = 1, w = b = 0: sigmoid'(0) = 0.25
    assert r["grad_w"] == 0.25 and r["grad_b"] == 0.25
    assert r["autograd"] == {"grad_w": 0.25, "grad_b": 0.25}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"inputs": [0.1]}, "inputs"),
        ({"inputs": [0.1, "a"]}, "inputs[1]"),
        ({"targets": [0.1, float("nan")]}, "targets[1]"),
        ({"weights": {"w9": 1.0}}, "weights.w9"),
        ({"weights": {"w1": 1e9}}, "weights.w1"),
        ({"biases": {"b1": 0.1, "b_h1": 0.2}}, "biases.b1"),
        ({"biases": {"bias": 0.1}}, "biases.bias"),
        ({"lr": 0}, "lr"),
        ({"activation": "gelu"}, "activation"),
    ],
)
def test_bad_values_name_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(FieldError) as info:
        example(**kwargs)
    assert info.value.field == field
