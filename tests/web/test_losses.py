"""Loss-functions lab over HTTP and the socket: exact payloads, refusals naming the field."""

import pytest

from tests.conftest import WS
from tests.web.wsutil import is_error, receive, status, until

NOTES_CE = {"loss": "cross_entropy", "input": [[1.5, 2.0, 0.5], [0.5, 1.0, 1.5]], "target": [1, 2], "options": {}}


def test_evaluate_the_issue_example(client):
    response = client.post("/api/losses/evaluate", json=NOTES_CE)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"value", "per_sample", "grad"}
    assert body["value"] == pytest.approx(0.6422001, abs=1e-6)
    assert body["per_sample"] == pytest.approx([0.6041306, 0.6802697], abs=1e-6)
    assert len(body["grad"]) == 2 and len(body["grad"][0]) == 3
    assert sum(body["grad"][0]) == pytest.approx(0.0, abs=1e-6)  # softmax − one-hot sums to 0


def test_evaluate_regression_with_options(client):
    body = {"loss": "smooth_l1", "input": [1, 2, 3, 6], "target": [1.5, 2.5, 3.5, 4.5], "options": {"beta": 1.0}}
    assert client.post("/api/losses/evaluate", json=body).json()["value"] == pytest.approx(0.34375)
    none = {**body, "options": {"reduction": "none"}}
    assert client.post("/api/losses/evaluate", json=none).json()["value"] == [0.125, 0.125, 0.125, 1.0]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"loss": "bce", "input": [0.5, 1.2], "target": [1, 0]}, ["body", "input"]),
        ({**NOTES_CE, "target": [1, 3]}, ["body", "target"]),
        ({**NOTES_CE, "target": [1.0, 2.0]}, ["body", "target"]),
        ({"loss": "mse", "input": [1, 2], "target": [1]}, ["body", "target"]),
        ({"loss": "l1", "input": [1], "target": [1], "options": {"beta": 1}}, ["body", "options", "beta"]),
        ({"loss": "smooth_l1", "input": [1], "target": [1], "options": {"beta": -1}}, ["body", "options", "beta"]),
        ({"loss": "mse", "input": [1], "target": [1], "options": {"magic": 1}}, ["body", "options", "magic"]),
        ({"loss": "hinge", "input": [1], "target": [1]}, ["body", "loss"]),
        ({"loss": "mse", "input": [1e30], "target": [0]}, ["body", "input"]),
    ],
)
def test_evaluate_refuses_naming_the_field(client, body, loc):
    response = client.post("/api/losses/evaluate", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


def test_evaluate_caps_the_size(client, settings):
    body = {"loss": "mse", "input": [0.0] * (settings.max_samples + 1), "target": [0.0] * (settings.max_samples + 1)}
    response = client.post("/api/losses/evaluate", json=body)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "input"]


def test_curves_examples_bce_and_cross_entropy(client):
    curves = client.post("/api/losses/curves", json={"beta": 0.5, "points": 5, "error_range": 2}).json()
    assert curves["error"] == [-2.0, -1.0, 0.0, 1.0, 2.0]
    assert curves["losses"]["mse"]["loss"] == [4.0, 1.0, 0.0, 1.0, 4.0]
    examples = client.get("/api/losses/examples").json()
    values = {e["id"]: e["value"] for e in examples["regression"]}
    assert values["l1_001"] == 0.5 and values["mse_001"] == 0.25
    assert {g["id"] for g in examples["guide"]} >= {"multiclass", "binary", "regression"}
    bce = client.get("/api/losses/bce").json()
    assert [round(r["term"], 4) for r in bce["table"]["rows"]] == [-0.3567, -0.2231, -0.1054, -1.204]
    ce = client.post("/api/losses/cross-entropy", json={}).json()
    assert ce["cross_entropy"] == pytest.approx(0.6422, abs=1e-4)
    moved = client.post("/api/losses/cross-entropy", json={"logits": [[1.5, 4.0, 0.5], [0.5, 1.0, 1.5]]}).json()
    assert moved["cross_entropy"] < ce["cross_entropy"]
    bad = client.post("/api/losses/cross-entropy", json={"labels": [1, 5]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "labels"]


def test_information_identity_and_refusals(client):
    body = client.post("/api/losses/information", json={"p": [0.5, 0.25, 0.25], "q": [0.25, 0.5, 0.25],
                                                       "unit": "bits"}).json()
    assert (body["entropy"], body["cross_entropy"], body["kl"]) == (1.5, 1.75, 0.25)
    infinite = client.post("/api/losses/information", json={"p": [0.5, 0.5], "q": [1, 0]}).json()
    assert infinite["kl"] is None and infinite["kl_infinite"] is True
    response = client.post("/api/losses/information", json={"p": [0.5, 0.5], "q": [0.2, 0.3, 0.5]})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "q"]


def test_code_endpoint(client):
    code = client.post("/api/losses/code", json={"steps": 10, "losses": ["l1", "huber"], "delta": 2.0}).json()["code"]
    assert "nn.HuberLoss(delta=2.0)" in code and "range(10)" in code


def test_live_outlier_fit_streams_lines_that_move(client):
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "start", "lab": "losses", "config": {"steps": 400, "samples": 20, "outliers": 3}})
        started = receive(ws)
        assert started["type"] == "started" and started["config"]["losses"] == ["l1", "mse", "smooth_l1"]
        frames = [m for m in until(ws, status("finished")) if m["type"] == "frame"]
        first, last = frames[0], frames[-1]
        assert last["step"] == 400 and len(last["points"]["x"]) == 20 and sum(last["points"]["outlier"]) == 3
        assert [f["loss"] for f in last["fits"]] == ["l1", "mse", "smooth_l1"]
        assert first["fits"][1]["w"] != last["fits"][1]["w"]
        fits = {f["loss"]: f for f in last["fits"]}
        assert abs(fits["l1"]["w"] - 2.0) < abs(fits["mse"]["w"] - 2.0)


def test_live_outlier_fit_set_and_refusals(client):
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "start", "lab": "losses", "config": {"steps": 50}, "paused": True})
        until(ws, status("paused"))
        ws.send_json({"type": "set", "params": {"lr": 0.2}})
        assert until(ws, lambda m: m["type"] == "frame")[-1]["lr"] == 0.2
        ws.send_json({"type": "set", "params": {"lr": -1}})
        assert until(ws, is_error)[-1]["field"] == "params.lr"
        ws.send_json({"type": "start", "lab": "losses", "config": {"outliers": 100}})
        assert until(ws, is_error)[-1]["field"] == "config.outliers"
        ws.send_json({"type": "start", "lab": "losses", "config": {"losses": ["hinge"]}})
        assert until(ws, is_error)[-1]["field"].startswith("config.losses")


def test_the_page_spec_is_the_labs_declaration(client):
    from app.labs.losses import CrossEntropyConfig, CurvesConfig, InformationConfig, OutlierConfig
    from app.web.spec import plain

    spec = client.get("/api/labs/losses/spec").json()
    assert spec["defaults"] == plain(OutlierConfig()) and spec["live"] == ["lr"]
    props = spec["schema"]["properties"]
    assert props["samples"]["maximum"] == 20_000 and props["optimizer"]["enum"] == ["sgd", "adam"]
    assert props["losses"]["items"]["enum"] == ["l1", "mse", "smooth_l1", "huber"] and props["losses"]["minItems"] == 1
    tools = spec["tools"]
    assert tools["curves"]["defaults"] == plain(CurvesConfig())
    assert tools["cross_entropy"]["defaults"] == plain(CrossEntropyConfig())
    assert tools["information"]["defaults"] == plain(InformationConfig())
    # {} asks each panel its default question: the notes' cross-entropy, the page's P and Q
    assert client.post("/api/losses/cross-entropy", json={}).json()["cross_entropy"] == pytest.approx(0.6422, abs=1e-4)
    assert client.post("/api/losses/information", json={}).json()["p"] == InformationConfig().p
