"""One WebSocket client: its messages in, its run's frames out, and clean-up when it goes."""

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Mapping
from typing import Any

import anyio
from pydantic import ValidationError

from app.labs.errors import FieldError
from app.runs.frames import encode
from app.runs.outbox import Outbox
from app.runs.session import RunSession
from app.runs.slots import RunSlots, ServerBusy
from app.settings import Settings
from app.web.errors import first_error, valid_utf8
from app.web.live import LiveLab, check_caps
from app.web.messages import Pause, Resume, Set, Start, Step, Stop, client_message

log = logging.getLogger(__name__)


class RunConnection:
    def __init__(self, settings: Settings, slots: RunSlots, labs: Mapping[str, LiveLab]) -> None:
        self.settings = settings
        self.slots = slots
        self.labs = labs
        self.outbox = Outbox(asyncio.get_running_loop())
        self.session: RunSession | None = None
        self.lab_name = ""
        self._starting = False
        self._queued: asyncio.Task[None] | None = None  # a built run waiting in line for a slot

    def send(self, message: dict[str, Any]) -> None:
        self.outbox.put(encode(message))

    def error(self, message: str, field: str | None) -> None:
        # a field may be a key the client sent, lone surrogates included: UTF-8 cannot carry those
        self.send({"type": "error", "message": valid_utf8(message),
                   "field": None if field is None else valid_utf8(field)})

    async def handle(self, text: str | bytes) -> None:
        """Act on one raw client message; every fault becomes an ``error`` message."""
        if len(text) > self.settings.max_message_bytes:
            self.error(f"message of {len(text)} bytes is larger than the limit of "
                       f"{self.settings.max_message_bytes} bytes", "message")
            return
        try:
            # The standard parser reads NaN and Infinity, so they reach validation and get
            # refused naming their field; messages are small, speed does not matter here.
            raw = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            self.error(f"message is not valid JSON: {exc}", "message")
            return
        except RecursionError:  # '[[[[…' a few thousand deep fits in a small message
            self.error("message is nested too deeply", "message")
            return
        if not isinstance(raw, dict):
            self.error("a message must be a JSON object with a 'type'", "message")
            return
        try:
            msg = client_message.validate_python(raw)
        except ValidationError as exc:
            field, text_ = first_error(exc)
            tag = f"{raw.get('type')}."
            self.error(text_, field.removeprefix(tag) if field.startswith(tag) else field or "type")
            return
        try:
            await self._dispatch(msg)
        except FieldError as exc:
            self.error(exc.message, exc.field)
        except Exception:  # a bug in a lab's builder or set_params must not close everyone's socket
            log.exception("%s message failed in lab %r", msg.type, getattr(msg, "lab", self.lab_name))
            self.error(f"the {msg.type} message failed inside the lab; see the server log", None)

    async def _dispatch(self, msg: Any) -> None:
        if isinstance(msg, Start):
            await self._start(msg)
            return
        if self._queued is not None and not self._queued.done():
            if isinstance(msg, Stop):
                await self._leave_queue()
                self.send({"type": "status", "run_id": None, "status": "stopped"})
            else:
                self.error(f"cannot {msg.type}: the run is waiting for a free slot; send stop to leave the line",
                           "type")
            return
        session = self.session
        if session is None or session.status not in ("running", "paused"):
            state = "no run has started" if session is None else f"the run is {session.status}"
            self.error(f"cannot {msg.type}: {state}; send a start message first", "type")
            return
        if isinstance(msg, Pause):
            session.pause()
        elif isinstance(msg, Resume):
            session.resume()
        elif isinstance(msg, Step):
            if not session.paused:
                self.error("step works on a paused run; send pause first", "type")
                return
            session.step(msg.n)
        elif isinstance(msg, Set):
            await self._set(session, msg.params)
        elif isinstance(msg, Stop):
            await self.stop_run()

    async def _set(self, session: RunSession, params: dict[str, Any]) -> None:
        lab = self.labs[self.lab_name]
        params = dict(params)
        if "speed" in params:
            speed = params["speed"]
            if speed is not None and (not isinstance(speed, (int, float)) or isinstance(speed, bool)
                                      or not 0 < speed <= 10_000):
                raise FieldError("params.speed", "speed is steps per second, a number in (0, 10000], or null")
        if lab.params_model is not None:
            rest = {k: v for k, v in params.items() if k != "speed"}
            try:
                model = lab.params_model.model_validate(rest)
            except ValidationError as exc:
                field, text = first_error(exc, "params")
                raise FieldError(field, text) from None
            check_caps(model, lab.caps, self.settings, prefix="params.")
            speed = {"speed": params["speed"]} if "speed" in params else {}
            params = {**model.model_dump(exclude_unset=True), **speed}
        try:
            await anyio.to_thread.run_sync(session.set_params, params)
        except FieldError as exc:
            field = exc.field if exc.field.startswith("params") else f"params.{exc.field}"
            raise FieldError(field, exc.message) from None

    async def _start(self, msg: Start) -> None:
        if self._starting:
            self.error("a run is already starting", "type")
            return
        lab = self.labs.get(msg.lab)
        if lab is None:
            self.error(f"unknown lab {msg.lab!r}; choose one of {', '.join(sorted(self.labs))}", "lab")
            return
        try:
            config = lab.config_model.model_validate(msg.config)
        except ValidationError as exc:
            field, text = first_error(exc, "config")
            raise FieldError(field, text) from None
        check_caps(config, lab.caps, self.settings, prefix="config.")
        self._starting = True
        try:
            await self._leave_queue()
            await self.stop_run()
            try:
                run = await anyio.to_thread.run_sync(lab.build, config, self.settings)
            except FieldError as exc:
                raise FieldError(exc.field if exc.field.startswith("config") else f"config.{exc.field}",
                                 exc.message) from None
        finally:
            self._starting = False
        if self.slots.try_acquire():
            self._launch(msg, config, run)
        elif self.slots.waiting >= self.slots.queue_limit:
            self._busy()
        else:
            # Wait in line as a task of its own, so this socket still reads: a stop leaves the line.
            self.send({"type": "queued", "position": self.slots.waiting + 1})
            self._queued = asyncio.create_task(self._wait_for_slot(msg, config, run))

    def _busy(self) -> None:
        self.error(f"server busy: all {self.slots.capacity} run slots are taken and the waiting "
                   "line is full; try again in a minute", "type")

    async def _wait_for_slot(self, msg: Start, config: Any, run: Any) -> None:
        try:
            await self.slots.acquire()
        except ServerBusy:
            self._busy()
            return
        self._launch(msg, config, run)

    async def _leave_queue(self) -> None:
        task, self._queued = self._queued, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _launch(self, msg: Start, config: Any, run: Any) -> None:
        """Start a built run in the slot it holds."""
        run_id = uuid.uuid4().hex[:12]
        session = RunSession(run, run_id, self.outbox, self.settings.frame_rate, self.settings.frame_budget,
                             speed=msg.speed, on_end=self.slots.release_soon)
        self.session, self.lab_name = session, msg.lab
        self.send({"type": "started", "run_id": run_id, "lab": msg.lab, "config": config.model_dump(mode="json")})
        if msg.paused:
            session.pause()
        else:
            self.send({"type": "status", "run_id": run_id, "status": "running"})
        session.start()

    async def stop_run(self) -> None:
        session, self.session = self.session, None
        if session is None:
            return
        session.stop()
        await anyio.to_thread.run_sync(session.join, 5.0)

    async def close(self) -> None:
        await self._leave_queue()
        await self.stop_run()
        self.outbox.close()
