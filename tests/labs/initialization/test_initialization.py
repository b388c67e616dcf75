"""The Initialisation lab against theory, torch.nn.init and its own code panel."""

import contextlib
import io
import math

import pytest
import torch
from torch import nn

from app.labs.errors import FieldError
from app.labs.initialization import InitConfig, InitializationRun, InitSpec, inspect, pytorch_code, theory_std
from app.labs.initialization.methods import apply_init, distinct_neurons

FAN_IN, FAN_OUT = 1024, 512


def measured_std(spec: InitSpec, fan_in: int = FAN_IN, fan_out: int = FAN_OUT) -> float:
    layer = nn.Linear(fan_in, fan_out)
    with torch.no_grad():
        apply_init(layer, spec, torch.Generator().manual_seed(0))
    return float(layer.weight.detach().std())


@pytest.mark.parametrize(
    ("spec", "closed_form"),
    [
        (InitSpec("xavier_normal"), math.sqrt(2 / (FAN_IN + FAN_OUT))),
        (InitSpec("xavier_uniform"), math.sqrt(2 / (FAN_IN + FAN_OUT))),
        (InitSpec("xavier_normal", gain=5 / 3), 5 / 3 * math.sqrt(2 / (FAN_IN + FAN_OUT))),
        (InitSpec("kaiming_normal", nonlinearity="relu"), math.sqrt(2 / FAN_IN)),
        (InitSpec("kaiming_normal", nonlinearity="relu", mode="fan_out"), math.sqrt(2 / FAN_OUT)),
        (InitSpec("kaiming_uniform", nonlinearity="relu"), math.sqrt(2 / FAN_IN)),
        (InitSpec("kaiming_uniform", nonlinearity="relu", mode="fan_out"), math.sqrt(2 / FAN_OUT)),
        (InitSpec("kaiming_normal", nonlinearity="tanh"), 5 / 3 / math.sqrt(FAN_IN)),
        (InitSpec("kaiming_normal", a=0.2), math.sqrt(2 / (1 + 0.2**2) / FAN_IN)),
        (InitSpec("uniform"), 1 / math.sqrt(12)),
        (InitSpec("uniform", a=-0.3, b=0.5), 0.8 / math.sqrt(12)),
        (InitSpec("normal", std=0.02), 0.02),
        (InitSpec("orthogonal"), 1 / math.sqrt(FAN_IN)),
        (InitSpec("default"), 1 / math.sqrt(3 * FAN_IN)),
    ],
    ids=lambda v: v.label if isinstance(v, InitSpec) else "",
)
def test_measured_weight_std_matches_theory(spec, closed_form):
    assert theory_std(spec, FAN_IN, FAN_OUT) == pytest.approx(closed_form, rel=1e-12)
    assert measured_std(spec) == pytest.approx(closed_form, rel=0.02)  # 524,288 draws


def test_kaiming_std_is_sqrt_two_over_fan_in_at_every_width():
    for fan_in in (64, 256, 1000):
        spec = InitSpec("kaiming_normal", nonlinearity="relu")
        assert measured_std(spec, fan_in, 800) == pytest.approx(math.sqrt(2 / fan_in), rel=0.03)


@pytest.mark.parametrize("method", ["zeros", "ones", "constant"])
def test_symmetric_inits_keep_neurons_identical_while_training(method):
    run = InitializationRun(InitConfig(methods=[InitSpec(method, val=0.77)], depth=4, width=32,
                                       activation="tanh", steps=20, lr=0.1))
    for _ in range(20):
        run.step()
    hidden = run.members[0].layers[:-1]
    assert [distinct_neurons(layer) for layer in hidden] == [1, 1, 1]
    for layer in hidden:  # why they stay identical: every neuron of a layer gets the very same gradient
        assert torch.equal(layer.weight.grad, layer.weight.grad[:1].expand_as(layer.weight.grad))
    assert float(run.members[0].layers[-1].bias.grad.abs().sum()) > 0  # while the output layer does learn


def test_random_inits_break_symmetry():
    run = InitializationRun(InitConfig(methods=[InitSpec("xavier_uniform")], depth=4, width=32, steps=5))
    run.step()
    assert [distinct_neurons(layer) for layer in run.members[0].layers] == [32, 32, 32, 10]


def test_frame_histograms_sum_to_element_count_and_share_edges():
    cfg = InitConfig(methods=[InitSpec("normal"), InitSpec("xavier_normal"), InitSpec("zeros")],
                     depth=4, width=48, batch_size=64, steps=10, bins=25)
    run = InitializationRun(cfg)
    run.step()
    frame = run.frame()
    shapes = frame["layers"]
    for li, shape in enumerate(shapes):
        for q, numel in (("weight", shape["fan_in"] * shape["fan_out"]), ("activation", 64 * shape["fan_out"]),
                         ("gradient", shape["fan_in"] * shape["fan_out"])):
            summaries = [m["layers"][li][q] for m in frame["methods"]]
            for s in summaries:
                assert sum(s["histogram"]["counts"]) + s["nonfinite"] == numel
            binned = [s for s in summaries if s["spike"] is None]
            assert all(s["histogram"]["edges"] == binned[0]["histogram"]["edges"] for s in binned)
            assert all(len(s["histogram"]["edges"]) == 26 for s in binned)
    zeros_first = frame["methods"][2]["layers"][0]
    assert zeros_first["weight"]["spike"] == 0.0 and zeros_first["weight"]["std"] == 0.0


def test_measured_std_in_frame_matches_torch():
    run = InitializationRun(InitConfig(methods=[InitSpec("kaiming_normal", nonlinearity="relu")],
                                       depth=3, width=64, activation="relu", steps=3))
    run.step()
    frame = run.frame()
    member = run.members[0]
    for li, layer in enumerate(member.layers):
        s = frame["methods"][0]["layers"][li]
        assert s["weight"]["std"] == pytest.approx(float(layer.weight.detach().std(unbiased=False)), rel=1e-5)
        assert s["gradient"]["mean"] == pytest.approx(float(layer.weight.grad.mean()), rel=1e-4, abs=1e-9)
        assert s["activation"]["std"] == pytest.approx(float(member.activations[li].std(unbiased=False)), rel=1e-5)


def test_every_method_sees_the_same_batches_and_seed():
    cfg = InitConfig(methods=[InitSpec("default"), InitSpec("default")], depth=3, width=16, steps=5)
    run = InitializationRun(cfg)
    for _ in range(5):
        run.step()
    a, b = run.members
    assert a.losses == b.losses


def test_the_code_panel_reproduces_the_run_exactly():
    cfg = InitConfig(methods=[InitSpec("xavier_normal"), InitSpec("kaiming_uniform", nonlinearity="relu"),
                              InitSpec("default")], depth=4, width=24, activation="relu", batch_size=100,
                     steps=25, lr=0.1, seed=3)
    run = InitializationRun(cfg)
    for _ in range(cfg.steps):
        run.step()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(pytorch_code(cfg), "pytorch_code", "exec"), {})  # our own generated script
    printed = [float(line.rsplit(" ", 1)[1]) for line in out.getvalue().splitlines()]
    assert printed == pytest.approx([m.losses[-1] for m in run.members], abs=2e-6)


def test_set_params_changes_the_learning_rate_of_every_optimizer():
    run = InitializationRun(InitConfig(methods=[InitSpec("normal"), InitSpec("zeros")], depth=3, width=8))
    run.set_params({"lr": 0.3})
    assert all(g["lr"] == 0.3 for m in run.members for g in m.optimizer.param_groups)
    with pytest.raises(FieldError) as bad:
        run.set_params({"lr": float("nan")})
    assert bad.value.field == "lr"  # the web layer adds the "params." of a set message


def test_inspect_reports_the_contract_fields():
    report = inspect(InitSpec("kaiming_normal", mode="fan_in", nonlinearity="relu"), depth=5, width=128,
                     activation="relu", batch_size=64, seed=0, bins=30)
    layers = report["layers"]
    assert [layer["index"] for layer in layers] == [1, 2, 3, 4, 5]
    assert (layers[0]["fan_in"], layers[0]["fan_out"], layers[4]["fan_out"]) == (64, 128, 10)
    assert layers[1]["theory_weight_std"] == pytest.approx(math.sqrt(2 / 128))
    for layer in layers:
        for q in ("weight", "activation", "gradient"):
            assert set(layer[q]) >= {"mean", "std", "histogram"}
            assert len(layer[q]["histogram"]["edges"]) == len(layer[q]["histogram"]["counts"]) + 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"method": "magic"}, "method"), ({"method": "kaiming_normal", "mode": "fan_middle"}, "mode"),
     ({"method": "uniform", "a": 2.0, "b": 1.0}, "b"), ({"method": "kaiming_normal", "nonlinearity": "swish"},
                                                        "nonlinearity")],
)
def test_bad_specs_name_their_field(kwargs, field):
    with pytest.raises(FieldError) as bad:
        InitSpec(**kwargs)
    assert bad.value.field == field


def test_tanh_xavier_keeps_activations_alive_where_small_normal_vanishes():
    """The notes' point, measured: with tanh, Xavier keeps the last layer's activation std near
    the first's, while normal(0, 0.01) shrinks it by orders of magnitude."""
    def last_over_first(spec):
        report = inspect(spec, depth=10, width=256, activation="tanh", batch_size=256, seed=0, bins=10)
        stds = [layer["activation"]["std"] for layer in report["layers"][:-1]]
        return stds[-1] / stds[0]

    assert last_over_first(InitSpec("xavier_normal")) > 0.1
    assert last_over_first(InitSpec("normal", std=0.01)) < 1e-6
