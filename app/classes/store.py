"""Where classes live: a small interface, kept in this process's memory (``broker_store`` keeps it in
Redis, for several processes)."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from app.classes.codes import new_code, new_id, new_token, normalise, same_secret
from app.classes.experiment import RunResult
from app.classes.names import MAX_NAME, clean_name, friendly_alias

Role = Literal["teacher", "student"]


class UnknownClass(LookupError):
    """No open class has this code (never had, ended or expired)."""


class ClassFull(Exception):
    pass


class TooManyClasses(Exception):
    """As many classes are open as ``max_classes`` allows: in this process, or with a broker in every
    process sharing it (one message for both: a teacher sees the same refusal)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"this server already holds {limit} classes, its limit")
        self.limit = limit


@dataclass
class Student:
    student_id: str
    token: str
    name: str
    alias: str
    run_id: str | None = None  # the student's own run, last seen: the roster still shows it while away
    lab: str | None = None
    results: dict[str, RunResult] = field(default_factory=dict)  # run_id -> its latest result, oldest first


@dataclass
class Experiment:
    lab: str
    field: str  # a config field: the x of every point
    metric: str  # one of experiment.METRICS: the y
    target: float | None = None  # the loss a "steps to target" metric waits for


@dataclass
class ClassRecord:
    code: str
    teacher_token: str
    created_at: float
    idle_since: float | None  # when the last teacher socket left (or the class was made); None = a teacher is here
    students: dict[str, Student] = field(default_factory=dict)
    presenting: str | None = None  # the run on every student's screen
    view: dict[str, Any] | None = None  # the presented run's view on the teacher's page (tab, quantity, scale)
    frozen: bool = False
    experiment: Experiment | None = None
    teacher_sockets: int = 0


class ClassStore(Protocol):
    def create(self) -> ClassRecord: ...
    async def admitted(self, record: ClassRecord) -> None:
        """Wait until the class ``create`` just made counts against ``max_classes`` wherever classes are
        counted; TooManyClasses if there is no room (the class is then gone), BrokerError if the broker
        cannot be reached."""
        ...
    def get(self, code: str) -> ClassRecord | None: ...
    def add_student(self, code: str, name: str | None) -> Student: ...
    def role(self, code: str, token: str | None) -> tuple[Role, Student | None] | None: ...
    def end(self, code: str) -> ClassRecord | None: ...
    def teacher_arrived(self, code: str) -> None: ...
    def teacher_left(self, code: str) -> None: ...
    def expired(self) -> list[str]: ...

    # across processes (broker_store.BrokerClassStore); in one process they cost nothing
    distributed: bool
    rows: dict[str, dict[str, dict[str, Any]]]  # code -> another process -> the roster rows it serves
    on_event: Callable[[str, dict[str, Any]], None]
    def save(self, record: ClassRecord) -> None: ...
    def save_student(self, code: str, student: Student) -> None: ...
    def save_rows(self, code: str, rows: dict[str, Any]) -> None: ...
    def publish(self, code: str, event: dict[str, Any]) -> None: ...
    async def flush(self) -> None: ...
    async def load(self, code: str, fresh: bool = False) -> ClassRecord | None: ...
    async def close(self) -> None: ...


def enrol(record: ClassRecord, name: str | None, max_students: int) -> Student:
    """A new student added to ``record``: the name given, cleaned, or a friendly alias no one has;
    ClassFull at ``max_students``. Each store then keeps it in its own way."""
    if len(record.students) >= max_students:
        raise ClassFull(f"class {record.code} is full: {max_students} students")
    alias = friendly_alias({s.alias for s in record.students.values()})
    shown = clean_name(name or "")[:MAX_NAME] or alias
    student = Student(new_id(), new_token(), shown, alias)
    record.students[student.student_id] = student
    return student


def pick_role(record: ClassRecord, token: str | None) -> tuple[Role, Student | None] | None:
    """Who holds ``token`` in the class: its teacher, one of its students, or nobody (None)."""
    if not token:
        return None
    if same_secret(token, record.teacher_token):
        return "teacher", None
    # every student's token is compared, so the time taken does not tell where a match was
    found = None
    for student in record.students.values():
        if same_secret(token, student.token):
            found = student
    return ("student", found) if found is not None else None


class MemoryClassStore:
    """Every class of this process in a dict; codes are stored upper case and looked up normalised."""

    distributed = False

    def __init__(self, max_classes: int, max_students: int, idle_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_classes = max_classes
        self.max_students = max_students
        self.idle_s = idle_s
        self.clock = clock
        self._classes: dict[str, ClassRecord] = {}
        self.rows: dict[str, dict[str, dict[str, Any]]] = {}
        self.on_event: Callable[[str, dict[str, Any]], None] = lambda code, event: None

    def __len__(self) -> int:
        return len(self._classes)

    def create(self) -> ClassRecord:
        self._drop_expired()
        if len(self._classes) >= self.max_classes:
            raise TooManyClasses(self.max_classes)
        now = self.clock()
        record = ClassRecord(new_code(self._classes), new_token(), created_at=now, idle_since=now)
        self._classes[record.code] = record
        return record

    def get(self, code: str) -> ClassRecord | None:
        key = normalise(code)
        record = self._classes.get(key) if key else None
        if record is not None and self._is_idle(record):
            del self._classes[record.code]
            return None
        return record

    def add_student(self, code: str, name: str | None) -> Student:
        record = self.get(code)
        if record is None:
            raise UnknownClass(code)
        return enrol(record, name, self.max_students)

    def role(self, code: str, token: str | None) -> tuple[Role, Student | None] | None:
        """Who holds ``token`` in the class: its teacher, one of its students, or nobody (None)."""
        record = self.get(code)
        return pick_role(record, token) if record is not None else None

    def end(self, code: str) -> ClassRecord | None:
        record = self.get(code)
        if record is not None:
            del self._classes[record.code]
        return record

    def teacher_arrived(self, code: str) -> None:
        record = self.get(code)
        if record is not None:
            record.teacher_sockets += 1
            record.idle_since = None

    def teacher_left(self, code: str) -> None:
        record = self._classes.get(code)
        if record is not None:
            record.teacher_sockets = max(0, record.teacher_sockets - 1)
            if record.teacher_sockets == 0:
                record.idle_since = self.clock()

    def expired(self) -> list[str]:
        """Codes of classes idle too long, removed now."""
        return self._drop_expired()

    # nothing crosses a process: nothing to write, send or wait for
    async def admitted(self, record: ClassRecord) -> None:
        pass  # create counted it already

    def save(self, record: ClassRecord) -> None:
        pass

    def save_student(self, code: str, student: Student) -> None:
        pass

    def save_rows(self, code: str, rows: dict[str, Any]) -> None:
        pass

    def publish(self, code: str, event: dict[str, Any]) -> None:
        pass

    async def flush(self) -> None:
        pass

    async def load(self, code: str, fresh: bool = False) -> ClassRecord | None:
        return self.get(code)

    async def close(self) -> None:
        pass

    def _is_idle(self, record: ClassRecord) -> bool:
        return record.idle_since is not None and self.clock() - record.idle_since >= self.idle_s

    def _drop_expired(self) -> list[str]:
        gone = [code for code, record in self._classes.items() if self._is_idle(record)]
        for code in gone:
            del self._classes[code]
        return gone
