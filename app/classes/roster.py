"""The roster a teacher sees, and the per-run results a class experiment pools, from the engine's runs."""

import math
from collections.abc import Mapping
from typing import Any, Protocol

from app.classes.experiment import RunResult, test_accuracy
from app.classes.store import Student

SPARK_POINTS = 40  # points of a roster row's loss sparkline
RESULT_POINTS = 200  # loss points kept per run: "steps to target" is exact to 1/200 of the run
KEPT_RESULTS = 12  # a student's latest runs the experiment remembers (a freed run's point stays)


class RunView(Protocol):
    """What the roster reads of the engine's Run."""

    run_id: str
    lab: str
    config: dict[str, Any]
    status: str
    step: int

    def losses(self, points: int = 40) -> list[float | None]: ...


def row(student: Student, run: RunView | None, connected: bool) -> dict[str, Any]:
    """One student: the GET's fields (student_id, name, lab, run_id, status, step) and, for the
    dashboard, alias, a loss sparkline and whether their page is connected."""
    return {
        "student_id": student.student_id,
        "name": student.name,
        "alias": student.alias,
        "lab": run.lab if run is not None else student.lab,
        "run_id": run.run_id if run is not None else None,
        "status": run.status if run is not None else None,
        "step": run.step if run is not None else None,
        "losses": run.losses(SPARK_POINTS) if run is not None else [],
        "connected": connected,
    }


def remember(results: dict[str, RunResult], run: RunView, frame: Mapping[str, Any] | None) -> None:
    """Keep this run's latest result among the student's last ``KEPT_RESULTS`` runs."""
    accuracy = test_accuracy(frame)
    kept = results.pop(run.run_id, None)
    if accuracy is None and kept is not None and kept.frame is not None:
        frame = kept.frame  # no new evaluation in this frame: keep the last accuracy seen
    else:
        frame = {"runs": [{"curves": {"test_acc": [accuracy]}}]} if accuracy is not None else None
    # the engine thins a history of n steps to every ceil(n / points)-th step (and the last)
    stride = max(1, math.ceil(run.step / RESULT_POINTS))
    results[run.run_id] = RunResult(run.lab, dict(run.config), run.status, run.step,
                                    run.losses(RESULT_POINTS), frame, stride)
    while len(results) > KEPT_RESULTS:
        results.pop(next(iter(results)))
