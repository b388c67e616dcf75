"""The batched race against plain torch.optim loops, one 2-element parameter per optimiser."""

import math

import pytest
import torch

from app.labs.errors import FieldError
from app.labs.optimizers.race import Race, trajectories
from app.labs.optimizers.specs import parse_specs
from app.labs.optimizers.surfaces import SURFACES, Surface

CLASSES = {
    "sgd": torch.optim.SGD, "momentum": torch.optim.SGD, "nesterov": torch.optim.SGD, "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
}  # fmt: skip
# every name, and every hyperparameter at least once off its default
RACERS = [
    {"name": "sgd", "lr": 0.001},
    {"name": "sgd", "lr": 0.0005, "weight_decay": 0.1},
    {"name": "momentum", "lr": 0.0005},
    {"name": "momentum", "lr": 0.0005, "momentum": 0.5, "dampening": 0.3},
    {"name": "nesterov", "lr": 0.0005, "momentum": 0.8, "weight_decay": 0.01},
    {"name": "adagrad", "lr": 0.3},
    {"name": "adagrad", "lr": 0.3, "lr_decay": 0.01, "initial_accumulator_value": 0.5, "eps": 1e-6},
    {"name": "rmsprop", "lr": 0.01},
    {"name": "rmsprop", "lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True, "weight_decay": 0.01},
    {"name": "adam", "lr": 0.05},
    {"name": "adam", "lr": 0.05, "betas": [0.8, 0.99], "eps": 1e-6, "amsgrad": True, "weight_decay": 0.01},
    {"name": "adamw", "lr": 0.05},
    {"name": "adamw", "lr": 0.05, "betas": [0.5, 0.9], "weight_decay": 0.1, "amsgrad": True},
]
DEFAULTS = {"momentum": {"momentum": 0.9}, "nesterov": {"momentum": 0.9, "nesterov": True}}


def torch_kwargs(racer):
    kwargs = {**DEFAULTS.get(racer["name"], {}), **{k: v for k, v in racer.items() if k not in ("name", "start")}}
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    return kwargs


def plain_loop(surface, start, steps, racer):
    """What a student would write: one parameter, one optimiser, one forward/backward per step."""
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer = CLASSES[racer["name"]]([p], **torch_kwargs(racer))
    points, values = [p.tolist()], []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = surface(p[0], p[1])
        values.append(loss.item())
        if not math.isfinite(loss.item()):
            break
        loss.backward()
        optimizer.step()
        points.append(p.tolist())
    values.append(surface(p[0], p[1]).item())
    return points, values, optimizer, p


def assert_same_path(got, points, values, tol=1e-12):
    assert len(got["points"]) == len(points)
    torch.testing.assert_close(torch.tensor(got["points"]), torch.tensor(points), rtol=tol, atol=tol)
    torch.testing.assert_close(torch.tensor(got["values"]), torch.tensor(values), rtol=tol, atol=tol)


@pytest.mark.parametrize("surface", ["rosenbrock", "himmelblau"])
@pytest.mark.parametrize("chunk", [RACERS[:7], RACERS[7:]])  # at most eight racers race at once
def test_every_optimiser_matches_a_plain_torch_optim_loop(surface, chunk):
    start, steps = [-1.2, 1.0], 150
    got = trajectories(surface, start, steps, chunk)["trajectories"]
    for racer, trajectory in zip(chunk, got, strict=True):
        points, values, _, _ = plain_loop(SURFACES[surface], start, steps, racer)
        assert trajectory["name"] == racer["name"] and trajectory["diverged"] is False
        assert_same_path(trajectory, points, values)


def test_the_response_has_exactly_the_wire_shape():
    result = trajectories({"name": "saddle"}, [-1.5, 0.01], 4, [{"name": "sgd", "lr": 0.1}])
    assert list(result) == ["trajectories"]
    (t,) = result["trajectories"]
    assert list(t) == ["name", "points", "values", "diverged"]
    assert t["points"][0] == [-1.5, 0.01] and len(t["points"]) == len(t["values"]) == 5
    assert t["points"][1] == pytest.approx([-1.5 + 0.1 * 3.0, 0.01 * 1.2], rel=1e-15)  # x -= lr·2x, y += lr·2y
    assert all(isinstance(v, float) for v in t["values"])


def test_racers_may_each_start_somewhere_else_and_on_a_custom_surface():
    racers = [{"name": "adam", "lr": 0.1, "start": [2.0, -1.0]}, {"name": "adam", "lr": 0.1}]
    got = trajectories({"expression": "x^2 + 3*y^2 + sin(x)"}, [0.5, 0.5], 30, racers)["trajectories"]
    surface = Surface("c", "", ((0, 1), (0, 1)), (0, 0), (), lambda x, y: x**2 + 3 * y**2 + torch.sin(x))
    for racer, start, trajectory in zip(racers, [[2.0, -1.0], [0.5, 0.5]], got, strict=True):
        assert_same_path(trajectory, *plain_loop(surface, start, 30, racer)[:2])


def test_a_diverging_racer_stops_at_its_last_finite_point_and_spares_the_others():
    racers = [{"name": "sgd", "lr": 0.1}, {"name": "adam", "lr": 0.01}]
    got = trajectories("rosenbrock", [-1.2, 1.0], 100, racers)["trajectories"]
    blown, calm = got
    assert blown["diverged"] is True and calm["diverged"] is False
    assert 2 <= len(blown["points"]) < 20 and len(blown["points"]) == len(blown["values"])
    assert all(math.isfinite(v) for p in blown["points"] for v in p) and all(map(math.isfinite, blown["values"]))
    points, values, _, _ = plain_loop(SURFACES["rosenbrock"], [-1.2, 1.0], 100, racers[0])
    n = len(blown["points"])
    assert blown["points"] == points[:n] and blown["values"] == values[:n]
    assert_same_path(calm, *plain_loop(SURFACES["rosenbrock"], [-1.2, 1.0], 100, racers[1])[:2])


def leave_step(name, lr, steps=400):
    """The first step at which a racer is off the saddle: |y| > 1."""
    points = trajectories("saddle", SURFACES["saddle"].start, steps, [{"name": name, "lr": lr}])
    return next(k for k, (_, y) in enumerate(points["trajectories"][0]["points"]) if abs(y) > 1)


@pytest.mark.parametrize("lr", [0.01, 0.03])
def test_momentum_and_adam_leave_the_saddle_before_sgd(lr):
    start = SURFACES["saddle"].start
    assert start[1] != 0 and abs(start[1]) <= 0.01  # just off the ridge
    sgd = leave_step("sgd", lr)
    assert leave_step("momentum", lr) < sgd / 2
    assert leave_step("adam", lr) < sgd / 2


def test_the_state_panel_is_what_torch_optim_holds():
    surface, start, steps = SURFACES["beale"], (1.0, 1.5), 7
    racers = [RACERS[3], RACERS[6], RACERS[8], RACERS[10], RACERS[12]]
    race = Race(surface, start, parse_specs(racers))
    for _ in range(steps):
        race.step()
    for i, racer in enumerate(racers):
        points, _, optimizer, p = plain_loop(surface, start, steps, racer)
        panel = race.racer_state(i)
        state = optimizer.state[p]
        assert panel["step"] == steps and panel["point"] == pytest.approx(points[-1], rel=1e-12)
        assert panel["grad"] == pytest.approx(p.grad.tolist(), rel=1e-12)  # the gradient of the last step
        assert panel["update"] == pytest.approx([a - b for a, b in zip(points[-1], points[-2], strict=True)], rel=1e-9)
        for key, value in state.items():
            if key == "step":
                assert panel["state"]["step"] == int(value.item())
            else:
                assert panel["state"][key] == pytest.approx(value.tolist(), rel=1e-12), (racer, key)
        assert set(panel["state"]) - set(state) <= {"m_hat", "v_hat"}
        if "exp_avg" in state:
            beta1, beta2 = racer["betas"]
            v = state["max_exp_avg_sq"] if racer.get("amsgrad") else state["exp_avg_sq"]
            assert panel["state"]["m_hat"] == pytest.approx((state["exp_avg"] / (1 - beta1**steps)).tolist(), rel=1e-12)
            assert panel["state"]["v_hat"] == pytest.approx((v / (1 - beta2**steps)).tolist(), rel=1e-12)
            # and the step Adam took is -lr·m̂/(√v̂ + eps) (before weight decay moved it)
        assert panel["hyper"]["lr"] == racer["lr"]


def test_adams_first_step_is_lr_long_in_every_coordinate():
    race = Race(SURFACES["plateau"], (3.0, 2.0), parse_specs([{"name": "adam", "lr": 0.1}]))
    race.step()
    assert race.racer_state(0)["update"] == pytest.approx([-0.1, -0.1], rel=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"optimizers": [{"name": "sgd"}, {"name": "lbfgs"}]}, "optimizers[1].name"),
        ({"optimizers": [{"name": "sgd", "betas": [0.9, 0.99]}]}, "optimizers[0].betas"),
        ({"optimizers": [{"name": "sgd", "lr": -1}]}, "optimizers[0].lr"),
        ({"optimizers": [{"name": "sgd", "lr": math.nan}]}, "optimizers[0].lr"),
        ({"optimizers": [{"name": "sgd", "lr": "fast"}]}, "optimizers[0].lr"),
        ({"optimizers": [{"name": "adam", "betas": [0.9, 1.0]}]}, "optimizers[0].betas[1]"),
        ({"optimizers": [{"name": "adam", "betas": 0.9}]}, "optimizers[0].betas"),
        ({"optimizers": [{"name": "adam", "amsgrad": 1}]}, "optimizers[0].amsgrad"),
        ({"optimizers": [{"name": "nesterov", "momentum": 0}]}, "optimizers[0].momentum"),
        ({"optimizers": [{"name": "sgd", "start": [0, math.inf]}]}, "optimizers[0].start[1]"),
        ({"optimizers": [{"name": "sgd"}] * 9}, "optimizers"),
        ({"optimizers": []}, "optimizers"),
        ({"steps": 100_001}, "steps"),
        ({"steps": 2.5}, "steps"),
        ({"start": [1]}, "start"),
        ({"surface": {"name": "nope"}}, "surface.name"),
        ({"surface": {"expression": "x.real"}}, "surface.expression"),
        ({"surface": {"expression": "log(x)"}, "start": [-1, 0]}, "start"),
    ],
)
def test_bad_requests_name_the_field(kwargs, field):
    request = {"surface": "saddle", "start": [-1.5, 0.01], "steps": 10, "optimizers": [{"name": "sgd"}], **kwargs}
    with pytest.raises(FieldError) as caught:
        trajectories(**request)
    assert caught.value.field == field, caught.value


def test_caps_come_from_the_caller():
    with pytest.raises(FieldError, match="steps"):
        trajectories("saddle", [0, 0.1], 11, [{"name": "sgd"}], max_steps=10)
    with pytest.raises(FieldError, match="optimizers"):
        trajectories("saddle", [0, 0.1], 1, [{"name": "sgd"}] * 3, max_racers=2)
