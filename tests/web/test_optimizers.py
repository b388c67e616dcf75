"""Optimiser lab over HTTP and the socket: exact payloads, refusals naming the field."""

import pytest

from app.labs.optimizers import surfaces, trajectories
from tests.conftest import WS
from tests.web.wsutil import is_error, receive, status, until

RACE = {"surface": {"name": "saddle"}, "start": [-1.5, 0.01], "steps": 20,
        "optimizers": [{"name": "sgd", "lr": 0.05}, {"name": "adam", "lr": 0.05, "betas": [0.8, 0.99]}]}


def test_surfaces_are_listed_with_domain_start_and_minima(client):
    body = client.get("/api/optimizers/surfaces").json()
    assert body == surfaces()
    himmelblau = next(s for s in body if s["name"] == "himmelblau")
    assert himmelblau["domain"] == [[-5, 5], [-5, 5]] and len(himmelblau["minima"]) == 4
    assert himmelblau["formula"] == "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"


def test_trajectories_are_the_labs_exactly(client):
    response = client.post("/api/optimizers/trajectories", json=RACE)
    assert response.status_code == 200
    body = response.json()
    assert body == trajectories({"name": "saddle"}, [-1.5, 0.01], 20, RACE["optimizers"])
    sgd = body["trajectories"][0]
    assert set(sgd) == {"name", "points", "values", "diverged"} and len(sgd["points"]) == 21
    assert sgd["points"][1] == pytest.approx([-1.35, 0.011], rel=1e-15)


def test_a_custom_surface_and_a_diverging_racer(client):
    body = {"surface": {"expression": "x^2 + 10*y^2"}, "start": [1, 1], "steps": 100,
            "optimizers": [{"name": "sgd", "lr": 5}, {"name": "nesterov", "lr": 0.01, "start": [2, 0]}]}
    got = client.post("/api/optimizers/trajectories", json=body).json()["trajectories"]
    assert got[0]["diverged"] is True and len(got[0]["points"]) < 101
    assert got[1]["diverged"] is False and got[1]["points"][0] == [2.0, 0.0]


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"optimizers": [{"name": "lbfgs"}]}, ["body", "optimizers", 0, "name"]),
        ({"optimizers": [{"name": "sgd", "magic": 1}]}, ["body", "optimizers", 0, "magic"]),
        ({"optimizers": [{"name": "sgd", "betas": [0.9, 0.99]}]}, ["body", "optimizers", 0, "betas"]),
        ({"optimizers": [{"name": "adam", "lr": -1}]}, ["body", "optimizers", 0, "lr"]),
        ({"optimizers": [{"name": "nesterov", "momentum": 0}]}, ["body", "optimizers", 0, "momentum"]),
        ({"optimizers": [{"name": "sgd"}] * 9}, ["body", "optimizers"]),
        ({"optimizers": []}, ["body", "optimizers"]),
        ({"steps": 100_001}, ["body", "steps"]),
        ({"steps": -1}, ["body", "steps"]),
        ({"start": [0]}, ["body", "start"]),
        ({"surface": {"name": "volcano"}}, ["body", "surface", "name"]),
        ({"surface": {"expression": "__import__('os')"}}, ["body", "surface", "expression"]),
        ({"surface": {"expression": "x.real"}}, ["body", "surface", "expression"]),
        ({"surface": {"expression": "x^1e9"}}, ["body", "surface", "expression"]),
        ({"surface": {"name": "saddle", "expression": "x"}}, ["body", "surface"]),
        ({"surface": {"expression": "log(x)"}, "start": [-1, 0]}, ["body", "start"]),
    ],
)
def test_trajectories_refuse_naming_the_field(client, change, loc):
    response = client.post("/api/optimizers/trajectories", json={**RACE, **change})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][: len(loc)] == loc


def test_non_finite_numbers_are_refused(client):
    text = '{"surface": {"name": "saddle"}, "start": [NaN, 0], "steps": 1, "optimizers": [{"name": "sgd"}]}'
    response = client.post("/api/optimizers/trajectories", content=text, headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][:2] == ["body", "start"]
    text = '{"surface": {"name": "saddle"}, "start": [0, 0], "steps": 1, "optimizers": [{"name": "sgd", "lr": 1e999}]}'
    response = client.post("/api/optimizers/trajectories", content=text, headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][:4] == ["body", "optimizers", 0, "lr"]


def test_the_smaller_endpoints(client):
    kinds = {k["name"]: k for k in client.get("/api/optimizers/optimizers").json()}
    assert kinds["adam"]["torch_class"] == "torch.optim.Adam"
    assert kinds["adam"]["defaults"] == {"lr": 0.001, "betas": [0.9, 0.999], "eps": 1e-08, "weight_decay": 0,
                                         "amsgrad": False}
    assert kinds["momentum"]["defaults"]["momentum"] == 0.9
    grid = client.post("/api/optimizers/grid", json={"surface": {"expression": "sqrt(x)"}, "resolution": 3,
                                                     "domain": [[-1, 1], [0, 1]]}).json()
    assert grid["z"][0] == [None, 0.0, 1.0]
    too_fine = client.post("/api/optimizers/grid", json={"surface": {"name": "ravine"}, "resolution": 999})
    assert too_fine.status_code == 422 and too_fine.json()["detail"][0]["loc"] == ["body", "resolution"]
    ewa = client.post("/api/optimizers/ewa", json={"beta": 0.9, "n": 30}).json()
    assert ewa["window"] == pytest.approx(10) and ewa["adam_exp_avg"] == pytest.approx(ewa["average"], rel=1e-12)
    refused = client.post("/api/optimizers/ewa", json={"beta": 0.2})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "beta"]
    code = client.post("/api/optimizers/code", json={"optimizers": [{"name": "rmsprop", "centered": True}]}).json()
    assert "torch.optim.RMSprop, {'lr': 0.01, 'centered': True}" in code["code"]
    scenes = client.get("/api/optimizers/presets").json()
    assert len(scenes) == 5 and scenes[0]["title"]["zh"] == "谁能越过鞍点?"


def test_a_live_race_steps_changes_mid_run_and_refuses_by_field(client):
    config = {"surface": "beale", "start": [1.0, 1.5], "steps": 50,
              "optimizers": [{"name": "sgd", "lr": 0.005}, {"name": "rmsprop", "lr": 0.01}]}
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "start", "lab": "optimizers", "config": config, "paused": True})
        started = receive(ws)
        assert started["type"] == "started" and started["config"]["optimizers"][1]["name"] == "rmsprop"
        first = until(ws, status("paused"))
        assert [m for m in first if m["type"] == "frame"] == [] or first[-2]["step"] == 0
        ws.send_json({"type": "step", "n": 5})
        frame = [m for m in until(ws, status("paused")) if m["type"] == "frame"][-1]
        want = trajectories("beale", [1.0, 1.5], 5, config["optimizers"])["trajectories"]
        assert frame["step"] == 5
        for racer, t in zip(frame["racers"], want, strict=True):
            assert racer["points"] == t["points"] and racer["state"]["point"] == t["points"][-1]
        assert set(frame["racers"][1]["state"]["state"]) == {"step", "square_avg"}
        ws.send_json({"type": "set", "params": {"racers": [{"index": 1, "lr": 0.02, "alpha": 0.9}]}})
        changed = until(ws, lambda m: m["type"] == "frame")[-1]
        assert changed["racers"][1]["state"]["hyper"] == {"lr": 0.02, "alpha": 0.9, "eps": 1e-08, "weight_decay": 0,
                                                           "momentum": 0, "centered": False}
        assert changed["racers"][1]["label"] == "rmsprop lr=0.02 alpha=0.9"
        for params, field in [({"racers": [{"index": 0, "amsgrad": True}]}, "params.racers[0].amsgrad"),
                              ({"racers": [{"index": 1, "momentum": 0.5}]}, "params.racers[1].momentum"),
                              ({"racers": [{"index": 7, "lr": 0.1}]}, "params.racers[0].index"),
                              ({"lr": -1}, "params.lr")]:
            ws.send_json({"type": "set", "params": params})
            assert until(ws, is_error)[-1]["field"] == field
        ws.send_json({"type": "resume"})
        last = [m for m in until(ws, status("finished")) if m["type"] == "frame"][-1]
        assert last["step"] == last["total_steps"] == 50


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"optimizers": [{"name": "sgd", "betas": [0.9, 0.9]}]}, "config.optimizers[0].betas"),
        ({"expression": "x +"}, "config.expression"),
        ({"steps": 100_001}, "config.steps"),
        ({"mode": "swarm", "swarm_size": 10_001}, "config.swarm_size"),
        ({"optimizers": [{"name": "sgd"}] * 9}, "config.optimizers"),
    ],
)
def test_bad_starts_name_the_field(client, config, field):
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "start", "lab": "optimizers", "config": config})
        assert until(ws, is_error)[-1]["field"] == field


def test_a_live_swarm(client):
    config = {"mode": "swarm", "surface": "himmelblau", "steps": 30, "swarm_size": 400, "cloud_points": 50,
              "optimizers": [{"name": "adam", "lr": 0.1}]}
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "start", "lab": "optimizers", "config": config})
        last = [m for m in until(ws, status("finished")) if m["type"] == "frame"][-1]
        cloud = last["clouds"][0]
        assert last["size"] == 400 and len(last["starts"]) == len(cloud["points"]) == 49  # 20 x 20 grid, every 3rd
        assert sum(cloud["counts"]["minima"]) + cloud["counts"]["moving"] == 400


def test_the_page_spec_is_the_labs_declaration(client):
    from app.labs.optimizers import EwaConfig, OptimizersConfig
    from app.web.spec import plain

    spec = client.get("/api/labs/optimizers/spec").json()
    assert spec["defaults"] == plain(OptimizersConfig()) and spec["live"] == ["lr", "racers"]
    props = spec["schema"]["properties"]
    assert props["steps"]["maximum"] == 100_000 and props["optimizers"]["maxItems"] == 8
    assert props["swarm_layout"]["enum"] == ["grid", "random"] and "custom" not in props["surface"]["enum"]
    racer = spec["schema"]["$defs"]["Racer"]["properties"]
    assert (racer["momentum"]["anyOf"][0]["minimum"], racer["momentum"]["anyOf"][0]["maximum"]) == (0, 1)
    assert racer["lr"]["anyOf"][0]["maximum"] == 10 and racer["name"]["enum"][0] == "sgd"
    assert spec["tools"]["ewa"]["defaults"] == plain(EwaConfig())
    beta = spec["tools"]["ewa"]["schema"]["properties"]["beta"]
    assert (beta["minimum"], beta["maximum"]) == (0.5, 0.999)
    # the lab refuses what the wire refuses, from the same declaration
    assert client.post("/api/optimizers/code", json={"optimizers": [{"name": "sgd", "momentum": 1.5}]}).json()[
        "detail"][0]["loc"] == ["body", "optimizers", 0, "momentum"]
