"""What the engine needs from a lab's live run, and nothing more."""

from collections.abc import Mapping
from typing import Any, Protocol


class LiveRun(Protocol):
    """A lab's run object. The engine calls every method from one worker thread.

    ``steps_done`` counts the steps taken and ``total_steps`` is where the run ends (``finished``
    may come earlier, e.g. once every model diverged); the engine writes both into every frame as
    ``step`` and ``total_steps``. ``step`` advances one training step and returns its loss (a
    non-finite loss ends the run as diverged). ``frame`` returns a JSON-ready snapshot of plain
    Python values (dicts, lists, str, int, float, bool, None); non-finite floats are allowed, the
    engine turns them into null. The engine's keys (``type``, ``run_id``, ``step``, ``total_steps``,
    ``nonfinite``) are its own: a frame never holds them. ``set_params`` changes hyperparameters
    between steps and raises ``app.labs.errors.FieldError`` naming a bad field.
    """

    @property
    def steps_done(self) -> int: ...

    @property
    def total_steps(self) -> int: ...

    @property
    def finished(self) -> bool: ...

    def step(self) -> float: ...

    def frame(self) -> dict[str, Any]: ...

    def set_params(self, params: Mapping[str, Any]) -> None: ...
