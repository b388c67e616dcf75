"""A class as the broker keeps it: one hash, ``class:<code>``, of JSON fields (see broker_store)."""

from dataclasses import asdict
from typing import Any

from app.classes.store import ClassRecord, Experiment, Student


def key(code: str) -> str:
    return f"class:{code}"


def meta(record: ClassRecord) -> dict[str, Any]:
    return {"teacher_token": record.teacher_token, "created_at": record.created_at, "presenting": record.presenting,
            "view": record.view, "frozen": record.frozen,
            "experiment": asdict(record.experiment) if record.experiment is not None else None}


def apply_meta(record: ClassRecord, fields: dict[str, Any]) -> None:
    record.presenting, record.view, record.frozen = fields["presenting"], fields["view"], fields["frozen"]
    record.experiment = Experiment(**fields["experiment"]) if fields.get("experiment") else None


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
