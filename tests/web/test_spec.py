"""Each lab's spec, derived from its declarations: served to the page, in the OpenAPI, and enforced."""

import dataclasses

import pytest
from fastapi.testclient import TestClient

from app.labs.fields import MAX_LR
from app.labs.initialization import InitConfig
from app.main import create_app
from app.settings import Settings
from app.web.spec import plain
from tests.conftest import BASE, WS

SMALL = Settings(max_depth=7, max_width=50, max_methods=2, max_steps=300)


@pytest.fixture
def small() -> TestClient:
    with TestClient(create_app(SMALL), base_url=BASE) as c:
        yield c


def test_the_page_spec_carries_this_servers_caps_and_the_labs_defaults(small):
    spec = small.get("/api/labs/initialization/spec").json()
    props = spec["schema"]["properties"]
    assert (props["depth"]["minimum"], props["depth"]["maximum"]) == (2, 7)
    assert props["width"]["maximum"] == 50 and props["steps"]["maximum"] == 300
    assert (props["methods"]["minItems"], props["methods"]["maxItems"]) == (1, 2)
    assert props["lr"] == {**props["lr"], "exclusiveMinimum": 0, "maximum": MAX_LR}
    assert props["activation"]["enum"] == ["tanh", "relu", "leaky_relu", "sigmoid", "none"]
    assert spec["defaults"] == plain(InitConfig())  # one declaration: the lab's dataclass
    assert spec["live"] == ["lr"]
    assert spec["schema"]["additionalProperties"] is False


def test_every_live_lab_serves_a_spec_and_an_unknown_one_is_refused_by_name(client):
    for lab in ("initialization", "optimizers", "training", "descent", "losses", "backprop"):
        spec = client.get(f"/api/labs/{lab}/spec").json()
        assert spec["lab"] == lab and spec["schema"]["type"] == "object" and isinstance(spec["defaults"], dict)
    missing = client.get("/api/labs/alchemy/spec")
    detail = missing.json()["detail"][0]
    assert missing.status_code == 422 and detail["loc"] == ["path", "lab"] and "initialization" in detail["msg"]


def test_the_openapi_says_what_the_server_refuses(small):
    openapi = small.get("/openapi.json").json()
    schemas = openapi["components"]["schemas"]
    run = schemas["InitRunConfig"]["properties"]
    assert run["depth"]["maximum"] == 7 and run["depth"]["x-cap"] == "max_depth"
    assert run["methods"]["maxItems"] == 2 and run["lr"]["maximum"] == MAX_LR
    assert schemas["InspectRequest"]["properties"]["bins"]["maximum"] == SMALL.max_bins
    # ... and it does: one above each maximum is refused, the maximum itself is taken
    one = {"methods": [{"method": "zeros"}], "width": 50}  # the defaults are above these small caps
    assert small.post("/api/init/code", json={**one, "depth": 8}).json()["detail"][0]["loc"] == ["body", "depth"]
    assert small.post("/api/init/code", json={**one, "depth": 7, "steps": 300}).status_code == 200
    three = [{"method": "zeros"}] * 3
    assert small.post("/api/init/code", json={"methods": three}).json()["detail"][0]["loc"] == ["body", "methods"]
    assert small.post("/api/init/code", json={**one, "lr": MAX_LR * 1.01}).json()["detail"][0]["loc"] == ["body", "lr"]


def test_a_socket_start_is_checked_against_the_same_spec(small):
    with small.websocket_connect(WS) as ws:
        small_run = {"methods": [{"method": "zeros"}], "width": 8}
        ws.send_json({"type": "start", "lab": "initialization", "config": {**small_run, "sharedY": False}})
        error = ws.receive_json()
        assert error["type"] == "error" and error["field"] == "config.sharedY"
        ws.send_json({"type": "start", "lab": "initialization", "config": {"methods": [{"method": "normal"}] * 3}})
        error = ws.receive_json()
        assert error["field"] == "config.methods" and "limit of 2" in error["message"]
        ws.send_json({"type": "start", "lab": "initialization",
                      "config": {"methods": [{"method": "normal", "gain": 0}]}})
        assert ws.receive_json()["field"] == "config.methods[0].gain"


def test_derived_models_round_trip_to_the_labs_dataclass():
    from app.web.routes.initialization import RunConfig

    config = RunConfig.model_validate({"methods": [{"method": "uniform", "a": -1, "b": 2}], "depth": 3})
    lab_config = config.lab_config()
    assert dataclasses.replace(InitConfig(), depth=3, methods=lab_config.methods) == lab_config
    assert lab_config.methods[0].lower == -1 and type(lab_config.methods[0]).__name__ == "InitSpec"


def test_training_run_compare_and_params_derive_from_one_declaration(small):
    from app.labs.training import TrainingConfig
    from app.web.routes.training import Compare, RunConfig, RunParams

    spec = small.get("/api/labs/training/spec").json()
    props = spec["schema"]["properties"]
    assert props["hidden"]["maxItems"] == 7 and props["hidden"]["items"]["maximum"] == 50
    assert props["lr"]["maximum"] == MAX_LR and spec["live"] == ["clip_norm", "dropout", "l1", "lr", "weight_decay"]
    assert spec["defaults"] == {**plain(TrainingConfig()), "upload": None}
    # the comparison takes the same bounds: one declaration, three models
    assert RunConfig.model_json_schema()["properties"]["dropout"]["exclusiveMaximum"] == 1
    for model in (Compare, RunParams):
        assert model.model_json_schema()["properties"]["dropout"]["anyOf"][0]["exclusiveMaximum"] == 1
    refused = small.post("/api/training/code", json={"hidden": [8], "compare": {"hidden": [51]}})
    assert refused.json()["detail"][0]["loc"] == ["body", "compare", "hidden", 0]
    assert small.post("/api/training/code", json={"hidden": [8], "lr": 11}).json()["detail"][0]["loc"] == ["body", "lr"]
    config = RunConfig.model_validate({"compare": {"lr": 0.5, "dropout": None}}).lab_config()
    assert config == TrainingConfig(compare={"lr": 0.5})


def test_one_learning_rate_bound_for_every_lab(client):
    """It was 10 in some routes, 100 in others: now every lr on the wire is 0 < lr <= MAX_LR."""
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    bounds = set()
    for name, schema in schemas.items():
        node = schema.get("properties", {}).get("lr")
        if node is not None and (node.get("type") == "number" or "anyOf" in node):
            number = next((b for b in node.get("anyOf", [node]) if b.get("type") == "number"), None)
            if number is not None and "maximum" in number:
                bounds.add((name, number.get("exclusiveMinimum"), number["maximum"]))
    assert len(bounds) >= 8, bounds
    assert {(low, high) for _, low, high in bounds} == {(0, MAX_LR)}, bounds
