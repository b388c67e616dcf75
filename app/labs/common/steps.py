"""The step count of a live run that runs a fixed number of steps (``config.steps``).

Such a run counts its steps in ``_steps``; what the engine reads of that count (``steps_done``,
``total_steps``, ``finished``: see app/runs/protocol.py) is the same for every one of them.
"""

from typing import Protocol


class HasSteps(Protocol):
    @property
    def steps(self) -> int: ...


class FixedSteps:
    """Mixed into a run whose ``config`` has ``steps``; ``finished`` once that many are taken."""

    config: HasSteps
    _steps: int

    @property
    def steps_done(self) -> int:
        return self._steps

    @property
    def total_steps(self) -> int:
        return self.config.steps

    @property
    def finished(self) -> bool:
        return self._steps >= self.config.steps
