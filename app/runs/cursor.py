"""How a run moves over its timeline, on the scheduler's worker: pacing, a step n, the end, and the
frames it shows (the timeline's own, within its frame budget, at most at the frame rate).

The worker alone moves cursors and touches timelines; a frame leaves through the run's fan-out.
"""

import asyncio
from typing import TYPE_CHECKING

import orjson

from app.runs.fanout import Attachment, Fanout
from app.runs.timeline import Timeline

if TYPE_CHECKING:
    from app.runs.scheduler import Scheduler


class Cursor(Fanout):
    def __init__(self, run_id: str, timeline: Timeline, scheduler: "Scheduler", loop: asyncio.AbstractEventLoop, *,
                 speed: float | None, frame_interval: float, frame_budget: float) -> None:
        super().__init__(run_id, loop)
        self.timeline = timeline
        self.position = 0
        self.status = "running"
        self.speed = speed
        self.to_step = 0  # steps a paused run still owes a `step n`
        self._scheduler = scheduler
        self._frame_interval = frame_interval
        self._frame_budget = frame_budget
        self.next_step_at = 0.0
        self._next_frame_at = 0.0
        self._sent_step = -1

    def attach(self, att: Attachment) -> None:
        super().attach(att)
        self._scheduler.post(lambda: None)  # wake the worker: this run may step again

    def wants_step(self, now: float) -> bool:
        if not self.attachments:  # nobody is looking: wait for a socket to come back, at no CPU cost
            return False
        if self.status == "paused":
            return self.to_step > 0
        return self.status == "running" and (self.speed is None or now >= self.next_step_at)

    def moved(self, now: float) -> None:
        """After the position advanced: pacing, the end of a step n, the end of the timeline, frames."""
        tl = self.timeline
        if self.speed is not None:
            self.next_step_at = max(self.next_step_at + 1.0 / self.speed, now - 0.25)
        if self.position == tl.head and tl.end is not None:
            self._reach_end()
        elif self.status == "paused":
            self.to_step -= 1
            if self.to_step <= 0:
                self.to_step = 0
                self.send_exact_frame()
                self.emit_status("paused")
        elif now >= self._next_frame_at:
            self._send_frame_now(now)

    def move_behind_head(self, now: float) -> None:
        """A step the timeline has already computed: free. Flat out, catch up with the head."""
        if self.speed is None and self.status == "running":
            self.position = self.timeline.head
        else:
            self.position += 1
        self.moved(now)

    def send_exact_frame(self) -> None:
        """The frame of exactly this run's step; a fork when only an earlier state could give it."""
        data = self.timeline.frame(self.position)
        if data is None:
            self._scheduler.move(self, self.timeline.fork(self.position))
            data = self.timeline.frame(self.position)
        assert data is not None
        self._emit_frame(self.position, data)

    def _send_frame_now(self, now: float) -> None:
        tl = self.timeline
        if self.position == tl.head and self.position not in tl.frames:
            if not tl.frame_due(self._frame_budget):
                return
            data = tl.frame(self.position)
            step = self.position
        else:
            found = tl.latest_frame(self.position)
            if found is None or found[0] == self._sent_step:
                if self._starved(found):  # the cache has nothing for this stretch: compute it ourselves
                    self._scheduler.move(self, tl.fork(self.position))
                    self._send_frame_now(now)
                return
            step, data = found
        assert data is not None
        self._emit_frame(step, data)
        self._next_frame_at = now + self._frame_interval

    def _starved(self, found: tuple[int, bytes] | None) -> bool:
        """A paced run trailing its timeline's head whose next frame is not in the cache (the runs
        that built them went faster, or left, and the cache let them go) would show nothing new."""
        if self.speed is None or self.status != "running":
            return False
        shown = found[0] if found is not None else -1
        return self.position - shown > max(4.0, 4 * self.speed * self._frame_interval)

    def _reach_end(self) -> None:
        end = self.timeline.end
        if end == "failed":
            self.emit({"type": "error", "message": "the run failed inside the lab; see the server log",
                       "field": None})
            self.status = "stopped"
        else:
            self.status = end or "finished"
        try:
            self.send_exact_frame()
        except Exception:  # its frame fails too: the client still learns that the run ended
            self.status = "stopped"
        self.emit_status(self.status)

    def _emit_frame(self, step: int, payload: bytes) -> None:
        head = orjson.dumps({"type": "frame", "run_id": self.run_id, "step": step,
                             "total_steps": self.timeline.total_steps})
        self._sent_step = step
        self.send(head[:-1] + (b"," + payload[1:] if payload != b"{}" else b"}"), frame=True)
