"""One computation of a run's history, which every run with the same history shares.

A timeline is a lab's live run object at its *head* step, plus what it has already computed: each
step's loss, the frames it built (encoded once, by step) and deep-copied checkpoints. Runs are
cursors over it: a run behind the head moves for free, and a run that needs the state of an earlier
step gets a *fork* — a new timeline restored from the nearest checkpoint and replayed to that step.
Labs are deterministic, so a fork at step k is bitwise the timeline it came from at step k.

For the same reason a timeline nobody has moved for a while may *sleep*: it lets its lab object and
checkpoints go and keeps its history (changes, losses, the frames its runs show). The first step,
frame or change it is asked for wakes it, rebuilt and replayed to its head, bitwise as it was.

Only the scheduler's worker thread calls into a timeline; nothing here locks.
"""

import copy
import logging
import math
import time
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from app.runs.frames import nonfinite_paths
from app.runs.protocol import LiveRun

log = logging.getLogger(__name__)
RESERVED = ("type", "run_id", "step", "total_steps", "nonfinite")
# Deep-copying a checkpoint costs a few steps (2.4 for the Initialisation lab's default): taken at every
# 16th step they cost a young run some 10% of its speed. Within this share of its stepping CPU a run
# checkpoints every 50 copies' worth of steps: a rewind replays a fraction of a second.
CHECKPOINT_SHARE = 0.02


@dataclass(frozen=True)
class Change:
    step: int  # applied after this many steps, before the next one
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Checkpoint:
    step: int
    changes: int  # how many of the timeline's changes the copy already has
    run: LiveRun  # never stepped: forks copy it again


class Timeline:
    def __init__(self, key: str | None, build: Callable[[], LiveRun], *, max_checkpoints: int = 8,
                 frame_cache_bytes: int = 8 << 20) -> None:
        self.key = key  # canonical lab + config; None once a change made the history its own
        self._build = build
        self.run = build()
        self.head = 0
        self.total_steps = int(getattr(self.run, "total_steps", 0) or 0)
        self.losses = array("d")  # the loss of step i+1 at index i
        self.changes: list[Change] = []
        self.end: str | None = None  # finished | diverged | failed, at the head
        self.frames: dict[int, bytes] = {}  # step -> the lab's frame, encoded, without the engine's keys
        self._frame_bytes = 0
        self._frame_cache_bytes = frame_cache_bytes
        self._checkpoints: list[Checkpoint] = []
        self._max_checkpoints = max_checkpoints
        self._checkpoint_every = 16
        self.step_cpu = 0.0  # this timeline's own CPU time stepping...
        self.frame_cpu = 0.0  # ...building frames...
        self.checkpoint_cpu = 0.0  # ...and copying checkpoints
        self._copy_cpu = 0.0  # what the last checkpoint cost: the next waits until the share affords it
        self.paced_s = 0.0  # the time its paced steps were meant to take: a slow run may spend more of it on frames
        self.cursors: set[Any] = set()  # the runs reading this timeline (app.runs.run.Run)
        self.last_active = time.monotonic()  # when it last stepped, built a frame or changed
        self.on_wake: Callable[[Timeline], None] | None = None  # the hub counts it again

    # -- computing -----------------------------------------------------------------------------

    def advance(self) -> float:
        """One step at the head; the loss, or NaN when the lab failed."""
        self._wake()
        started = time.thread_time()
        self._apply_changes_at(self.head)
        loss = float(self.run.step())
        self.head += 1
        self.losses.append(loss)
        self.step_cpu += time.thread_time() - started
        if not math.isfinite(loss):
            self.end = "diverged"
        elif self.run.finished:
            self.end = "finished"
        elif self.head % self._checkpoint_every == 0 and self._checkpoint_affordable():
            self._checkpoint()
        return loss

    def frame(self, step: int) -> bytes | None:
        """The encoded frame of ``step``: cached, or built when the head is there; None otherwise."""
        cached = self.frames.get(step)
        if cached is not None:
            return cached
        if step != self.head:
            return None
        self._wake()
        started = time.thread_time()
        self._apply_changes_at(self.head)
        payload = self.run.frame()
        if any(k in payload for k in RESERVED):  # the engine's keys win (a test keeps labs off them)
            if not self.total_steps and isinstance(payload.get("total_steps"), int):
                self.total_steps = payload["total_steps"]
            payload = {k: v for k, v in payload.items() if k not in RESERVED}
        found: list[str] = []
        nonfinite_paths(payload, "", found, 50)
        data = orjson.dumps({**payload, "nonfinite": found} if found else payload)
        self.frame_cpu += time.thread_time() - started
        self._cache(step, data)
        return data

    def latest_frame(self, at_most: int) -> tuple[int, bytes] | None:
        """The newest cached frame at or before ``at_most``."""
        best = max((s for s in self.frames if s <= at_most), default=None)
        return None if best is None else (best, self.frames[best])

    @property
    def own_cpu(self) -> float:
        return self.step_cpu + self.frame_cpu + self.checkpoint_cpu

    def frame_due(self, budget: float) -> bool:
        """Building frames may take at most ``budget`` of this timeline's own time: its CPU time stepping,
        or for a paced run the time its steps were meant to take (counted in wall time, frames starved
        whenever the server was busy)."""
        return self.frame_cpu <= budget * max(self.step_cpu, self.paced_s, 1e-3)

    def change(self, params: Mapping[str, Any]) -> None:
        """A hyperparameter change at the head, for this history alone; a refused one leaves no trace."""
        self._wake()
        self._apply_changes_at(self.head)
        self.run.set_params(params)
        self.changes.append(Change(self.head, dict(params)))
        self._applied += 1
        self.key = None
        for step in [s for s in self.frames if s >= self.head]:
            self._uncache(step)
        self.total_steps = int(getattr(self.run, "total_steps", self.total_steps) or 0)

    def fork(self, step: int) -> "Timeline":
        """A new timeline at ``step`` (0 <= step <= head) with this one's history up to there."""
        base = max((c for c in self._checkpoints if c.step <= step), key=lambda c: c.step, default=None)
        child = Timeline.__new__(Timeline)
        child.__dict__.update({k: v for k, v in self.__dict__.items()})
        child.run = self._build() if base is None else copy.deepcopy(base.run)
        child.head = 0 if base is None else base.step
        applied = 0 if base is None else base.changes
        child.changes = [c for c in self.changes if c.step <= step]
        child._applied = applied
        child.losses = array("d", self.losses[:step])
        child.frames, child._frame_bytes = {}, 0
        child._checkpoints = [c for c in self._checkpoints if c.step <= step]
        child.end = None
        child.step_cpu = child.frame_cpu = child.checkpoint_cpu = child.paced_s = 0.0
        child.cursors = set()
        child.on_wake = None
        child.last_active = time.monotonic()
        started = time.thread_time()
        while child.head < step:
            child._apply_changes_at(child.head)
            child.run.step()
            child.head += 1
        child._apply_changes_at(child.head)
        child.step_cpu = time.thread_time() - started
        for s in [s for s in self.frames if s <= step]:  # change() dropped any frame a later change made stale
            child._cache(s, self.frames[s])
        if step == self.head and self.end is not None:
            child.end = self.end
        return child

    @property
    def asleep(self) -> bool:
        return self.run is None

    def sleep(self) -> None:
        """Let the lab object and checkpoints go; keep the history and the frames runs are showing."""
        self.run = None  # type: ignore[assignment]
        self._checkpoints = []
        self._applied = 0
        showing = {r.position for r in self.cursors}
        for step in [s for s in self.frames if s not in showing]:
            self._uncache(step)

    def _wake(self) -> None:
        self.last_active = time.monotonic()
        if self.run is not None:
            return
        awake = self.fork(self.head)  # no checkpoints: built and replayed from step 0
        self.run, self._applied = awake.run, awake._applied
        self.step_cpu += awake.step_cpu
        log.info("woke a timeline at step %d (%.2f s to replay)", self.head, awake.step_cpu)
        if self.on_wake is not None:
            self.on_wake(self)

    # -- inside ----------------------------------------------------------------------------------

    _applied = 0  # how many changes the live run object has had applied

    def _apply_changes_at(self, step: int) -> None:
        while self._applied < len(self.changes) and self.changes[self._applied].step <= step:
            self.run.set_params(self.changes[self._applied].params)
            self._applied += 1

    def _checkpoint_affordable(self) -> bool:
        return self.checkpoint_cpu + self._copy_cpu <= CHECKPOINT_SHARE * self.step_cpu

    def _checkpoint(self) -> None:
        if not self._max_checkpoints:
            return
        started = time.thread_time()
        try:
            snapshot = copy.deepcopy(self.run)
        except Exception:  # a lab that cannot be copied: forks replay from step 0 instead
            log.warning("a %s run cannot be deep-copied; rewinding it replays from step 0", type(self.run).__name__)
            self._max_checkpoints = 0
            return
        self._copy_cpu = time.thread_time() - started
        self.checkpoint_cpu += self._copy_cpu
        self._checkpoints.append(Checkpoint(self.head, self._applied, snapshot))
        if len(self._checkpoints) > self._max_checkpoints:
            self._checkpoints = self._checkpoints[1::2]  # keep every other one, further apart from now on
            self._checkpoint_every *= 2

    def _cache(self, step: int, data: bytes) -> None:
        if step in self.frames:
            self._uncache(step)
        self.frames[step] = data
        self._frame_bytes += len(data)
        while self._frame_bytes > self._frame_cache_bytes and len(self.frames) > 2:
            # first what every run reading this timeline has passed; then the oldest
            behind = min((r.position for r in self.cursors), default=step)
            spare = [s for s in self.frames if s not in (0, step)]
            passed = [s for s in spare if s < behind]
            self._uncache(max(passed) if passed else min(spare))

    def _uncache(self, step: int) -> None:
        self._frame_bytes -= len(self.frames.pop(step))
