"""What this process may compute at once: a count of distinct computations and their estimated memory.

Runs sharing a timeline count once. When a start finds no room, computations nobody has moved for
``idle_s`` (tabs left paused) are put to sleep, least recently moved first, and count again when a
socket wakes them: open tabs never lock others out. Everything here runs on the scheduler's worker.
"""

import logging
import time
from collections.abc import Callable, Iterable

from app.runs.errors import RunError
from app.runs.timeline import Timeline

log = logging.getLogger(__name__)
MB = 1 << 20


class Admission:
    def __init__(self, max_runs: int, max_memory: int, idle_s: float,
                 timelines: Callable[[], Iterable[Timeline]]) -> None:
        self.max_runs, self.max_memory, self.idle_s = max_runs, max_memory, idle_s
        self._timelines = timelines
        self._memory: dict[int, int] = {}  # id(timeline) -> estimated bytes
        self._asleep: dict[int, int] = {}  # the same for timelines asleep: they count again when woken
        self._reserved = 0  # memory of admitted starts still being built
        self._pending = 0  # how many of those

    def reserve(self, memory: int, fields: tuple[str, ...]) -> None:
        """Room for a new computation of ``memory`` bytes, or RunError naming what makes it big."""
        self._make_room(memory)
        if len(self._memory) + self._pending >= self.max_runs:  # builds under way count too
            raise RunError("lab", f"this server is computing {self.max_runs} different runs, its limit; "
                             "start one of the runs already going (a preset) or try again when one ends",
                           code="server_busy", params={"limit": self.max_runs})
        left = max(0, self.max_memory - self._used())
        if memory > left:
            names = ", ".join(f"config.{f}" for f in fields) or "config"
            raise RunError(f"config.{fields[0]}" if fields else "config",
                           f"this run needs about {memory / MB:.0f} MB and the server has "
                           f"{left / MB:.0f} MB left for runs; make it smaller ({names})", code="run_too_big",
                           params={"need_mb": round(memory / MB), "left_mb": round(left / MB), "fields": names})
        self._reserved += memory
        self._pending += 1

    def release(self, memory: int) -> None:
        """A reserved start that failed to build."""
        self._reserved -= memory
        self._pending -= 1

    def register(self, tl: Timeline, memory: int) -> None:
        """A reserved start, built."""
        self.release(memory)
        self._memory[id(tl)] = memory

    def unshared(self, tl: Timeline) -> None:
        """A timeline that lost its last run is forgotten; one that changed its history (a fork, a
        rewound branch) keeps computing but is no longer the estimate it was admitted at."""
        if not tl.cursors:
            self._memory.pop(id(tl), None)
            self._asleep.pop(id(tl), None)
        elif id(tl) not in self._memory:
            self._memory[id(tl)] = 0

    def _used(self) -> int:
        return sum(self._memory.values()) + self._reserved

    def _full(self, memory: int) -> bool:
        return len(self._memory) + self._pending >= self.max_runs or self._used() + memory > self.max_memory

    def _make_room(self, memory: int) -> None:
        if not self._full(memory):
            return
        now = time.monotonic()
        idle = sorted((tl for tl in self._timelines() if id(tl) in self._memory and not tl.asleep
                       and now - tl.last_active >= self.idle_s and not any(r.busy for r in tl.cursors)),
                      key=lambda tl: tl.last_active)
        for tl in idle:
            if not self._full(memory):
                return
            tl.sleep()
            tl.on_wake = self._woke
            self._asleep[id(tl)] = self._memory.pop(id(tl))
            log.info("put an idle run to sleep at step %d to make room", tl.head)

    def _woke(self, tl: Timeline) -> None:
        self._memory[id(tl)] = self._asleep.pop(id(tl), 0)
