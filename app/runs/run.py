"""A run: one user's cursor over a shared timeline, with its own id, token, speed, pause and step.

Control calls come from the event loop and are carried out on the scheduler's worker thread, which
alone moves cursors and touches timelines. Messages go out through ``emit``: encoded once on the
worker, handed to the event loop in one call, and fanned out there to every attached socket's
outbox, which coalesces frames for a slow reader. A slow or stalled socket never slows the run.
"""

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from app.runs.timeline import Timeline

if TYPE_CHECKING:
    from app.runs.scheduler import Scheduler

LIVE = ("running", "paused")
ENDED = ("finished", "diverged", "stopped")


class Subscriber(Protocol):
    def put(self, data: bytes, frame: bool = False) -> None: ...


@dataclass(eq=False)
class Attachment:
    run: "Run"
    sub: Subscriber
    control: bool
    muted: bool = False  # held (the run stays alive for this socket) but sent nothing


class Run:
    def __init__(self, run_id: str, token: str, lab: str, config: dict[str, Any], timeline: Timeline,
                 scheduler: "Scheduler", loop: asyncio.AbstractEventLoop, *, speed: float | None,
                 frame_interval: float, frame_budget: float) -> None:
        self.run_id, self.token, self.lab, self.config = run_id, token, lab, config
        self.timeline = timeline
        self.position = 0
        self.status = "running"
        self.speed = speed
        self.to_step = 0
        self._scheduler = scheduler
        self._loop = loop
        self._frame_interval = frame_interval
        self._frame_budget = frame_budget
        self.next_step_at = 0.0
        self._next_frame_at = 0.0
        self._sent_step = -1
        self.attachments: tuple[Attachment, ...] = ()
        self.last_frame: bytes | None = None
        self.last_status: bytes | None = None
        self.on_empty: Callable[[Run], None] | None = None  # the hub's grace timer
        self.on_change: Callable[[Run], None] | None = None  # the hub's listeners

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

    # -- messages ----------------------------------------------------------------------------------

    def _emit_frame(self, step: int, payload: bytes) -> None:
        head = orjson.dumps({"type": "frame", "run_id": self.run_id, "step": step,
                             "total_steps": self.timeline.total_steps})
        data = head[:-1] + (b"," + payload[1:] if payload != b"{}" else b"}")
        self._sent_step = step
        self._loop.call_soon_threadsafe(self._fanout, data, True)

    def emit_status(self, status: str, message: str | None = None) -> None:
        body: dict[str, Any] = {"type": "status", "run_id": self.run_id, "status": status}
        if message is not None:
            body["message"] = message
        self._loop.call_soon_threadsafe(self._fanout, orjson.dumps(body), False)

    def emit(self, message: dict[str, Any]) -> None:
        self._loop.call_soon_threadsafe(self._fanout, orjson.dumps(message), False)

    def _fanout(self, data: bytes, frame: bool) -> None:
        """On the event loop: one encoded message to every attached socket."""
        if frame:
            self.last_frame = data
        elif data.startswith(b'{"type":"status"'):
            self.last_status = data
        for att in self.attachments:
            if not att.muted:
                att.sub.put(data, frame=frame)
        if self.on_change is not None:
            self.on_change(self)

    # -- sockets, on the event loop ----------------------------------------------------------------

    def attach(self, att: Attachment) -> None:
        self.attachments = (*self.attachments, att)
        self._scheduler.post(lambda: None)  # wake the worker: this run may step again

    def detach(self, att: Attachment) -> None:
        self.attachments = tuple(a for a in self.attachments if a is not att)
        if not self.attachments and self.on_empty is not None:
            self.on_empty(self)

    def replay_to(self, sub: Subscriber) -> None:
        """The latest frame and status, for a socket that just attached or came back."""
        if self.last_frame is not None:
            sub.put(self.last_frame, frame=True)
        if self.last_status is not None:
            sub.put(self.last_status)
