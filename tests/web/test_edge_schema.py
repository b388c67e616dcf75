"""The OpenAPI says what the server does (issue 13 item 11), for every operation at once: no request
body takes ``true`` or ``"3"`` for a number, and every cap the server checks is a ``maximum`` in the
schema, with one above it refused naming the field."""

import pytest

JSON = "application/json"
# the fields an operation requires, so that a body fails on the one field under test alone
REQUIRED = {
    "/api/init/inspect": {"init": {"method": "normal"}},
    "/api/optimizers/trajectories": {"surface": {"name": "saddle"}, "start": [1, 1], "steps": 3,
                                     "optimizers": [{"name": "sgd"}]},
}


def _resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _kinds(schema: dict, spec: dict) -> set[str]:
    schema = _resolve(schema, spec)
    kinds = {schema["type"]} if isinstance(schema.get("type"), str) else set()
    for option in schema.get("anyOf", []):
        kinds |= _kinds(option, spec)
    return kinds


def _bodies(spec: dict) -> list[tuple[str, dict]]:
    """(path, the request body's object schema) of every operation taking JSON."""
    out = []
    for path, item in spec["paths"].items():
        body = item.get("post", {}).get("requestBody", {}).get("content", {}).get(JSON)
        if body is None or "{" in path:
            continue
        schema = _resolve(body["schema"], spec)
        schema = next((_resolve(o, spec) for o in schema.get("anyOf", []) if "$ref" in o), schema)
        out.append((path, schema))
    return out


def _numbers(spec: dict) -> list[tuple[str, str, str]]:
    found = []
    for path, schema in _bodies(spec):
        for name, prop in schema.get("properties", {}).items():
            kinds = _kinds(prop, spec)
            if kinds & {"number", "integer"} and not kinds & {"boolean", "string"}:
                found.append((path, name, "integer" if "integer" in kinds and "number" not in kinds else "number"))
    return found


def test_no_operation_takes_a_boolean_or_a_string_for_a_number(client):
    # {"b": false} was answered 200 on /api/backprop/chain-rule, and so were 15 other operations
    spec = client.get("/openapi.json").json()
    numbers = _numbers(spec)
    assert len({path for path, _, _ in numbers}) >= 12, numbers
    taken = []
    for path, name, _ in numbers:
        for value in (True, False, "3"):
            response = client.post(path, json={name: value})
            locs = [d["loc"] for d in response.json().get("detail", [])] if response.status_code == 422 else []
            if ["body", name] not in locs:
                taken.append((path, name, value, response.status_code))
    assert taken == []


def _caps(spec: dict) -> list[tuple[str, str, dict]]:
    return [(path, name, prop) for path, schema in _bodies(spec)
            for name, prop in schema.get("properties", {}).items() if "x-cap" in prop]


def test_every_cap_is_a_maximum_of_this_server_and_one_more_is_refused(client, settings):
    spec = client.get("/openapi.json").json()
    capped = [(p, n, prop) for p, n, prop in _caps(spec) if prop.get("type") == "integer"]
    assert len({p for p, _, _ in capped}) >= 8, capped
    for path, name, prop in capped:
        assert prop["maximum"] == getattr(settings, prop["x-cap"]), (path, name, prop)
        response = client.post(path, json={**REQUIRED.get(path, {}), name: prop["maximum"] + 1})
        assert response.status_code == 422, (path, name, response.text)
        assert response.json()["detail"][0]["loc"] == ["body", name], (path, name, response.text)


@pytest.mark.parametrize(("path", "name"), [("/api/descent/run", "epochs"), ("/api/training/vanishing", "depth"),
                                            ("/api/training/polynomial", "small")])
def test_hand_written_models_carry_their_caps(client, settings, path, name):
    spec = client.get("/openapi.json").json()
    assert any(p == path and n == name for p, n, _ in _caps(spec))
