"""The worker that steps every live run, in turns.

Concurrency here is bound by the GIL: more stepping threads make a small server slower, so one
worker takes the timelines that have work in round-robin turns (a turn is a few milliseconds of
steps), carries out control commands between turns, and sleeps until the next paced step is due
rather than waking for nothing. A paused, finished or watcher-less run costs no CPU.
"""

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from app.runs.cursor import Cursor
from app.runs.timeline import Timeline

log = logging.getLogger(__name__)
T = TypeVar("T")
TURN_S = 0.004  # CPU a timeline may use in one turn before the next timeline's turn


class Scheduler:
    def __init__(self, loop: asyncio.AbstractEventLoop, frame_rate: float, frame_budget: float) -> None:
        self._loop = loop
        self._frame_rate = frame_rate
        self.frame_budget = frame_budget
        self._cond = threading.Condition()
        self._commands: deque[Callable[[], None]] = deque()
        self._timelines: deque[Timeline] = deque()
        self._stopping = False
        self.unshared: Callable[[Timeline], None] = lambda tl: None  # the hub's share index
        self._thread = threading.Thread(target=self._work, name="run-worker", daemon=True)
        self._thread.start()

    # -- from the event loop ---------------------------------------------------------------------

    def post(self, fn: Callable[[], None]) -> None:
        with self._cond:
            self._commands.append(fn)
            self._cond.notify()

    def call(self, fn: Callable[[], T]) -> "asyncio.Future[T]":
        """Run ``fn`` on the worker; its result or exception comes back to the awaiting caller."""
        future: asyncio.Future[T] = self._loop.create_future()

        def command() -> None:
            try:
                result = fn()
            except BaseException as exc:  # noqa: B036 - handed back to the caller, not swallowed
                self._loop.call_soon_threadsafe(_settle, future, None, exc)
            else:
                self._loop.call_soon_threadsafe(_settle, future, result, None)

        self.post(command)
        return future

    def close(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._thread.join(5)

    # -- on the worker -----------------------------------------------------------------------------

    def add(self, run: Cursor) -> None:
        tl = run.timeline
        tl.cursors.add(run)
        if tl not in self._timelines:
            self._timelines.append(tl)

    def remove(self, run: Cursor) -> None:
        tl = run.timeline
        tl.cursors.discard(run)
        if not tl.cursors:
            self._drop(tl)

    def move(self, run: Cursor, tl: Timeline) -> None:
        """``run`` leaves its timeline for ``tl`` (a fork of it)."""
        self.remove(run)
        run.timeline = tl
        self.add(run)

    def timelines(self) -> tuple[Timeline, ...]:
        return tuple(self._timelines)

    def unshare(self, tl: Timeline) -> None:
        self.unshared(tl)

    def _drop(self, tl: Timeline) -> None:
        if tl in self._timelines:
            self._timelines.remove(tl)
        self.unshared(tl)

    def _work(self) -> None:
        command: Callable[[], None] | None
        busy: Timeline | None = None
        while True:
            with self._cond:
                while True:
                    if self._stopping:
                        return
                    if self._commands:
                        command = self._commands.popleft()
                        break
                    now = time.perf_counter()
                    busy = self._next_busy(now)
                    if busy is not None:
                        command = None
                        break
                    self._cond.wait(self._sleep_for(now))
            if command is not None:
                self._guard(command)
            elif busy is not None:
                self._turn(busy)

    def _guard(self, fn: Callable[[], Any]) -> None:
        try:
            fn()
        except Exception:
            log.exception("a run command failed")

    def _next_busy(self, now: float) -> Timeline | None:
        for _ in range(len(self._timelines)):
            tl = self._timelines[0]
            self._timelines.rotate(-1)
            if any(r.wants_step(now) for r in tl.cursors):
                return tl
        return None

    def _sleep_for(self, now: float) -> float | None:
        due = [r.next_step_at for tl in self._timelines for r in tl.cursors
               if r.status == "running" and r.speed is not None]
        return None if not due else max(0.0, min(due) - now)

    def _turn(self, tl: Timeline) -> None:
        """Move every run of ``tl`` that wants to, computing the head's next steps for a few ms."""
        started = tl.own_cpu  # its own time, as its steps, frames and checkpoints count it: no clock read per step
        while True:
            now = time.perf_counter()
            movers = [r for r in tl.cursors if r.wants_step(now)]
            if not movers:
                return
            at_head = [r for r in movers if r.position >= tl.head]
            for run in movers:
                if run.position < tl.head:
                    self._safely(run, run.move_behind_head, now)
            if at_head and tl.end is None:
                if all(r.speed is not None for r in at_head):
                    tl.paced_s += 1.0 / max(r.speed or 1.0 for r in at_head)
                try:
                    tl.advance()
                except Exception:
                    log.exception("a run failed inside its lab")
                    tl.end = "failed"
                self._grid_frame(tl)
            for run in at_head:
                if tl.end is not None and run.position == tl.head:
                    self._safely(run, run.moved, now)
                elif run.position < tl.head:
                    run.position = tl.head
                    self._safely(run, run.moved, now)
            with self._cond:
                if self._commands:
                    return
            if tl.own_cpu - started > TURN_S or any(r.speed is not None for r in movers):
                return

    def _grid_frame(self, tl: Timeline) -> None:
        """Paced runs trailing a faster one read frames from the cache: keep it dense enough for them,
        within the timeline's frame budget (identical starts at one speed share one timeline, so this
        is for runs whose speed changed, or that started a little later than their timeline)."""
        trailing = [r.speed for r in tl.cursors if r.speed is not None and r.position < tl.head
                    and r.status == "running"]
        if not trailing or tl.end is not None:
            return
        every = max(1, round(min(trailing) / self._frame_rate))
        last = max(tl.frames, default=0)
        if tl.head - last >= every and tl.frame_due(self.frame_budget):
            try:
                tl.frame(tl.head)
            except Exception:
                log.exception("a frame failed inside its lab")

    def _safely(self, run: Cursor, fn: Callable[[float], None], now: float) -> None:
        try:
            fn(now)
        except Exception:
            log.exception("run %s failed", run.run_id)
            run.status = "stopped"
            run.emit({"type": "error", "message": "the run failed inside the lab; see the server log",
                      "field": None})
            run.emit_status("stopped")
            self.remove(run)


def _settle(future: "asyncio.Future[Any]", result: Any, exc: BaseException | None) -> None:
    if future.done():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)
