"""Gradient-descent lab over HTTP and the socket: the notes' counts, the race, refusals."""

import pytest

from app.labs import descent
from tests.conftest import WS
from tests.web.wsutil import is_error, receive, status, until


def test_run_is_the_notes_minibatch_descent(client):
    body = client.post("/api/descent/run", json={}).json()
    assert set(body) == {"updates", "w", "b", "path", "losses", "least_squares"}
    assert body["updates"] == 250 and len(body["path"]) == 251 and len(body["losses"]) == 250
    assert body["path"][0] == list(descent.start_point(0))
    lab = descent.run()  # the endpoint adds nothing and loses nothing
    assert body["path"] == lab["path"] and body["losses"] == lab["losses"]
    assert body["least_squares"]["w"] == pytest.approx(lab["least_squares"]["w"], rel=1e-12)
    assert body["least_squares"]["w"] == pytest.approx(1.9842, abs=1e-4)


@pytest.mark.parametrize(("variant", "updates"), [("batch", 50), ("stochastic", 5000)])
def test_run_variants(client, variant, updates):
    body = client.post("/api/descent/run", json={"variant": variant, "epochs": 50}).json()
    assert body["updates"] == updates


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"variant": "adam"}, ["body", "variant"]),
        ({"lr": 0}, ["body", "lr"]),
        ({"lr": "NaN"}, ["body", "lr"]),
        ({"batch_size": 101}, ["body", "batch_size"]),
        ({"samples": 10**9}, ["body", "samples"]),
        ({"variant": "stochastic", "epochs": 1000}, ["body", "epochs"]),  # 100,000 updates: too many at once
        ({"momentum": 0.9}, ["body", "momentum"]),
    ],
)
def test_run_refusals_name_the_field(client, body, loc):
    response = client.post("/api/descent/run", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


def test_scene_and_code(client):
    scene = client.post("/api/descent/scene", json={"variants": ["minibatch"]}).json()
    assert len(scene["data"]["x"]) == 100 and len(scene["contour"]["mse"]) == 60
    assert scene["start"] == list(descent.start_point(0))
    code = client.post("/api/descent/code", json={"variants": ["stochastic"], "epochs": 3}).json()["code"]
    assert "batch_size=1," in code and "range(1, 4)" in code and "torch.optim.SGD([w, b], lr=0.01)" in code
    bad = client.post("/api/descent/scene", json={"variants": ["batch", "batch"]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "variants"]


def test_live_race_counts_updates_and_takes_lr(client):
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "start", "lab": "descent", "config": {"epochs": 2}})
        assert receive(ws)["type"] == "started"
        frames = [m for m in until(ws, status("finished")) if m["type"] == "frame"]
        last = frames[-1]
        assert last["step"] == last["total_steps"] == 200 and last["epoch"] == 2.0
        assert [v["updates"] for v in last["variants"]] == [2, 200, 10]
        assert last["least_squares"]["b"] == pytest.approx(3.1111, abs=1e-4)
        ws.send_json({"type": "start", "lab": "descent", "config": {"variants": ["batch"]}, "paused": True})
        until(ws, status("paused"))
        ws.send_json({"type": "set", "params": {"lr": 0.2}})
        assert until(ws, lambda m: m["type"] == "frame")[-1]["lr"] == 0.2
        ws.send_json({"type": "set", "params": {"batch_size": 5}})
        assert until(ws, is_error)[-1]["field"] == "params.batch_size"


def test_live_race_refuses_more_ticks_than_the_server_allows(client):
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "start", "lab": "descent", "config": {"samples": 20000, "epochs": 10}})
        error = until(ws, is_error)[-1]
        assert error["field"] == "config.epochs" and "limit" in error["message"]
