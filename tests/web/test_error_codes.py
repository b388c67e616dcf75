"""Refusals carry a stable code and params that a page translates (static/i18n/errors.json); the
English message and the field stay exactly as they were, for API clients."""

import json
from pathlib import Path

import pytest

from app.labs.initialization.network import ACTIVATIONS
from app.web.error_codes import CODES, choices, error_code
from tests.conftest import WS
from tests.web.wsutil import is_error, receive, until

STRINGS = json.loads((Path(__file__).resolve().parents[2] / "static" / "i18n" / "errors.json").read_text())
CODE = "/api/init/code"
GOOD = {"depth": 3, "width": 8, "batch_size": 16, "steps": 10, "methods": [{"method": "xavier_normal"}]}


def refused(client, body):
    response = client.post(CODE, json=body)
    assert response.status_code == 422
    return response.json()["detail"][0]


@pytest.mark.parametrize("change,loc,code,params", [
    ({"depth": 1}, ["body", "depth"], "at_least", {"limit": 2}),
    ({"depth": "ten"}, ["body", "depth"], "not_an_integer", {}),
    ({"lr": 0}, ["body", "lr"], "greater_than", {"limit": 0}),
    ({"activation": "swish"}, ["body", "activation"], "not_a_choice", {"choices": list(ACTIVATIONS)}),
    ({"colour": "red"}, ["body", "colour"], "unknown_field", {}),
    ({"methods": []}, ["body", "methods"], "too_few", {"limit": 1}),
])
def test_a_422_names_its_fault_by_code_with_params(client, change, loc, code, params):
    detail = refused(client, GOOD | change)
    assert detail["loc"] == loc and detail["code"] == code and detail["params"] == params
    assert detail["msg"] and detail["type"]  # FastAPI's own shape is kept for API clients


def test_a_cap_has_a_code_and_the_limit(client, settings):
    detail = refused(client, GOOD | {"depth": settings.max_depth + 1})
    assert detail == {"loc": ["body", "depth"], "msg": f"{settings.max_depth + 1} is above this server's limit "
                      f"of {settings.max_depth}", "type": "value_error", "code": "above_cap",
                      "params": {"limit": settings.max_depth}}


def test_a_socket_error_carries_code_and_params_and_keeps_its_field(client):
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "start", "lab": "initialization", "config": GOOD | {"depth": 1}})
        error = until(ws, is_error)[-1]
        assert error["field"] == "config.depth" and error["code"] == "at_least" and error["params"] == {"limit": 2}
        assert error["message"] == "Input should be greater than or equal to 2"
        ws.send_json({"type": "step", "n": 1})
        error = receive(ws)
        assert (error["field"], error["code"], error["params"]) == ("type", "no_run", {})
        ws.send_text("{not json")
        assert receive(ws)["code"] == "not_json"
        ws.send_json({"type": "attach"})
        error = receive(ws)
        assert (error["field"], error["code"]) == ("run_id", "missing")


def test_pydantic_wording_becomes_codes():
    assert error_code({"type": "less_than_equal", "ctx": {"le": 10.0}}) == ("at_most", {"limit": 10.0})
    assert error_code({"type": "literal_error", "ctx": {"expected": "'sgd', 'adam' or 'rmsprop'"}}) == \
        ("not_a_choice", {"choices": ["sgd", "adam", "rmsprop"]})
    assert choices("1, 2 or 3") == ["1", "2", "3"]
    assert error_code({"type": "something_new"}) == ("invalid", {})


def test_every_code_is_said_in_both_languages():
    for lang in ("en", "zh"):
        said = {key.removeprefix("error.") for key in STRINGS[lang] if key.startswith("error.")}
        assert CODES <= said, sorted(CODES - said)
    for code in CODES - {"invalid", "bad_formula"}:  # (those two say the server's English message in English)
        zh, en = STRINGS["zh"][f"error.{code}"], STRINGS["en"][f"error.{code}"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), code
        assert sorted(part for part in zh.split("{")[1:]) == sorted(part for part in en.split("{")[1:]) or \
            {p.split("}")[0] for p in zh.split("{")[1:]} == {p.split("}")[0] for p in en.split("{")[1:]}, code
