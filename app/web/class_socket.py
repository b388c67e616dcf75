"""A class over /ws/runs: who is in which class, and what the teacher's messages do to the students.

One ``Classroom`` per app. connection.py hands it the class messages (join, present, freeze, push)
and tells it when a socket leaves; the roster reaches the teacher at most every ``ROSTER_EVERY_S``.
"""

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import orjson

from app.classes import roster
from app.classes.experiment import points
from app.classes.ratelimit import FailedJoins
from app.classes.store import ClassRecord, MemoryClassStore
from app.labs.errors import FieldError
from app.settings import Settings

log = logging.getLogger(__name__)
ROSTER_EVERY_S = 0.5  # the teacher's roster: whenever it changed, at most this often
RESCAN_EVERY_S = 0.5  # a run the classroom does not know: look for it among students' sockets this often


@dataclass
class Member:
    code: str
    role: str  # teacher | student
    student_id: str | None = None


@dataclass
class Group:
    """The sockets of one class."""

    teachers: set[Any] = field(default_factory=set)
    students: dict[Any, str] = field(default_factory=dict)  # socket -> student_id
    last_roster: bytes = b""
    next_roster_at: float = 0.0
    timer: asyncio.TimerHandle | None = None


class Classroom:
    def __init__(self, settings: Settings, hub: Any, store: MemoryClassStore | None = None) -> None:
        self.settings = settings
        self.hub = hub
        self.store = store or MemoryClassStore(settings.max_classes, settings.max_class_students,
                                               settings.class_idle_s)
        self.failed_joins = FailedJoins(settings.max_failed_joins)
        self.groups: dict[str, Group] = {}
        self.members: dict[Any, Member] = {}
        self._run_class: dict[str, str] = {}  # run_id -> code, for runs of students' sockets
        self._rescanned_at = 0.0
        self._rescan_timer: asyncio.TimerHandle | None = None
        hub.add_listener(self._run_changed)

    # --- messages from a socket -------------------------------------------------------------------
    async def handle(self, conn: Any, msg: Any) -> None:
        self.sweep()
        if msg.type == "join":
            self._join(conn, msg.code, msg.token)
            return
        member = self.members.get(conn)
        if member is None or member.role != "teacher":
            who = "a student" if member is not None else "a socket outside a class"
            _error(conn, f"{msg.type} is the teacher's: {who} cannot send it", "type")
            return
        record = self.store.get(member.code)
        if record is None:
            return
        if msg.type == "present":
            self.present(record, msg.run_id, getattr(msg, "view", None), conn)
        elif msg.type == "freeze":
            self.freeze(record, msg.on)
        elif msg.type == "push":
            try:
                config = self.hub.validate(msg.lab, msg.config)
            except FieldError as exc:
                _error(conn, exc.message, exc.field)  # to the teacher only: the students saw nothing
                return
            if record.presenting is not None:
                self.present(record, None, None, conn)  # a scene is the students' own work: release first
            for student in self.groups[record.code].students:
                student.send({"type": "push", "lab": msg.lab, "config": config})

    def _join(self, conn: Any, code: str, token: str) -> None:
        # A socket's join needs a 192-bit token, not only a code: guessing is hopeless, but a socket that
        # knows its address (a later connection.py may tell) is still held to the same limit as HTTP.
        address = getattr(conn, "address", None)
        if address is not None and self.failed_joins.blocked(address):
            _error(conn, "too many failed joins from this address; wait a minute", "code")
            return
        record = self.store.get(code)
        found = self.store.role(code, token) if record is not None else None
        if record is None or found is None:
            if address is not None:
                self.failed_joins.failed(address)
            if record is None:
                _error(conn, f"no open class has the code {code!r}", "code")
            else:
                _error(conn, "this token does not belong to the class", "token")
            return
        self.left(conn)  # a socket is in one class, in one role
        role, student = found
        group = self.groups.setdefault(record.code, Group())
        self.members[conn] = Member(record.code, role, student.student_id if student else None)
        conn.classroom = self
        reply: dict[str, Any] = {"type": "joined", "role": role, "code": record.code}
        if student is not None:
            reply |= {"student_id": student.student_id, "name": student.name}
            group.students[conn] = student.student_id
            conn.send(reply)
            self._catch_up(record, conn)  # a reload returns to what the class is doing now
        else:
            self.store.teacher_arrived(record.code)
            group.teachers.add(conn)
            conn.send(reply)
            group.last_roster = b""  # a new teacher socket gets the roster at once
        self._changed(record.code)

    def _catch_up(self, record: ClassRecord, conn: Any) -> None:
        if record.presenting is not None:
            run = self.hub.get(record.presenting)
            if run is not None:
                conn.send(self._present_message(run, record.view))
                conn.present(run)
        if record.frozen:
            conn.freeze(True)
            conn.send({"type": "freeze", "on": True})

    # --- what the teacher does --------------------------------------------------------------------
    def present(self, record: ClassRecord, run_id: str | None, view: dict[str, Any] | None, teacher: Any) -> None:
        students = self.groups[record.code].students
        if run_id is None:
            record.presenting, record.view = None, None
            for conn in students:
                conn.send({"type": "release"})  # first: the page unfollows, then its own run's frame comes back
                conn.release()
        else:
            run = self.hub.get(run_id)
            if run is None:
                _error(teacher, f"no run {run_id!r} is live on this server", "run_id")
                return
            again = record.presenting == run_id  # the same run, a new view: the students only re-draw
            record.presenting, record.view = run_id, view
            message = self._present_message(run, view)
            for conn in students:
                conn.send(message)
                if not again:
                    conn.present(run)
        self._changed(record.code)

    @staticmethod
    def _present_message(run: Any, view: dict[str, Any] | None) -> dict[str, Any]:
        message = {"type": "present", "run_id": run.run_id, "lab": run.lab, "config": run.config}
        return message | ({"view": view} if view is not None else {})

    def freeze(self, record: ClassRecord, on: bool) -> None:
        record.frozen = on
        for conn in self.groups[record.code].students:
            conn.freeze(on)
            conn.send({"type": "freeze", "on": on})
        self._changed(record.code)

    def end(self, code: str) -> bool:
        """End the class: students keep their runs as their own, and the code stops working."""
        record = self.store.end(code)
        self._disband(record.code if record else code, record)
        return record is not None

    def _disband(self, code: str, record: ClassRecord | None) -> None:
        group = self.groups.pop(code, None)
        if group is None:
            return
        if group.timer is not None:
            group.timer.cancel()
        for conn in list(group.students):
            conn.send({"type": "ended", "code": code})
            if record is None or record.presenting is not None:
                conn.release()
            if record is None or record.frozen:
                conn.freeze(False)
            self.members.pop(conn, None)
        for conn in list(group.teachers):
            conn.send({"type": "ended", "code": code})
            self.members.pop(conn, None)

    def sweep(self) -> None:
        """End the classes whose teacher has been away ``class_idle_s``."""
        self.store.expired()
        for code in [c for c in self.groups if self.store.get(c) is None]:
            log.info("class %s ended: no teacher for %.0f s", code, self.settings.class_idle_s)
            self._disband(code, None)

    # --- sockets leaving ----------------------------------------------------------------------
    def left(self, conn: Any) -> None:
        member = self.members.pop(conn, None)
        if member is None:
            return
        group = self.groups.get(member.code)
        if group is None:
            return
        if member.role == "teacher":
            group.teachers.discard(conn)
            self.store.teacher_left(member.code)
            if not group.teachers:
                loop = asyncio.get_running_loop()
                loop.call_later(self.settings.class_idle_s + 0.05, self.sweep)
        else:
            group.students.pop(conn, None)
            record = self.store.get(member.code)
            student = record.students.get(member.student_id or "") if record else None
            if student is not None and conn.run is not None:
                student.run_id, student.lab = conn.run.run_id, conn.run.lab
        self._changed(member.code)

    # --- the roster ----------------------------------------------------------------------------
    def roster(self, record: ClassRecord) -> list[dict[str, Any]]:
        group = self.groups.get(record.code, Group())
        online = {sid: conn for conn, sid in group.students.items()}
        rows = []
        for student in record.students.values():
            conn = online.get(student.student_id)
            run = conn.run if conn is not None else None
            if run is None and student.run_id is not None:
                run = self.hub.get(student.run_id)
            if run is not None:
                student.run_id, student.lab = run.run_id, run.lab
                self._run_class[run.run_id] = record.code
                roster.remember(student.results, run, _latest_frame(run) if _wants_frame(record) else None)
            rows.append(roster.row(student, run, conn is not None))
        return rows

    def state(self, record: ClassRecord) -> dict[str, Any]:
        """The GET's body: the roster, what is presented, whether the class is frozen (and the
        experiment's points, when the teacher has chosen one)."""
        body = {"code": record.code, "students": self.roster(record), "presenting": record.presenting,
                "frozen": record.frozen}
        return body | {"experiment": self.experiment(record)}

    def experiment(self, record: ClassRecord) -> dict[str, Any] | None:
        e = record.experiment
        if e is None:
            return None
        results = [r for s in record.students.values() for r in s.results.values()]
        return {"lab": e.lab, "field": e.field, "metric": e.metric, "target": e.target,
                "points": points(results, e.lab, e.field, e.metric, e.target)}

    def _changed(self, code: str) -> None:
        """Something on the roster may have changed: send it when the throttle allows."""
        group = self.groups.get(code)
        if group is None or not group.teachers or group.timer is not None:
            return
        loop = asyncio.get_running_loop()
        delay = max(0.0, group.next_roster_at - loop.time())
        group.timer = loop.call_later(delay, self._send_roster, code)

    def _send_roster(self, code: str) -> None:
        group = self.groups.get(code)
        record = self.store.get(code)
        if group is None:
            return
        group.timer = None
        if record is None:
            self.sweep()
            return
        now = asyncio.get_running_loop().time()
        state = self.state(record)
        body = orjson.dumps(state)
        if body == group.last_roster:
            return
        group.last_roster = body
        group.next_roster_at = now + ROSTER_EVERY_S
        message = {"type": "roster", **{k: v for k, v in state.items() if k != "code"}}
        for conn in group.teachers:
            conn.send(message)

    def _run_changed(self, run: Any) -> None:
        code = self._run_class.get(run.run_id)
        if code is not None:
            self._changed(code)
        elif self._rescan_timer is None:
            # a run no class knows yet (a student's new run, or nobody's in a class): look among the
            # students' sockets soon, at most every RESCAN_EVERY_S however many runs step meanwhile
            loop = asyncio.get_running_loop()
            delay = max(0.0, self._rescanned_at + RESCAN_EVERY_S - loop.time())
            self._rescan_timer = loop.call_later(delay, self._rescan)

    def _rescan(self) -> None:
        self._rescan_timer = None
        self._rescanned_at = asyncio.get_running_loop().time()
        if len(self._run_class) > 20 * self.settings.max_classes * self.settings.max_class_students:
            self._run_class.clear()  # run ids of long-gone runs: forget them, this scan refills
        for conn, member in self.members.items():
            run = conn.run if member.role == "student" else None
            if run is not None and run.run_id not in self._run_class:
                self._run_class[run.run_id] = member.code
                self._changed(member.code)

def _wants_frame(record: ClassRecord) -> bool:
    return record.experiment is not None and record.experiment.metric == "test_accuracy"


def _latest_frame(run: Any) -> dict[str, Any] | None:
    frame = getattr(run, "last_frame", None)  # the encoded frame message the run last sent
    if isinstance(frame, (bytes, str)):
        try:
            frame = orjson.loads(frame)
        except orjson.JSONDecodeError:
            return None
    return frame if isinstance(frame, dict) else None


def _error(conn: Any, message: str, field_: str | None) -> None:
    conn.send({"type": "error", "message": message, "field": field_})
