"""Loss-landscape lab over HTTP and the socket: the surface contract, refusals by field, a live run."""

import pytest

from tests.conftest import WS
from tests.web.wsutil import is_error, receive, status, until

KEYS = {"alphas", "betas", "loss", "center_loss", "trajectory", "explained_variance", "parameters", "line"}
TINY = {"epochs": 2, "grid": 5, "samples": 40}


def test_the_surface_contract(client):
    r = client.post("/api/landscape/surface", json={**TINY, "return_parameters": True})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == KEYS
    assert body["alphas"] == [-1.0, -0.5, 0.0, 0.5, 1.0] and body["betas"] == body["alphas"]
    assert len(body["loss"]) == 5 and all(len(row) == 5 for row in body["loss"])
    assert body["loss"][2][2] == pytest.approx(body["center_loss"], abs=1e-6)
    assert body["trajectory"] is None and body["explained_variance"] is None
    p = body["parameters"]
    assert len(p["center"]) == len(p["d1"]) == len(p["d2"]) == 2 * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2
    assert len(p["inputs"]) == len(p["targets"]) == 20 and all(len(x) == 2 for x in p["inputs"])
    assert set(p["targets"]) <= {0, 1}


def test_pca_gives_the_path_and_its_explained_variance(client):
    body = client.post("/api/landscape/surface", json={**TINY, "directions": "pca"}).json()
    assert len(body["trajectory"]) == 3 and body["trajectory"][-1] == [0.0, 0.0]
    assert 0 < body["explained_variance"][1] <= body["explained_variance"][0] <= 1
    assert body["parameters"] is None


def test_the_default_request_is_sensible(client):
    body = client.post("/api/landscape/surface", json={}).json()
    assert len(body["alphas"]) == 21 and body["center_loss"] < 0.5  # the moons, learnt


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"grid": 10_000}, "grid"),
        ({"hidden": [10_000]}, "hidden[0]"),
        ({"hidden": [8] * 100}, "hidden"),
        ({"epochs": 10_000}, "epochs"),
        ({"samples": 10**7}, "samples"),
        ({"dataset": "mnist"}, "dataset"),
        ({"normalization": "batch"}, "normalization"),
        ({"span": -1}, "span"),
        ({"lr": 0}, "lr"),
        ({"colour": "red"}, "colour"),
        ({"hidden": [128] * 16, "dataset": "digits", "grid": 61}, "grid"),  # too much work in one request
        ({"batch_size": 1, "dataset": "digits", "epochs": 100}, "epochs"),  # too many updates
    ],
)
def test_refusals_name_the_field(client, body, field):
    r = client.post("/api/landscape/surface", json=body)
    assert r.status_code == 422
    loc = r.json()["detail"][0]["loc"]
    assert ".".join(str(x) for x in loc[1:]).replace(".0", "[0]") == field


def test_a_nan_span_is_refused(client):
    r = client.post("/api/landscape/surface", content=b'{"span": NaN}', headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "span"]


def test_presets_and_code(client):
    presets = client.get("/api/landscape/presets").json()
    assert {p["name"] for p in presets} >= {"skip", "pca", "line"}
    code = client.post("/api/landscape/code", json={"directions": "pca"}).json()["code"]
    assert "vmap" in code and "functional_call" in code and "torch.linalg.svd" in code


def test_a_live_run_from_an_empty_config(client):
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "start", "lab": "landscape", "config": {"epochs": 2, "grid": 7}})
        assert receive(ws)["type"] == "started"
        seen = until(ws, status("finished"))
        frames = [m for m in seen if m["type"] == "frame"]
        assert frames[-1]["phase"] == "done" and frames[-1]["runs"][0]["surface"]["rows_done"] == 7
        ws.send_json({"type": "start", "lab": "landscape", "config": {"grid": 100_000}})
        error = next(m for m in until(ws, is_error))
        assert error["field"] == "config.grid"


def test_an_empty_config_starts_a_small_mlp_on_moons(client):
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "start", "lab": "landscape", "config": {}, "paused": True})
        assert receive(ws)["type"] == "started"
        frame = next(m for m in until(ws, lambda m: m["type"] == "frame"))
        assert frame["phase"] == "training" and frame["runs"][0]["parameters"] == 16 * 3 + 16 * 17 + 2 * 17


def test_the_contracts_data_set_names(client):
    """moons, circles, spiral, digits: "circles" is the Training lab's "circle" set, under the contract's name."""
    from app.labs.common.datasets import make_dataset
    from app.labs.landscape import LandscapeConfig
    from app.labs.landscape.oneshot import load_data

    for name in ("moons", "circles", "spiral", "digits"):
        r = client.post("/api/landscape/surface", json={**TINY, "dataset": name, "grid": 3})
        assert r.status_code == 200, (name, r.text)
    circles, circle = load_data(LandscapeConfig(dataset="circles", samples=40)), make_dataset("circle", 40, 0.1, 0.5, 0)
    assert circles.x_train.equal(circle.x_train) and circles.y_train.equal(circle.y_train)
    r = client.post("/api/landscape/surface", json={"dataset": "circle"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "dataset"]
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "start", "lab": "landscape", "config": {"dataset": "circles", "epochs": 1, "grid": 3,
                                                                       "samples": 40}})
        assert receive(ws)["type"] == "started"
        frames = [m for m in until(ws, status("finished")) if m["type"] == "frame"]
        assert frames[-1]["runs"][0]["surface"]["rows_done"] == 3
