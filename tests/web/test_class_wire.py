"""A class over the real /ws/runs and run hub: present, follow, release, freeze, push, roster, return."""

import time

import pytest

from tests.conftest import WS
from tests.web.wsutil import TINY, status, until

PAUSED = {**TINY, "steps": 1000}


def is_(kind, **fields):
    return lambda m: m["type"] == kind and all(m.get(k) == v for k, v in fields.items())


@pytest.fixture
def klass(client):
    created = client.post("/api/classes").json()
    students = [client.post(f"/api/classes/{created['code']}/students", json={"name": n}).json()
                for n in ("Ada", "Bo", "<img src=x onerror=alert(1)>")]
    return created, students


def start(ws, config=PAUSED, paused=True):
    ws.send_json({"type": "start", "lab": "initialization", "config": config, "paused": paused})
    started = until(ws, is_("started"))[-1]
    return started


def join(ws, code, token, role):
    ws.send_json({"type": "join", "code": code, "token": token})
    joined = until(ws, is_("joined"))[-1]
    assert joined["role"] == role and joined["code"] == code.upper()  # matched in any case
    return joined


def test_present_follow_release_with_real_runs(client, klass):
    created, students = klass
    code = created["code"]
    with client.websocket_connect(WS) as teacher, client.websocket_connect(WS) as s1, \
            client.websocket_connect(WS) as s2:
        run = start(teacher)
        join(teacher, code.lower(), created["teacher_token"], "teacher")
        own = start(s1)  # s1 has a run of its own, kept while it follows
        until(s1, status("paused"))
        for ws, student in ((s1, students[0]), (s2, students[1])):
            join(ws, code, student["student_token"], "student")
        teacher.send_json({"type": "present", "run_id": run["run_id"]})
        for ws in (s1, s2):
            present = until(ws, is_("present"))[-1]
            assert present == {"type": "present", "run_id": run["run_id"], "lab": "initialization",
                               "config": run["config"]}
            assert until(ws, is_("frame"))[-1]["run_id"] == run["run_id"]
        teacher.send_json({"type": "step", "n": 2})  # the teacher steps: every student sees frame 2
        for ws in (s1, s2):
            frame = until(ws, lambda m: m["type"] == "frame" and m["step"] == 2)[-1]
            assert frame["run_id"] == run["run_id"]
        teacher.send_json({"type": "resume"})
        for ws in (s1, s2):
            until(ws, is_("status", run_id=run["run_id"], status="running"))
        teacher.send_json({"type": "pause"})
        for ws in (s1, s2):
            until(ws, is_("status", run_id=run["run_id"], status="paused"))
        s1.send_json({"type": "resume"})  # a follower cannot move the presented run
        refusal = until(s1, is_("error"))[-1]
        assert refusal["field"] == "type"
        teacher.send_json({"type": "present", "run_id": None})
        released = until(s1, is_("release"))
        back = until(s1, lambda m: m["type"] == "status" and m["run_id"] == own["run_id"])[-1]
        assert released[-1] == {"type": "release"} and back["status"] == "paused"
        until(s2, is_("release"))


def test_freeze_pauses_students_runs_and_refuses_their_controls(client, klass):
    created, students = klass
    code = created["code"]
    with client.websocket_connect(WS) as teacher, client.websocket_connect(WS) as s1:
        join(teacher, code, created["teacher_token"], "teacher")
        own = start(s1, TINY, paused=False)
        until(s1, status("running"))
        join(s1, code, students[0]["student_token"], "student")
        teacher.send_json({"type": "freeze", "on": True})
        assert until(s1, is_("freeze"))[-1] == {"type": "freeze", "on": True}
        until(s1, is_("status", run_id=own["run_id"], status="paused"))
        for message in ({"type": "resume"}, {"type": "step", "n": 1}, {"type": "set", "params": {"lr": 0.1}}):
            s1.send_json(message)
            assert until(s1, is_("error"))[-1]["field"] == "type"
        teacher.send_json({"type": "freeze", "on": False})
        assert until(s1, is_("freeze"))[-1] == {"type": "freeze", "on": False}
        s1.send_json({"type": "resume"})
        until(s1, is_("status", run_id=own["run_id"], status="running"))
        s1.send_json({"type": "stop"})


def test_push_reaches_students_validated_and_a_bad_one_only_the_teacher(client, klass):
    created, students = klass
    with client.websocket_connect(WS) as teacher, client.websocket_connect(WS) as s1:
        join(teacher, created["code"], created["teacher_token"], "teacher")
        join(s1, created["code"], students[0]["student_token"], "student")
        teacher.send_json({"type": "push", "lab": "initialization", "config": {"width": "wide"}})
        assert until(teacher, is_("error"))[-1]["field"] == "config.width"
        teacher.send_json({"type": "push", "lab": "nope", "config": {}})
        assert until(teacher, is_("error"))[-1]["field"] == "lab"
        teacher.send_json({"type": "push", "lab": "initialization", "config": {"depth": 3}})
        push = until(s1, is_("push"))  # the first message the student gets: nothing of the bad ones
        assert len(push) == 1 or all(m["type"] == "roster" for m in push[:-1])
        assert push[-1]["lab"] == "initialization" and push[-1]["config"]["depth"] == 3
        assert push[-1]["config"]["width"] == 256  # canonical: the lab's defaults filled in
        for message in ({"type": "present", "run_id": None}, {"type": "freeze", "on": True},
                        {"type": "push", "lab": "initialization", "config": {}}):
            s1.send_json(message)
            assert until(s1, is_("error"))[-1]["field"] == "type"


def test_bad_tokens_and_codes_on_the_socket(client, klass):
    created, students = klass
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "join", "code": created["code"], "token": "not-a-token"})
        assert until(ws, is_("error"))[-1]["field"] == "token"
        ws.send_json({"type": "join", "code": "ZZZZZZ", "token": students[0]["student_token"]})
        assert until(ws, is_("error"))[-1]["field"] == "code"
        ws.send_json({"type": "join", "code": created["code"]})
        assert until(ws, is_("error"))[-1]["field"] == "token"


def test_no_student_controls_another_students_run(client, klass):
    created, students = klass
    with client.websocket_connect(WS) as s1, client.websocket_connect(WS) as s2:
        own = start(s1)
        join(s1, created["code"], students[0]["student_token"], "student")
        join(s2, created["code"], students[1]["student_token"], "student")
        s2.send_json({"type": "attach", "run_id": own["run_id"], "token": students[1]["student_token"]})
        assert until(s2, is_("error"))[-1]["field"] == "token"
        s2.send_json({"type": "attach", "run_id": own["run_id"]})
        assert until(s2, is_("attached"))[-1]["control"] is False
        for message in ({"type": "resume"}, {"type": "stop"}, {"type": "step", "n": 1}):
            s2.send_json(message)
            assert until(s2, is_("error"))[-1]["field"] == "type"


def test_the_roster_reaches_the_teacher_with_runs_and_the_get_agrees(client, klass):
    created, students = klass
    code, token = created["code"], created["teacher_token"]
    with client.websocket_connect(WS) as teacher, client.websocket_connect(WS) as s1:
        join(teacher, code, token, "teacher")
        own = start(s1)
        join(s1, code, students[0]["student_token"], "student")
        s1.send_json({"type": "step", "n": 3})
        roster = until(teacher, lambda m: m["type"] == "roster" and any(
            s["run_id"] == own["run_id"] and s["step"] == 3 for s in m["students"]))[-1]
        row = next(s for s in roster["students"] if s["run_id"] == own["run_id"])
        assert (row["name"], row["lab"], row["status"], row["connected"]) == ("Ada", "initialization", "paused", True)
        assert len(row["losses"]) == 3
        assert {s["name"] for s in roster["students"]} == {"Ada", "Bo", "<img src=x onerror=alert(1)>"}
        body = client.get(f"/api/classes/{code}", headers={"Authorization": f"Bearer {token}"}).json()
        got = next(s for s in body["students"] if s["student_id"] == students[0]["student_id"])
        assert {k: got[k] for k in ("lab", "run_id", "status", "step")} == {
            "lab": "initialization", "run_id": own["run_id"], "status": "paused", "step": 3}


def test_a_returning_student_gets_the_class_back_and_ending_frees_everyone(client, klass):
    created, students = klass
    code, token = created["code"], created["teacher_token"]
    with client.websocket_connect(WS) as teacher:
        run = start(teacher)
        join(teacher, code, token, "teacher")
        with client.websocket_connect(WS) as s1:
            own = start(s1)
            join(s1, code, students[0]["student_token"], "student")
        teacher.send_json({"type": "present", "run_id": run["run_id"]})
        teacher.send_json({"type": "freeze", "on": True})
        time.sleep(0.1)
        with client.websocket_connect(WS) as again:  # the reload: its own run by token, then the class
            again.send_json({"type": "attach", "run_id": own["run_id"], "token": own["token"]})
            assert until(again, is_("attached"))[-1]["control"] is True
            join(again, code, students[0]["student_token"], "student")
            catch_up = until(again, is_("freeze"))
            kinds = [m["type"] for m in catch_up]
            assert "present" in kinds and kinds.index("present") < kinds.index("freeze")
            frames = [m for m in catch_up[kinds.index("present"):] if m["type"] == "frame"]
            assert frames and frames[-1]["run_id"] == run["run_id"]  # the presented run's latest frame at once
            ended = client.delete(f"/api/classes/{code}", headers={"Authorization": f"Bearer {token}"})
            assert ended.status_code == 204
            assert until(again, is_("ended"))[-1] == {"type": "ended", "code": code}
            assert until(teacher, is_("ended"))[-1] == {"type": "ended", "code": code}
            again.send_json({"type": "resume"})  # the class is over: the run is the student's again
            until(again, is_("status", run_id=own["run_id"], status="running"))
            again.send_json({"type": "stop"})
            until(again, is_("status", run_id=own["run_id"], status="stopped"))
