"""The class HTTP contract: create, join, roster, end, experiment and QR, with every refusal."""

import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from app.classes.codes import ALPHABET
from app.main import create_app
from app.settings import Settings
from tests.conftest import BASE


class StandInHub:
    """Until a run is needed: a hub with no runs."""

    def add_listener(self, fn):
        pass

    def get(self, run_id):
        return None

    def validate(self, lab, config):
        return config


@pytest.fixture
def api(settings):
    with TestClient(create_app(settings), base_url=BASE) as c:
        if getattr(c.app.state, "hub", None) is None:  # the run hub lands in main separately
            c.app.state.hub = StandInHub()
        yield c


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def make_class(api):
    response = api.post("/api/classes")
    assert response.status_code == 201
    return response.json()


def test_create_gives_a_code_a_secret_and_the_join_address_the_teacher_used(api):
    body = make_class(api)
    assert set(body) == {"code", "teacher_token", "join_url"}
    assert re.fullmatch(f"[{ALPHABET}]{{6}}", body["code"])
    assert len(body["teacher_token"]) * 6 >= 128
    assert body["join_url"] == f"{BASE}/join/{body['code']}"


def test_the_join_address_is_the_one_the_teachers_browser_used():
    school = Settings(host="0.0.0.0", allowed_hosts=("192.168.1.20", "gradlab.school.lan"))
    with TestClient(create_app(school), base_url=BASE) as api:
        for host in ("192.168.1.20:8000", "gradlab.school.lan"):
            body = api.post("/api/classes", headers={"Host": host}).json()
            assert body["join_url"] == f"http://{host}/join/{body['code']}"


def test_join_names_default_aliases_and_case_insensitive_codes(api):
    code = make_class(api)["code"]
    mei = api.post(f"/api/classes/{code}/students", json={"name": "Mei"})
    assert mei.status_code == 201
    body = mei.json()
    assert set(body) == {"student_id", "student_token", "name"} and body["name"] == "Mei"
    assert len(body["student_token"]) * 6 >= 128
    anon = api.post(f"/api/classes/{code.lower()}/students")  # no body at all
    assert anon.status_code == 201 and re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", anon.json()["name"])
    assert api.post(f"/api/classes/{code}/students", json={}).json()["name"]
    too_long = api.post(f"/api/classes/{code}/students", json={"name": "x" * 41})
    assert too_long.status_code == 422 and too_long.json()["detail"][0]["loc"] == ["body", "name"]
    assert api.post(f"/api/classes/{code}/students", json={"name": 5}).status_code == 422
    assert api.post(f"/api/classes/{code}/students", json={"nom": "x"}).status_code == 422


def test_an_unknown_code_is_a_404_naming_code(api):
    for code in ("ZZZZZZ", "0OIl10", "x", "K7Q2XPQ"):
        response = api.post(f"/api/classes/{code}/students", json={"name": "Mei"})
        assert response.status_code == 404
        assert response.json()["detail"][0]["loc"] == ["path", "code"]


def test_a_full_class_is_409(settings):
    with TestClient(create_app(Settings(max_class_students=2)), base_url=BASE) as api:
        api.app.state.hub = getattr(api.app.state, "hub", None) or StandInHub()
        code = make_class(api)["code"]
        assert [api.post(f"/api/classes/{code}/students").status_code for _ in range(3)] == [201, 201, 409]


def test_too_many_classes_is_503():
    with TestClient(create_app(Settings(max_classes=1)), base_url=BASE) as api:
        api.app.state.hub = getattr(api.app.state, "hub", None) or StandInHub()
        make_class(api)
        refused = api.post("/api/classes")
        assert refused.status_code == 503  # the same refusal across processes: tests/cluster/test_class_cap_*
        assert refused.json()["detail"] == [{"loc": ["body"], "msg": "this server already holds 1 classes, its limit",
                                             "type": "value_error", "code": "too_many_classes", "params": {"limit": 1}}]


def test_more_than_20_failed_joins_a_minute_is_429_even_for_a_good_code(api):
    code = make_class(api)["code"]
    assert {api.post("/api/classes/AAAAAA/students").status_code for _ in range(20)} == {404}
    refused = api.post(f"/api/classes/{code}/students", json={"name": "Mei"})
    assert refused.status_code == 429 and refused.headers["retry-after"] == "60"


def test_the_roster_is_the_teachers_alone(api):
    created = make_class(api)
    code, token = created["code"], created["teacher_token"]
    student = api.post(f"/api/classes/{code}/students", json={"name": "<img src=x onerror=alert(1)>"}).json()
    no_token = api.get(f"/api/classes/{code}")
    assert no_token.status_code == 401 and no_token.headers["www-authenticate"] == "Bearer"
    assert api.get(f"/api/classes/{code}", headers={"Authorization": token}).status_code == 401  # no scheme
    assert api.get(f"/api/classes/{code}", headers=bearer(student["student_token"])).status_code == 403
    assert api.get(f"/api/classes/{code}", headers=bearer("x" * 32)).status_code == 403
    assert api.get("/api/classes/AAAAAA", headers=bearer(token)).status_code == 404
    body = api.get(f"/api/classes/{code.lower()}", headers=bearer(token)).json()
    assert body["code"] == code and body["presenting"] is None and body["frozen"] is False
    [row] = body["students"]
    assert {k: row[k] for k in ("student_id", "name", "lab", "run_id", "status", "step")} == {
        "student_id": student["student_id"], "name": "<img src=x onerror=alert(1)>",
        "lab": None, "run_id": None, "status": None, "step": None}


def test_delete_ends_the_class_and_the_code_is_gone(api):
    created = make_class(api)
    code, token = created["code"], created["teacher_token"]
    student = api.post(f"/api/classes/{code}/students").json()
    assert api.delete(f"/api/classes/{code}").status_code == 401
    assert api.delete(f"/api/classes/{code}", headers=bearer(student["student_token"])).status_code == 403
    response = api.delete(f"/api/classes/{code}", headers=bearer(token))
    assert response.status_code == 204 and response.content == b""
    assert api.get(f"/api/classes/{code}", headers=bearer(token)).status_code == 404
    assert api.post(f"/api/classes/{code}/students").status_code == 404
    assert api.delete(f"/api/classes/{code}", headers=bearer(token)).status_code == 404


def test_the_qr_code_is_an_svg_of_the_join_address(api):
    created = make_class(api)
    code = created["code"]
    assert api.get(f"/api/classes/{code}/qr.svg").status_code == 401
    response = api.get(f"/api/classes/{code}/qr.svg", headers=bearer(created["teacher_token"]))
    assert response.status_code == 200 and response.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and int(root.get("width")) > 100
    assert b"http" not in response.content.replace(b"http://www.w3.org/2000/svg", b"")  # nothing fetched


def test_the_experiment_is_chosen_by_the_teacher_and_checked(api):
    created = make_class(api)
    code, auth = created["code"], bearer(created["teacher_token"])
    url = f"/api/classes/{code}/experiment"
    body = {"lab": "training", "field": "lr", "metric": "test_accuracy"}
    assert api.put(url, json=body).status_code == 401
    chosen = api.put(url, json=body, headers=auth)
    assert chosen.status_code == 200
    assert chosen.json() == {"experiment": {**body, "target": None, "points": []}}
    assert api.get(f"/api/classes/{code}", headers=auth).json()["experiment"]["field"] == "lr"
    for bad, field in (({**body, "lab": "nope"}, "lab"), ({**body, "metric": "vibes"}, "metric"),
                       ({**body, "field": "lr; drop"}, "field"), ({**body, "target": "x"}, "target")):
        refused = api.put(url, json=bad, headers=auth)
        assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][-1] == field
    assert api.put(url, headers=auth).json() == {"experiment": None}


def test_the_pages_render(api):
    for path in ("/join", "/join/k7q2xp", "/class/K7Q2XP"):
        response = api.get(path)
        assert response.status_code == 200 and "text/html" in response.headers["content-type"]
