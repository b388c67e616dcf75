"""A class over /ws/runs: who is in which class, and what the teacher's messages do to the students.

One ``Classroom`` per app. connection.py hands it the class messages (join, present, freeze, push)
and tells it when a socket leaves; the roster reaches the teacher at most every ``ROSTER_EVERY_S``
(class_roster.py). With a broker across processes the class lives in Redis (classes/broker_store.py):
what the teacher does is applied here to this process's students and published on the class's
channel, and every other process applies it to its own (``_from_elsewhere``), one event after another.
"""

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from app.broker.base import BrokerError
from app.classes.ratelimit import FailedJoins
from app.classes.store import ClassRecord, ClassStore, MemoryClassStore
from app.labs.errors import FieldError
from app.runs.errors import RunError
from app.settings import Settings
from app.web.class_news import ClassNews
from app.web.class_roster import ROSTER_EVERY_S, Group, RosterKeeping

log = logging.getLogger(__name__)
__all__ = ["ROSTER_EVERY_S", "Classroom"]


@dataclass
class Member:
    code: str
    role: str  # teacher | student
    student_id: str | None = None


class Classroom(RosterKeeping, ClassNews):
    def __init__(self, settings: Settings, hub: Any, store: ClassStore | None = None) -> None:
        self.settings = settings
        self.hub = hub
        self.store = store or _store_for(settings, getattr(hub, "broker", None))
        self.failed_joins = FailedJoins(settings.max_failed_joins)
        self.groups: dict[str, Group] = {}
        self.members: dict[Any, Member] = {}
        self._init_roster()
        self._init_news()

    # --- messages from a socket -------------------------------------------------------------------
    async def handle(self, conn: Any, msg: Any) -> None:
        self.sweep()
        if msg.type == "join":
            await self._join(conn, msg.code, msg.token)
            return
        member = self.members.get(conn)
        if member is None or member.role != "teacher":
            who = "a student" if member is not None else "a socket outside a class"
            _error(conn, f"{msg.type} is the teacher's: {who} cannot send it", "type", "teacher_only",
                   {"type": msg.type})
            return
        record = self.store.get(member.code)
        if record is None:
            return
        if msg.type == "present":
            await self.present(record, msg.run_id, getattr(msg, "view", None), conn)
        elif msg.type == "freeze":
            self.freeze(record, msg.on)
        elif msg.type == "push":
            try:
                config = self.hub.validate(msg.lab, msg.config)
            except FieldError as exc:
                # to the teacher only: the students saw nothing
                _error(conn, exc.message, exc.field, exc.code, exc.params)
                return
            if record.presenting is not None:
                await self.present(record, None, None, conn)  # a scene is the students' own work: release first
            self._push(record.code, msg.lab, config)
            self.store.publish(record.code, {"kind": "push", "lab": msg.lab, "config": config})

    async def _join(self, conn: Any, code: str, token: str) -> None:
        # A socket's join needs a 192-bit token, not only a code: guessing is hopeless, but a socket that
        # knows its address is still held to the same limit as HTTP.
        address = getattr(conn, "address", None)
        if address is not None and self.failed_joins.blocked(address):
            _error(conn, "too many failed joins from this address; wait a minute", "code", "too_many_joins")
            return
        try:
            record = await self.store.load(code)
            found = self.store.role(code, token) if record is not None else None
            if record is not None and found is None and self.store.distributed:
                record = await self.store.load(code, fresh=True)  # a student who joined on another process
                found = self.store.role(code, token) if record is not None else None
        except BrokerError as exc:
            _error(conn, f"classes cannot be reached now, try again in a moment: {exc}", "code")
            return
        if record is None or found is None:
            if address is not None:
                self.failed_joins.failed(address)
            if record is None:
                _error(conn, f"no open class has the code {code!r}", "code", "no_class")
            else:
                _error(conn, "this token does not belong to the class", "token", "bad_token")
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
            await self._catch_up(record, conn)  # a reload returns to what the class is doing now
        else:
            self.store.teacher_arrived(record.code)
            group.teachers.add(conn)
            conn.send(reply)
            group.last_roster = b""  # a new teacher socket gets the roster at once
        self._changed(record.code)

    async def _catch_up(self, record: ClassRecord, conn: Any) -> None:
        if record.presenting is not None:
            run = await self._find(record.presenting)
            if run is not None and conn in self.members:
                conn.send(_present_message(run, record.view))
                conn.present(run)
        if record.frozen:
            conn.freeze(True)
            conn.send({"type": "freeze", "on": True})

    async def _find(self, run_id: str | None) -> Any:
        """The run, computed here or (with a broker across processes) on another process; None if gone."""
        if run_id is None:
            return None
        run = self.hub.get(run_id)
        if run is None and getattr(self.hub, "directory", None) is not None:
            try:
                run, _ = await self.hub.find_anywhere(run_id, None)
            except RunError:
                return None
        return run

    # --- what the teacher does --------------------------------------------------------------------
    async def present(self, record: ClassRecord, run_id: str | None, view: dict[str, Any] | None,
                      teacher: Any) -> None:
        run = await self._find(run_id)
        if run_id is not None and run is None:
            _error(teacher, f"no run {run_id!r} is live on this server", "run_id", "no_such_run")
            return
        before = record.presenting
        record.presenting, record.view = run_id, view
        self._show(record.code, run, view, again=before == run_id)
        self._saved(record, "present")

    def _show(self, code: str, run: Any, view: dict[str, Any] | None, again: bool) -> None:
        """This process's students follow ``run`` (None: back to their own work)."""
        students = self.groups[code].students if code in self.groups else {}
        if run is None:
            for conn in students:
                conn.send({"type": "release"})  # first: the page unfollows, then its own run's frame comes back
                conn.release()
            return
        message = _present_message(run, view)
        for conn in students:
            conn.send(message)
            if not again:  # the same run, a new view: the students only re-draw
                conn.present(run)

    def freeze(self, record: ClassRecord, on: bool) -> None:
        record.frozen = on
        self._freeze(record.code, on)
        self._saved(record, "freeze")

    def _freeze(self, code: str, on: bool) -> None:
        for conn in self.groups[code].students if code in self.groups else ():
            conn.freeze(on)
            conn.send({"type": "freeze", "on": on})

    def _push(self, code: str, lab: str, config: dict[str, Any]) -> None:
        for student in self.groups[code].students if code in self.groups else ():
            student.send({"type": "push", "lab": lab, "config": config})

    def experiment_changed(self, record: ClassRecord) -> None:
        self._saved(record, "experiment")

    def _saved(self, record: ClassRecord, did: str) -> None:
        """The class's own fields changed: into the store, out to the other processes, onto the roster."""
        if self.store.distributed:
            from app.classes.records import meta

            self.store.save(record)
            self.store.publish(record.code, {"kind": "meta", "meta": meta(record), "did": did})
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
                self.store.save_student(member.code, student)
        self._changed(member.code)


def _store_for(settings: Settings, broker: Any) -> ClassStore:
    if broker is not None and broker.distributed:
        from app.classes.broker_store import BrokerClassStore

        return BrokerClassStore(broker, settings.max_classes, settings.max_class_students, settings.class_idle_s)
    return MemoryClassStore(settings.max_classes, settings.max_class_students, settings.class_idle_s)


def _present_message(run: Any, view: dict[str, Any] | None) -> dict[str, Any]:
    message = {"type": "present", "run_id": run.run_id, "lab": run.lab, "config": run.config}
    return message | ({"view": view} if view is not None else {})


def _error(conn: Any, message: str, field_: str | None, code: str = "invalid",
           params: dict[str, Any] | None = None) -> None:
    conn.send({"type": "error", "message": message, "field": field_, "code": code, "params": params or {}})
