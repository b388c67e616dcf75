"""A live run on its own worker thread: play, pause, step n, set, stop, and throttled frames."""

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from app.runs.frames import encode
from app.runs.outbox import Outbox
from app.runs.protocol import LiveRun

log = logging.getLogger(__name__)


class RunSession:
    """Owns one ``LiveRun``; every call into the run happens on this session's worker thread
    or under its lock, so a lab never sees two threads at once.

    Frames go out at most ``frame_rate`` times a second, and building them may take at most
    ``frame_budget`` of the run's time; a frame is skipped while the client has not yet taken
    the previous one. Pausing, finishing, diverging and the end of a ``step n`` always send the
    frame of the step reached, then the status.
    """

    def __init__(
        self,
        run: LiveRun,
        run_id: str,
        outbox: Outbox,
        frame_rate: float,
        frame_budget: float,
        speed: float | None = None,
        on_end: Callable[[], None] | None = None,
    ) -> None:
        self.run = run
        self.run_id = run_id
        self._outbox = outbox
        self._min_interval = 1.0 / frame_rate
        self._budget_share = frame_budget
        self._speed = speed  # steps per second; None runs flat out
        self._on_end = on_end
        self._cond = threading.Condition()
        self._lock = threading.Lock()  # held while the run steps or changes
        self._paused = False
        self._pause_acked = True
        self._to_step = 0
        self._stopping = False
        self.status = "running"
        self._next_frame = 0.0
        self._thread = threading.Thread(target=self._work, name=f"run-{run_id}", daemon=True)

    # -- control, from the event loop ---------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def pause(self) -> None:
        with self._cond:
            if self.status != "running":
                return
            self._paused, self._pause_acked, self._to_step = True, False, 0
            self._cond.notify_all()

    def resume(self) -> None:
        with self._cond:
            if not self._paused:
                return
            self._paused, self._pause_acked, self._to_step = False, True, 0
            self.status = "running"
            self._cond.notify_all()
        self._send_status("running")

    def step(self, n: int) -> None:
        with self._cond:
            self._to_step += n
            self._cond.notify_all()

    def set_params(self, params: Mapping[str, Any]) -> None:
        """Apply new hyperparameters between two steps; the lab's FieldError propagates."""
        params = dict(params)
        speed = params.pop("speed", "unchanged")
        if speed != "unchanged":
            with self._cond:
                self._speed = speed
                self._cond.notify_all()
        if params:
            with self._lock:
                self.run.set_params(params)
        if self.status in ("paused", "finished", "diverged", "stopped"):
            self._send_frame()  # show the new value even though no step will run

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()

    def join(self, timeout: float | None = None) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def paused(self) -> bool:
        return self._paused

    # -- the worker thread ----------------------------------------------------------------------

    def _work(self) -> None:
        try:
            self._send_frame()
            self._loop()
        except Exception:  # a bug in a lab must not take the server down: show it, end the run
            log.exception("run %s failed", self.run_id)
            try:
                self._end("stopped", "the run failed inside the lab; see the server log")
            except Exception:  # its frame fails too: the client still learns that the run ended
                log.exception("run %s: no last frame", self.run_id)
                self._send_status("stopped")
        finally:
            if self._on_end is not None:
                self._on_end()

    def _wait_for_work(self) -> bool:
        """Block until a step may run; False when the run should end."""
        with self._cond:
            while True:
                if self._stopping:
                    return False
                if self._paused and not self._pause_acked:
                    self._pause_acked = True
                    self.status = "paused"
                    self._cond.release()
                    try:
                        self._send_frame()
                        self._send_status("paused")
                    finally:
                        self._cond.acquire()
                    continue
                if not self._paused or self._to_step > 0:
                    return True
                self._cond.wait()

    def _loop(self) -> None:
        last_step = time.perf_counter()
        while True:
            if not self._wait_for_work():
                self._end("stopped")
                return
            if self._speed and not self._paused and self._throttle(last_step):
                continue
            last_step = time.perf_counter()
            with self._cond:
                single = self._paused and self._to_step > 0
                if single:
                    self._to_step -= 1
                    batch_done = self._to_step == 0
            with self._lock:
                loss = self.run.step()
            if not math.isfinite(loss):
                self._end("diverged")
                return
            if self.run.finished:
                self._end("finished")
                return
            if single and batch_done:
                self._send_frame()
                self._send_status("paused")
            elif not single and time.perf_counter() >= self._next_frame and not self._outbox.frame_pending():
                self._send_frame()

    def _throttle(self, last_step: float) -> bool:
        """Sleep toward the next step time; True if woken early (to re-check controls)."""
        wait = last_step + 1.0 / float(self._speed or 1) - time.perf_counter()
        if wait <= 0:
            return False
        with self._cond:
            self._cond.wait(min(wait, 0.25))
        return True

    def _end(self, status: str, message: str | None = None) -> None:
        with self._cond:
            self.status = status
        if message is not None:
            self._outbox.put(encode({"type": "error", "message": message, "field": None}))
        self._send_frame()
        self._send_status(status)

    # -- messages ---------------------------------------------------------------------------------

    def _send_frame(self) -> None:
        started = time.perf_counter()
        with self._lock:
            payload = self.run.frame()
            steps = self.run.steps_done
        message = {**payload, "type": "frame", "run_id": self.run_id, "step": steps}
        self._outbox.put(encode(message), frame=True)
        cost = time.perf_counter() - started
        self._next_frame = time.perf_counter() + max(self._min_interval, cost / self._budget_share)

    def _send_status(self, status: str) -> None:
        self._outbox.put(encode({"type": "status", "run_id": self.run_id, "status": status}))
