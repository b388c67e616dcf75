"""The roster a class's teacher sees, kept by the Classroom (``class_socket.py``).

Each process reads the runs of the students whose sockets it holds. With several processes, each one
sends the rows (and the experiment's points) of its own students on the class's channel, at most every
``ROSTER_EVERY_S`` and only when they changed, and the teacher's process merges them: a student on
process 2 appears on the dashboard served by process 1 with their run's status, step and losses.
"""

import asyncio
from dataclasses import dataclass, field
from typing import Any

import orjson

from app.classes import roster
from app.classes.experiment import point_order, points
from app.classes.store import ClassRecord, ClassStore

ROSTER_EVERY_S = 0.5  # the teacher's roster: whenever it changed, at most this often
RESCAN_EVERY_S = 0.5  # a run the classroom does not know: look for it among students' sockets this often


@dataclass
class Group:
    """The sockets of one class on this process."""

    teachers: set[Any] = field(default_factory=set)
    students: dict[Any, str] = field(default_factory=dict)  # socket -> student_id
    last_roster: bytes = b""
    last_served: bytes = b""  # the rows this process last sent the other processes
    next_roster_at: float = 0.0
    timer: asyncio.TimerHandle | None = None


class RosterKeeping:
    store: ClassStore
    hub: Any
    settings: Any
    groups: dict[str, Group]
    members: dict[Any, Any]

    def _init_roster(self) -> None:
        self._run_class: dict[str, str] = {}  # run_id -> code, for runs of students' sockets
        self._last_seen: dict[str, dict[str, Any]] = {}  # student_id -> their row another process last served
        self._rescanned_at = 0.0
        self._rescan_timer: asyncio.TimerHandle | None = None
        self.hub.add_listener(self._run_changed)

    def roster(self, record: ClassRecord) -> list[dict[str, Any]]:
        online = self._online(record.code)
        served = self._served_elsewhere(record.code)
        return [served[sid] if sid in served and sid not in online else self._row_here(record, sid, online)
                for sid in record.students]

    def _online(self, code: str) -> dict[str, Any]:
        group = self.groups.get(code)
        return {sid: conn for conn, sid in group.students.items()} if group is not None else {}

    def _row_here(self, record: ClassRecord, student_id: str, online: dict[str, Any]) -> dict[str, Any]:
        student = record.students[student_id]
        conn = online.get(student_id)
        run = conn.run if conn is not None else None
        if run is None and student.run_id is not None:
            run = self.hub.get(student.run_id)
        if run is None and conn is None and student_id in self._last_seen:
            return self._last_seen[student_id] | {"connected": False}  # last seen on another process
        if run is not None:
            student.run_id, student.lab = run.run_id, run.lab
            self._run_class[run.run_id] = record.code
            roster.remember(student.results, run, _latest_frame(run) if _wants_frame(record) else None)
        return roster.row(student, run, conn is not None)

    def _served_elsewhere(self, code: str) -> dict[str, dict[str, Any]]:
        """The rows other processes serve, by student: they hold those students' sockets."""
        rows: dict[str, dict[str, Any]] = {}
        for served in self.store.rows.get(code, {}).values():
            rows.update(served.get("rows") or {})
        self._last_seen.update(rows)
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
        pooled = self._points_here(record) + [p for served in self.store.rows.get(record.code, {}).values()
                                               for p in served.get("points") or ()]
        return {"lab": e.lab, "field": e.field, "metric": e.metric, "target": e.target,
                "points": sorted(pooled, key=point_order)}

    def _points_here(self, record: ClassRecord) -> list[dict[str, Any]]:
        e = record.experiment
        if e is None:
            return []
        results = [r for s in record.students.values() for r in s.results.values()]
        return points(results, e.lab, e.field, e.metric, e.target)

    # --- sending it, throttled --------------------------------------------------------------------
    def _changed(self, code: str) -> None:
        """Something on the roster may have changed: send it when the throttle allows."""
        group = self.groups.get(code)
        if group is None or group.timer is not None:
            return
        if not group.teachers and not _serves_rows(self.store, group):
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
        if _serves_rows(self.store, group):
            self._serve_rows(record, group, now)
        if not group.teachers:
            return
        state = self.state(record)
        body = orjson.dumps(state)
        if body == group.last_roster:
            return
        group.last_roster = body
        group.next_roster_at = now + ROSTER_EVERY_S
        message = {"type": "roster", **{k: v for k, v in state.items() if k != "code"}}
        for conn in group.teachers:
            conn.send(message)

    def _serve_rows(self, record: ClassRecord, group: Group, now: float) -> None:
        """The rows of this process's students, for the teacher wherever their socket is."""
        online = self._online(record.code)
        rows = {sid: self._row_here(record, sid, online) for sid in online if sid in record.students}
        served = {"rows": rows, "points": self._points_here(record)}
        body = orjson.dumps(served)
        if body != group.last_served:
            group.last_served = body
            group.next_roster_at = now + ROSTER_EVERY_S
            self.store.publish(record.code, {"kind": "rows", "rows": served})
            self.store.save_rows(record.code, served)

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

    def sweep(self) -> None: ...


def _serves_rows(store: ClassStore, group: Group) -> bool:
    """Whether this process tells the others about its students (also when the last one just left)."""
    return store.distributed and bool(group.students or group.last_served)


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
