"""Classes kept in the broker, so that every GradLab process serves every class.

One hash per class, ``class:<code>``: field ``meta`` (the teacher's token, what is presented, frozen,
the experiment), ``s:<student_id>`` per student, ``rows:<process>`` the roster rows that process
serves. A local cache answers reads at once (the class layer is synchronous between awaits); writes
go through to the broker in order, and ``flush`` waits for them (an HTTP answer promises what is
stored). News of a class travels on the channel ``class:<code>``: the cache applies it, then hands it
to the classroom (``on_event``) for this process's sockets.

A class expires ``idle_s`` after the last teacher socket anywhere left: every process holding a
teacher socket sets the hash's expiry to ``idle_s`` every ``refresh_s``, and a leaving one sets it
once more, so no count of sockets has to survive a process that dies. ``max_classes`` counts the
classes of every process: a new class's hash is made in one step with the count (``records``).
"""

import asyncio
import contextlib
import functools
import time
from collections.abc import Callable
from typing import Any

import orjson

from app.broker.base import Broker, BrokerError
from app.classes.broker_writes import Writes
from app.classes.codes import new_code, new_token, normalise
from app.classes.records import apply_news, from_fields, key, make_counted, meta, student_fields
from app.classes.store import (
    ClassRecord,
    Role,
    Student,
    TooManyClasses,
    UnknownClass,
    enrol,
    pick_role,
)


class BrokerClassStore:
    distributed = True

    def __init__(self, broker: Broker, max_classes: int, max_students: int, idle_s: float) -> None:
        self.broker = broker
        self.max_classes, self.max_students, self.idle_s = max_classes, max_students, idle_s
        self.refresh_s = min(idle_s / 4, 5.0)
        self.on_event: Callable[[str, dict[str, Any]], None] = lambda code, event: None
        self.rows: dict[str, dict[str, dict[str, Any]]] = {}  # code -> process -> its roster rows
        self._classes: dict[str, ClassRecord] = {}
        self._teachers: dict[str, int] = {}  # teacher sockets on this process, per class
        self._handlers: dict[str, Callable[[bytes], None]] = {}
        self._gone: list[str] = []
        self._writes = Writes()
        self._admitted: dict[int, asyncio.Future[bool]] = {}  # id(new record) -> counted across processes
        self._keeper: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return len(self._classes)

    # -- the synchronous face the classroom uses (see store.ClassStore) ----------------------------

    def create(self) -> ClassRecord:
        if len(self._classes) >= self.max_classes:  # this process knows that many already: no need to ask
            raise TooManyClasses(self.max_classes)
        now = time.time()
        record = ClassRecord(new_code(self._classes), new_token(), created_at=now, idle_since=now)
        self._cache(record)
        admitted = self._admitted[id(record)] = asyncio.get_running_loop().create_future()

        async def make() -> None:
            made = await make_counted(self.broker, record, self.max_classes, self.idle_s, self._recode)
            if not made:
                self._drop(record.code)
            if not admitted.done():
                admitted.set_result(made)
        self._write(make)
        return record

    async def admitted(self, record: ClassRecord) -> None:
        admitted = self._admitted.pop(id(record), None)
        if admitted is None:
            return
        await self.flush()
        if not admitted.done():  # its write was given up: Redis stayed away
            raise BrokerError("the class store (Redis) is out of reach; try again in a moment")
        if not admitted.result():
            raise TooManyClasses(self.max_classes)

    def _recode(self, record: ClassRecord) -> None:
        """Another process holds this code: the new class takes another."""
        self._drop(record.code)
        record.code = new_code(self._classes)
        self._cache(record)

    def get(self, code: str) -> ClassRecord | None:
        found = normalise(code)
        return self._classes.get(found) if found else None

    def add_student(self, code: str, name: str | None) -> Student:
        record = self.get(code)
        if record is None:
            raise UnknownClass(code)
        student = enrol(record, name, self.max_students)
        self.save_student(record.code, student)
        self.publish(record.code, {"kind": "student", "student": student_fields(student)})
        return student

    def role(self, code: str, token: str | None) -> tuple[Role, Student | None] | None:
        record = self.get(code)
        return pick_role(record, token) if record is not None else None

    def end(self, code: str) -> ClassRecord | None:
        record = self.get(code)
        if record is not None:
            self._drop(record.code)
            self._write(lambda: self.broker.delete(key(record.code)))
            self.publish(record.code, {"kind": "ended"})
        return record

    def teacher_arrived(self, code: str) -> None:
        record = self.get(code)
        if record is not None:
            self._teachers[record.code] = self._teachers.get(record.code, 0) + 1
            record.idle_since = None
            self._write(lambda: self.broker.expire(key(record.code), self.idle_s))

    def teacher_left(self, code: str) -> None:
        count = self._teachers.get(code, 0) - 1
        if count <= 0:
            self._teachers.pop(code, None)
            record = self._classes.get(code)
            if record is not None:
                record.idle_since = time.time()
            self._write(lambda: self.broker.expire(key(code), self.idle_s))  # idle from now, unless another holds on
        else:
            self._teachers[code] = count

    def expired(self) -> list[str]:
        gone, self._gone = self._gone, []
        return gone

    # -- writes and news -------------------------------------------------------------------------

    def save(self, record: ClassRecord) -> None:
        """The class's own fields changed (presenting, view, frozen, experiment)."""
        self._write(lambda: self.broker.hset(key(record.code), "meta", meta(record)))

    def save_student(self, code: str, student: Student) -> None:
        self._write(lambda: self.broker.hset(key(code), f"s:{student.student_id}", student_fields(student)))

    def save_rows(self, code: str, rows: dict[str, Any]) -> None:
        self._write(lambda: self.broker.hset(key(code), f"rows:{self.broker.process_id}", rows))

    def publish(self, code: str, event: dict[str, Any]) -> None:
        data = orjson.dumps({**event, "from": self.broker.process_id})
        self._write(lambda: self.broker.publish(f"class:{code}", data))

    async def flush(self) -> None:
        """Wait until every write so far reached the broker; BrokerError if it cannot be reached."""
        await self._writes.join()

    async def load(self, code: str, fresh: bool = False) -> ClassRecord | None:
        """The class, from the cache or (missing, or ``fresh``) from the broker; None if it has none;
        BrokerError if it is not here and the broker cannot be reached."""
        found = normalise(code)
        if found is None:
            return None
        record = self._classes.get(found)
        if record is not None and not fresh:
            return record
        with contextlib.suppress(BrokerError):
            await self.flush()  # this process's own writes first
        try:
            fields = await self.broker.hgetall(key(found))
        except BrokerError:
            if record is None:
                raise
            return record  # Redis is away: what this process knows is the best answer
        if "meta" not in fields:
            if record is not None:
                self._drop(found)
                self._gone.append(found)
            return None
        loaded = from_fields(found, fields)
        if record is None:
            self._cache(loaded)
            record = loaded
        else:  # keep the object the classroom holds; take what the broker knows
            record.presenting, record.view, record.frozen = loaded.presenting, loaded.view, loaded.frozen
            record.experiment = loaded.experiment
            for sid, student in loaded.students.items():
                record.students.setdefault(sid, student)
        self.rows[found] = {p.removeprefix("rows:"): v for p, v in fields.items() if p.startswith("rows:")}
        return record

    # -- the cache -------------------------------------------------------------------------------

    def _cache(self, record: ClassRecord) -> None:
        self._classes[record.code] = record
        if record.code not in self._handlers:
            handler = self._handlers[record.code] = functools.partial(self._event, record.code)
            self.broker.subscribe(f"class:{record.code}", handler)

    def _drop(self, code: str) -> None:
        self._classes.pop(code, None)
        self._teachers.pop(code, None)
        self.rows.pop(code, None)
        handler = self._handlers.pop(code, None)
        if handler is not None:
            self.broker.unsubscribe(f"class:{code}", handler)

    def _event(self, code: str, data: bytes) -> None:
        event = orjson.loads(data)
        if event.get("from") == self.broker.process_id:
            return
        record = self._classes.get(code)
        if record is None:
            return
        kind = event.get("kind")
        if kind in ("student", "meta"):
            apply_news(record, event)
        elif kind == "rows":
            self.rows.setdefault(code, {})[event["from"]] = event["rows"]
        elif kind == "ended":
            self._drop(code)
        self.on_event(code, event)

    # -- the background: writes in order, expiry kept and noticed -----------------------------------

    def _write(self, make: Callable[[], Any]) -> None:
        if self._keeper is None:
            self._keeper = asyncio.create_task(self._keep())
        self._writes.put(make)

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(min(self.refresh_s, 1.0))
            with contextlib.suppress(BrokerError):  # Redis away: nothing is judged gone on that evidence
                for code in list(self._teachers):
                    await self.broker.expire(key(code), self.idle_s)
                codes = list(self._classes)
                for code, alive in zip(codes, await self.broker.exists([key(c) for c in codes]), strict=True):
                    if not alive and code in self._classes:
                        self._drop(code)
                        self._gone.append(code)
                        self.on_event(code, {"kind": "expired"})
                await self._forget_the_dead()

    async def _forget_the_dead(self) -> None:
        """Rows served by a process that stopped beating: its students' sockets are gone with it."""
        for code, served in list(self.rows.items()):
            for process in list(served):
                if not await self.broker.alive(process):
                    served.pop(process, None)
                    await self.broker.hdel(key(code), f"rows:{process}")
                    self.on_event(code, {"kind": "rows"})

    async def close(self) -> None:
        await self._writes.close()
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
