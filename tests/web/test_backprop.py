"""Back-propagation lab over HTTP and the socket: the notes' numbers, overrides, refusals."""

import pytest

from tests.conftest import WS
from tests.web.wsutil import is_error, receive, status, until


def test_empty_body_is_the_notes_network(client):
    for response in (client.post("/api/backprop/example"), client.post("/api/backprop/example", json={})):
        assert response.status_code == 200
        body = response.json()
        assert {"forward", "loss", "gradients", "updated", "autograd_max_abs_diff"} <= set(body)
        fw = body["forward"]
        assert [round(fw[k], 4) for k in ("h1", "h2", "o1", "o2")] == [0.5933, 0.5969, 0.7514, 0.7729]
        assert body["gradients"]["w5"] == pytest.approx(0.082167041, abs=1e-9)
        assert body["gradients"]["w1"] == pytest.approx(0.000438568, abs=1e-9)
        assert body["updated"]["w5"] == pytest.approx(0.35891648, abs=1e-8)
        assert set(body["gradients"]) == {f"w{i}" for i in range(1, 9)} | {"b_h1", "b_h2", "b_o1", "b_o2"}
        assert body["autograd_max_abs_diff"] < 1e-15
        assert len(body["walkthrough"]) == 12


def test_overrides(client):
    body = client.post("/api/backprop/example", json={
        "inputs": [1.0, -1.0], "targets": [0.0, 1.0], "weights": {"w1": 0.3}, "biases": {"b2": 0.1},
        "lr": 0.1, "activation": "tanh"}).json()
    assert body["config"]["weights"]["w1"] == 0.3 and body["config"]["weights"]["w2"] == 0.2
    assert body["config"]["biases"] == {"b_h1": 0.35, "b_h2": 0.35, "b_o1": 0.1, "b_o2": 0.1}
    assert body["updated"]["w1"] == pytest.approx(0.3 - 0.1 * body["gradients"]["w1"], abs=1e-15)
    assert body["autograd_max_abs_diff"] < 1e-12


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"weights": {"w9": 1}}, ["body", "weights", "w9"]),
        ({"inputs": [1]}, ["body", "inputs", 1]),  # the missing second number
        ({"lr": 0}, ["body", "lr"]),
        ({"activation": "gelu"}, ["body", "activation"]),
        ({"biases": {"b1": 0.1, "b_h1": 0.2}}, ["body", "biases", "b1"]),
        ({"weights": {"w1": 1e9}}, ["body", "weights", "w1"]),
        ({"surprise": 1}, ["body", "surprise"]),
    ],
)
def test_refusals_name_the_field(client, body, loc):
    response = client.post("/api/backprop/example", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


def test_chain_rule_and_code(client):
    assert client.post("/api/backprop/chain-rule", json={}).json()["grad_w"] == 0.25
    code = client.post("/api/backprop/code", json={"lr": 0.1}).json()["code"]
    assert "class MyNet(nn.Module)" in code and "optim.SGD(net.parameters(), lr=0.1)" in code


def test_keep_training_live(client):
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "start", "lab": "backprop", "config": {"steps": 300}})
        assert receive(ws)["type"] == "started"
        frames = [m for m in until(ws, status("finished")) if m["type"] == "frame"]
        last = frames[-1]
        assert last["step"] == 300 and last["history"]["loss"][0] == pytest.approx(0.298371109, abs=1e-9)
        assert last["loss"] < 0.298 and set(last["outputs"]) == {"o1", "o2"}
        ws.send_json({"type": "start", "lab": "backprop", "config": {"steps": 10}, "paused": True})
        until(ws, status("paused"))
        ws.send_json({"type": "set", "params": {"lr": 2.0}})
        assert until(ws, lambda m: m["type"] == "frame")[-1]["lr"] == 2.0
        ws.send_json({"type": "set", "params": {"momentum": 0.9}})
        assert until(ws, is_error)[-1]["field"].startswith("params")
