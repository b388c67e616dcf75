"""A class as the broker keeps it: one hash, ``class:<code>``, of JSON fields (see broker_store), listed
in the set ``classes`` so that ``max_classes`` counts the classes of every process."""

import logging
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from app.broker.base import Broker
from app.classes.store import ClassRecord, Experiment, Student

log = logging.getLogger(__name__)
REGISTRY = "classes"  # the set listing every class's hash, for the count
CODE_TRIES = 5  # codes are drawn from 32**6: a second draw taken too is already unheard of


def key(code: str) -> str:
    return f"class:{code}"


def meta(record: ClassRecord) -> dict[str, Any]:
    return {"teacher_token": record.teacher_token, "created_at": record.created_at, "presenting": record.presenting,
            "view": record.view, "frozen": record.frozen,
            "experiment": asdict(record.experiment) if record.experiment is not None else None}


def apply_meta(record: ClassRecord, fields: dict[str, Any]) -> None:
    record.presenting, record.view, record.frozen = fields["presenting"], fields["view"], fields["frozen"]
    record.experiment = Experiment(**fields["experiment"]) if fields.get("experiment") else None


def apply_news(record: ClassRecord, event: dict[str, Any]) -> None:
    """Another process's news of ``record``: a student joined or moved, or the class's own fields changed."""
    if event["kind"] == "student":
        student = Student(**event["student"])
        record.students.setdefault(student.student_id, student)
        known = record.students[student.student_id]
        known.run_id, known.lab = student.run_id, student.lab
    elif event["kind"] == "meta":  # the classroom compares with what was, to re-draw only what changed
        event["before"] = {"presenting": record.presenting, "frozen": record.frozen}
        apply_meta(record, event["meta"])


def student_fields(student: Student) -> dict[str, Any]:
    return {"student_id": student.student_id, "token": student.token, "name": student.name, "alias": student.alias,
            "run_id": student.run_id, "lab": student.lab}


def from_fields(code: str, fields: dict[str, dict[str, Any]]) -> ClassRecord:
    m = fields["meta"]
    record = ClassRecord(code, m["teacher_token"], created_at=m["created_at"], idle_since=None)
    apply_meta(record, m)
    for name, value in fields.items():
        if name.startswith("s:"):
            record.students[value["student_id"]] = Student(**value)
    return record


async def make_counted(broker: Broker, record: ClassRecord, max_classes: int, idle_s: float,
                       recode: Callable[[ClassRecord], None]) -> bool:
    """Store the new class ``record`` if fewer than ``max_classes`` classes live across every process
    (one step in the broker: two processes making the last class at once cannot both succeed); False
    when they are full. A code another process already uses is drawn again with ``recode``."""
    for _ in range(CODE_TRIES):
        answer = await broker.hcreate_counted(key(record.code), "meta", meta(record), idle_s, REGISTRY, max_classes)
        if answer != "taken":
            return answer == "made"
        held = (await broker.hgetall(key(record.code))).get("meta", {})
        if held.get("teacher_token") == record.teacher_token:
            return True  # ours: an earlier try made it, and Redis's answer was lost on the way
        recode(record)
    log.warning("%d class codes in a row were taken; the class was refused", CODE_TRIES)
    return False
