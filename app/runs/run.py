"""A run: one user's cursor over a shared timeline, with its own id, token, speed, pause and step.

Control calls come from the event loop and are carried out on the scheduler's worker thread, which
alone moves cursors and touches timelines (cursor.py); what a run says goes out through its fan-out
(fanout.py). A seek, or a change of hyperparameters on a shared or rewound history, branches: the run
gets a fork of its timeline of its own.
"""

import asyncio
import math
import time
from typing import TYPE_CHECKING, Any

from app.runs.cursor import Cursor
from app.runs.fanout import Attachment, Subscriber
from app.runs.timeline import Timeline

if TYPE_CHECKING:
    from app.runs.scheduler import Scheduler

__all__ = ["ENDED", "LIVE", "Attachment", "Run", "Subscriber"]
LIVE = ("running", "paused")
ENDED = ("finished", "diverged", "stopped")


class Run(Cursor):
    def __init__(self, run_id: str, token: str, lab: str, config: dict[str, Any], timeline: Timeline,
                 scheduler: "Scheduler", loop: asyncio.AbstractEventLoop, *, speed: float | None,
                 frame_interval: float, frame_budget: float) -> None:
        super().__init__(run_id, timeline, scheduler, loop, speed=speed, frame_interval=frame_interval,
                         frame_budget=frame_budget)
        self.token, self.lab, self.config = token, lab, config

    # -- read anywhere -------------------------------------------------------------------------

    @property
    def step(self) -> int:
        return self.position

    @property
    def total_steps(self) -> int:
        return self.timeline.total_steps

    @property
    def busy(self) -> bool:
        """Stepping, or about to: its timeline must stay awake."""
        return (self.status == "running" and bool(self.attachments)) or self.to_step > 0

    def losses(self, points: int = 40) -> list[float | None]:
        """The loss history up to this run's step, downsampled for a sparkline (null where not finite)."""
        values = self.timeline.losses[: self.position]
        if not values:
            return []
        stride = max(1, math.ceil(len(values) / points))
        picked = [values[i] for i in range(stride - 1, len(values), stride)]
        if (len(values) - 1) % stride != stride - 1:
            picked.append(values[-1])
        return [v if math.isfinite(v) else None for v in picked]

    # -- control, from the event loop (carried out on the worker) -------------------------------

    # Each returns a future the caller may await: the run's answer (a frame, a status) is on its way
    # to the sockets before it resolves, so replies keep the order of the messages they answer.

    def pause(self) -> "asyncio.Future[None]":
        return self._scheduler.call(self._do_pause)

    def resume(self) -> "asyncio.Future[None]":
        return self._scheduler.call(self._do_resume)

    def step_n(self, n: int) -> "asyncio.Future[None]":
        return self._scheduler.call(lambda: self._do_step_n(n))

    def seek(self, k: int) -> "asyncio.Future[None]":
        return self._scheduler.call(lambda: self._do_seek(k))

    async def set(self, params: dict[str, Any]) -> None:
        """Change hyperparameters from this run's step; the lab's FieldError reaches the caller."""
        await self._scheduler.call(lambda: self._do_set(params))

    def stop(self, message: str | None = None) -> "asyncio.Future[None]":
        return self._scheduler.call(lambda: self._do_stop(message))

    # -- on the worker -----------------------------------------------------------------------------

    def _do_pause(self) -> None:
        if self.status != "running":
            return
        self.status = "paused"
        self.to_step = 0
        self.send_exact_frame()
        self.emit_status("paused")

    def _do_resume(self) -> None:
        if self.status != "paused":
            return
        self.status, self.to_step = "running", 0
        self.next_step_at = time.perf_counter()
        self.emit_status("running")

    def _do_step_n(self, n: int) -> None:
        if self.status == "paused":
            self.to_step += n

    def _do_seek(self, k: int) -> None:
        self.status, self.to_step = "paused", 0
        self.position = k
        self.send_exact_frame()
        self.emit_status("paused")

    def _do_set(self, params: dict[str, Any]) -> None:
        params = dict(params)
        if "speed" in params:
            self._do_speed(params.pop("speed"))
        if not params:
            if self.status != "running":
                self.send_exact_frame()
            return
        tl = self.timeline
        if tl.cursors != {self} or self.position != tl.head:
            tl = self.timeline.fork(self.position)
            tl.change(params)  # a bad value raises here, before anything was moved
            self._scheduler.move(self, tl)
        else:
            tl.change(params)
            self._scheduler.unshare(tl)
        if self.status != "running":
            self.send_exact_frame()

    def _do_speed(self, speed: float | None) -> None:
        self.speed = speed
        self.next_step_at = time.perf_counter()

    def _do_stop(self, message: str | None) -> None:
        if self.status == "stopped":
            return
        if self.status in LIVE:
            self.status = "stopped"
            try:
                self.send_exact_frame()
            except Exception:
                pass
        else:
            self.status = "stopped"
        self.emit_status("stopped", message)
        self._scheduler.remove(self)
