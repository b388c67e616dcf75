"""The classroom's socket side against stand-in sockets and runs: every line of the class contract."""

import asyncio
from types import SimpleNamespace

import pytest

from app.labs.errors import FieldError
from app.settings import Settings
from app.web.class_socket import ROSTER_EVERY_S, Classroom
from app.web.messages import client_message


class Run(SimpleNamespace):
    def losses(self, points=40):
        return [1.0, 0.5]


class Hub:
    def __init__(self):
        self.runs = {}
        self.listeners = []

    def add_listener(self, fn):
        self.listeners.append(fn)

    def get(self, run_id):
        return self.runs.get(run_id)

    def validate(self, lab, config):
        if lab != "training":
            raise FieldError("lab", f"unknown lab {lab!r}")
        if "lr" in config and not isinstance(config["lr"], float):
            raise FieldError("config.lr", "lr is a number")
        return {"lr": 0.01, "epochs": 60, **config}

    def changed(self, run):
        for fn in self.listeners:
            fn(run)


class Conn:
    def __init__(self, address="10.0.0.1"):
        self.sent, self.calls = [], []
        self.run = None
        self.address = address
        self.classroom = None

    def send(self, message):
        self.sent.append(message)

    def present(self, run):
        self.calls.append(("present", run.run_id))

    def release(self):
        self.calls.append(("release",))

    def freeze(self, on):
        self.calls.append(("freeze", on))

    def take(self, kind=None):
        out = [m for m in self.sent if kind is None or m["type"] == kind]
        self.sent = [m for m in self.sent if m not in out]
        return out


def msg(**fields):
    return client_message.validate_python(fields)


class Class:
    """A classroom with a teacher socket and students ready to join."""

    def __init__(self, **settings):
        self.hub = Hub()
        self.room = Classroom(Settings(**settings), self.hub)
        record = self.room.store.create()
        self.code, self.token = record.code, record.teacher_token
        self.teacher = Conn()

    async def join_teacher(self, conn=None):
        conn = conn or self.teacher
        await self.room.handle(conn, msg(type="join", code=self.code.lower(), token=self.token))
        return conn

    async def join_student(self, name="Mei"):
        student = self.room.store.add_student(self.code, name)
        conn = Conn()
        await self.room.handle(conn, msg(type="join", code=self.code, token=student.token))
        return conn, student


def run_async(coro):
    return asyncio.run(coro)


def test_join_answers_role_and_code_and_refuses_bad_codes_and_tokens():
    async def scenario():
        c = Class()
        teacher = await c.join_teacher()
        assert teacher.take() == [{"type": "joined", "role": "teacher", "code": c.code}]
        student, record = await c.join_student()
        assert student.take("joined") == [{"type": "joined", "role": "student", "code": c.code,
                                           "student_id": record.student_id, "name": "Mei"}]
        assert student.classroom is c.room
        stranger = Conn("10.0.0.9")
        await c.room.handle(stranger, msg(type="join", code=c.code, token="x" * 32))
        assert [(m["type"], m["field"]) for m in stranger.take()] == [("error", "token")]
        await c.room.handle(stranger, msg(type="join", code="ZZZZZZ", token=c.token))
        assert [(m["type"], m["field"]) for m in stranger.take()] == [("error", "code")]
        for _ in range(19):
            await c.room.handle(stranger, msg(type="join", code="ZZZZZZ", token="x"))
        await c.room.handle(stranger, msg(type="join", code=c.code, token=c.token))  # right, but too late
        last = stranger.take()[-1]
        assert last["field"] == "code" and "too many failed joins" in last["message"]
        assert stranger not in c.room.members
    run_async(scenario())


def test_present_puts_the_run_on_every_student_and_null_releases():
    async def scenario():
        c = Class()
        await c.join_teacher()
        students = [(await c.join_student(n))[0] for n in ("A", "B", "C")]
        run = Run(run_id="r1", lab="training", config={"lr": 0.1}, status="running", step=3)
        c.hub.runs["r1"] = run
        await c.room.handle(c.teacher, msg(type="present", run_id="r1", view={"tab": "boundary"}))
        for s in students:
            assert s.take("present") == [{"type": "present", "run_id": "r1", "lab": "training",
                                          "config": {"lr": 0.1}, "view": {"tab": "boundary"}}]
            assert s.calls == [("present", "r1")]
        await c.room.handle(c.teacher, msg(type="present", run_id="r1", view={"tab": "weights"}))
        assert students[0].take("present")[0]["view"] == {"tab": "weights"}
        assert students[0].calls == [("present", "r1")]  # the same run: a new view, no second watch
        assert not c.teacher.take("present")
        await c.room.handle(c.teacher, msg(type="present", run_id=None))
        for s in students:
            assert s.take("release") == [{"type": "release"}] and s.calls[-1] == ("release",)
        await c.room.handle(c.teacher, msg(type="present", run_id="gone"))
        assert [(m["type"], m["field"]) for m in c.teacher.take("error")] == [("error", "run_id")]
    run_async(scenario())


def test_freeze_pauses_students_and_a_late_or_returning_student_catches_up():
    async def scenario():
        c = Class()
        await c.join_teacher()
        early, _ = await c.join_student()
        c.hub.runs["r1"] = Run(run_id="r1", lab="descent", config={}, status="paused", step=0)
        await c.room.handle(c.teacher, msg(type="present", run_id="r1"))
        await c.room.handle(c.teacher, msg(type="freeze", on=True))
        assert early.take("freeze") == [{"type": "freeze", "on": True}] and early.calls[-1] == ("freeze", True)
        late, _ = await c.join_student("Late")
        assert [m["type"] for m in late.take()] == ["joined", "present", "freeze"]
        assert late.calls == [("present", "r1"), ("freeze", True)]
        await c.room.handle(c.teacher, msg(type="freeze", on=False))
        assert late.take("freeze") == [{"type": "freeze", "on": False}] and late.calls[-1] == ("freeze", False)
    run_async(scenario())


def test_push_is_validated_like_a_start_and_a_bad_one_reaches_the_teacher_only():
    async def scenario():
        c = Class()
        await c.join_teacher()
        student, _ = await c.join_student()
        student.take()
        await c.room.handle(c.teacher, msg(type="push", lab="training", config={"lr": 0.3}))
        assert student.take() == [{"type": "push", "lab": "training", "config": {"lr": 0.3, "epochs": 60}}]
        await c.room.handle(c.teacher, msg(type="push", lab="training", config={"lr": "fast"}))
        await c.room.handle(c.teacher, msg(type="push", lab="nope", config={}))
        assert [m["field"] for m in c.teacher.take("error")] == ["config.lr", "lab"]
        assert student.take() == []
        c.hub.runs["r1"] = Run(run_id="r1", lab="training", config={}, status="paused", step=0)
        await c.room.handle(c.teacher, msg(type="present", run_id="r1"))
        student.take()
        await c.room.handle(c.teacher, msg(type="push", lab="training", config={}))
        assert [m["type"] for m in student.take()] == ["release", "push"]  # a scene ends the presentation
        assert student.calls[-1] == ("release",)
    run_async(scenario())


def test_students_and_strangers_cannot_send_the_teachers_messages():
    async def scenario():
        c = Class()
        await c.join_teacher()
        student, _ = await c.join_student()
        stranger = Conn()
        c.hub.runs["r1"] = Run(run_id="r1", lab="descent", config={}, status="paused", step=0)
        for conn in (student, stranger):
            conn.take()
            for m in (msg(type="present", run_id="r1"), msg(type="freeze", on=True),
                      msg(type="push", lab="training", config={})):
                await c.room.handle(conn, m)
            assert [(m["type"], m["field"]) for m in conn.take()] == [("error", "type")] * 3
        assert student.calls == [] and c.teacher.take("freeze") == []
    run_async(scenario())


def test_the_teacher_gets_the_roster_when_it_changes_at_most_every_half_second():
    async def scenario():
        c = Class()
        await c.join_teacher()
        student, record = await c.join_student("<img src=x onerror=alert(1)>")
        await asyncio.sleep(0.05)
        [first] = c.teacher.take("roster")
        assert first["presenting"] is None and first["frozen"] is False
        [row] = first["students"]
        assert {k: row[k] for k in ("student_id", "name", "lab", "run_id", "status", "step")} == {
            "student_id": record.student_id, "name": "<img src=x onerror=alert(1)>", "lab": None,
            "run_id": None, "status": None, "step": None}
        run = Run(run_id="s1", lab="training", config={"lr": 0.1}, status="running", step=1)
        student.run = run
        c.hub.runs["s1"] = run
        loop = asyncio.get_running_loop()
        arrivals = []
        send = c.teacher.send
        c.teacher.send = lambda m: (arrivals.append(loop.time()) if m["type"] == "roster" else None, send(m))
        for step in range(2, 200):  # a run stepping fast for a second: one roster per half second
            run.step = step
            c.hub.changed(run)
            await asyncio.sleep(0.005)
        await asyncio.sleep(ROSTER_EVERY_S + 0.1)
        rosters = c.teacher.take("roster")
        gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
        assert len(rosters) >= 2 and min(gaps) > ROSTER_EVERY_S - 0.01, gaps
        latest = rosters[-1]["students"][0]
        assert (latest["run_id"], latest["lab"], latest["status"], latest["step"]) == ("s1", "training", "running", 199)
        assert latest["losses"] == [1.0, 0.5] and latest["connected"] is True
        await asyncio.sleep(ROSTER_EVERY_S + 0.1)
        assert c.teacher.take("roster") == []  # nothing changed: nothing sent
        c.room.left(student)
        await asyncio.sleep(ROSTER_EVERY_S + 0.1)
        [away] = c.teacher.take("roster")
        assert away["students"][0]["connected"] is False and away["students"][0]["run_id"] == "s1"
    run_async(scenario())


def test_ending_the_class_returns_students_to_their_own_work_and_the_code_stops():
    async def scenario():
        c = Class()
        await c.join_teacher()
        student, _ = await c.join_student()
        c.hub.runs["r1"] = Run(run_id="r1", lab="descent", config={}, status="paused", step=0)
        await c.room.handle(c.teacher, msg(type="present", run_id="r1"))
        await c.room.handle(c.teacher, msg(type="freeze", on=True))
        student.take()
        assert c.room.end(c.code)
        assert student.calls[-2:] == [("release",), ("freeze", False)]
        assert student.take() == [{"type": "ended", "code": c.code}]
        assert c.teacher.take("ended") == [{"type": "ended", "code": c.code}]
        assert c.room.store.get(c.code) is None and not c.room.members
        await c.room.handle(Conn(), msg(type="join", code=c.code, token=c.token))
    run_async(scenario())


def test_a_class_without_a_teacher_socket_for_class_idle_s_ends():
    async def scenario():
        c = Class(class_idle_s=0.2)
        await c.join_teacher()
        student, _ = await c.join_student()
        await asyncio.sleep(0.3)
        assert c.room.store.get(c.code) is not None  # the teacher is connected
        c.room.left(c.teacher)
        await asyncio.sleep(0.4)
        assert c.room.store.get(c.code) is None
        assert student.take("ended") == [{"type": "ended", "code": c.code}]
    run_async(scenario())


@pytest.mark.parametrize(("fields", "field"), [
    ({"type": "join", "code": "K7Q2XP"}, "token"),
    ({"type": "join", "code": "K" * 17, "token": "t"}, "code"),
    ({"type": "present"}, "run_id"),
    ({"type": "present", "run_id": 5}, "run_id"),
    ({"type": "freeze", "on": "yes"}, "on"),
    ({"type": "push", "config": {}}, "lab"),
    ({"type": "push", "lab": "training", "config": []}, "config"),
])
def test_malformed_class_messages_name_their_field(fields, field):
    from pydantic import ValidationError

    from app.web.errors import first_error

    with pytest.raises(ValidationError) as info:
        client_message.validate_python(fields)
    assert first_error(info.value)[0] == f"{fields['type']}.{field}"


def test_a_students_new_run_that_changes_once_still_reaches_the_roster():
    async def scenario():
        c = Class()
        await c.join_teacher()
        student, _ = await c.join_student()
        first = Run(run_id="s1", lab="descent", config={"lr": 0.1}, status="running", step=1)
        student.run = first
        c.hub.changed(first)  # an unknown run: the students' sockets are looked through at once
        await asyncio.sleep(0.05)
        second = Run(run_id="s2", lab="descent", config={"lr": 0.3}, status="finished", step=5)
        student.run = second
        c.hub.changed(second)  # its only change, within the half second after that look: looked at later
        await asyncio.sleep(2 * ROSTER_EVERY_S + 0.2)
        latest = c.teacher.take("roster")[-1]["students"][0]
        assert (latest["run_id"], latest["status"], latest["step"]) == ("s2", "finished", 5)
    run_async(scenario())
