"""The OpenAPI says what the server does (issue 13 item 11), for every operation at once: no request
body takes ``true`` or ``"3"`` for a number, and every cap the server checks is a ``maximum`` in the
schema, with one above it refused naming the field."""

import re

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


def _booleans(spec: dict) -> list[tuple[str, str]]:
    return [(path, name) for path, schema in _bodies(spec) for name, prop in schema.get("properties", {}).items()
            if _kinds(prop, spec) == {"boolean"} or _kinds(prop, spec) == {"boolean", "null"}]


def test_no_operation_takes_a_number_or_a_string_for_a_boolean(client):
    # schemathesis: {"compare": {"residual": 0}} and {"return_parameters": 1} were answered 200
    spec = client.get("/openapi.json").json()
    booleans = _booleans(spec)
    assert ("/api/landscape/surface", "return_parameters") in booleans and len(booleans) >= 4, booleans
    taken = []
    for path, name in booleans:
        for value in (0, 1, "true"):
            response = client.post(path, json={**REQUIRED.get(path, {}), name: value})
            locs = [d["loc"] for d in response.json().get("detail", [])] if response.status_code == 422 else []
            if ["body", name] not in locs:
                taken.append((path, name, value, response.status_code))
    assert taken == []
    nested = client.post("/api/training/scene", json={"compare": {"residual": 0}})
    assert nested.status_code == 422 and nested.json()["detail"][0]["loc"] == ["body", "compare", "residual"]


def test_a_whole_number_written_with_a_point_is_the_integer_the_schema_allows(client):
    # JSON Schema's integer is any number without a fraction: 8.0 was refused where the schema took it
    body = {"init": {"method": "normal"}, "depth": 3, "width": 8, "batch_size": 8, "seed": 1}
    pointed = client.post("/api/init/inspect", json={**body, "width": 8.0, "bins": 19.0})
    assert pointed.status_code == 200, pointed.text
    assert pointed.json() == client.post("/api/init/inspect", json={**body, "bins": 19}).json()
    fraction = client.post("/api/init/inspect", json={**body, "width": 8.5})
    assert fraction.status_code == 422 and fraction.json()["detail"][0]["loc"] == ["body", "width"]
    # the bounds stay JSON Schema's own words (behind the whole-number reading they became "ge" and "le",
    # which a client ignores: {"points": 1} was valid for schemathesis)
    text = client.get("/openapi.json").text
    assert not re.findall(r'"(ge|le|gt|lt|min_length|max_length)":', text)
    points = _resolve({"$ref": "#/components/schemas/CurvesRequest"}, client.get("/openapi.json").json())
    assert points["properties"]["points"]["minimum"] == 3


@pytest.mark.parametrize(("path", "name", "body"), [
    ("/api/descent/scene", "variants", {"variants": ["batch", "batch"]}),
    ("/api/losses/code", "losses", {"losses": ["mse", "mse"]}),
    ("/api/training/code", "features", {"features": ["x1", "x1"]}),
])
def test_lists_without_repeats_say_so_in_the_schema(client, path, name, body):
    spec = client.get("/openapi.json").json()
    schema = dict(_bodies(spec))[path]
    assert schema["properties"][name]["uniqueItems"] is True
    response = client.post(path, json=body)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", name]


def test_a_spec_path_names_its_labs_in_the_schema(client):
    spec = client.get("/openapi.json").json()
    (parameter,) = spec["paths"]["/api/labs/{lab}/spec"]["get"]["parameters"]
    assert parameter["schema"]["enum"] == sorted(client.app.state.live_labs)
    assert all(client.get(f"/api/labs/{lab}/spec").status_code == 200 for lab in parameter["schema"]["enum"])


def test_a_405_allows_every_method_the_path_has(client):
    # GET and DELETE /api/classes/{code} are two routes: Starlette's 405 said "Allow: GET"
    spec = client.get("/openapi.json").json()
    for path, method in [("/api/classes/ABCDEF", "options"), ("/api/init/inspect", "put")]:
        template = next(t for t in spec["paths"] if t.split("/")[:3] == path.split("/")[:3]
                        and t.count("/") == path.count("/"))
        response = client.request(method.upper(), path)
        assert response.status_code == 405
        assert response.headers["allow"] == ", ".join(sorted(m.upper() for m in spec["paths"][template]))
