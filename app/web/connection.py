"""One WebSocket client: its messages translated into calls on the run hub, and what it is shown.

A socket shows one run at a time: one it started or attached to with the token (it controls it), or
one it watches. Runs live in the hub, not here: closing the socket only detaches it.
"""

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from app.labs.errors import FieldError
from app.runs.errors import RunError
from app.runs.frames import encode
from app.runs.hub import RunHub
from app.runs.outbox import Outbox
from app.runs.run import ENDED, Attachment, Run
from app.settings import Settings
from app.web.errors import first_fault, on_the_wire, valid_utf8, validated
from app.web.live import LiveLab, check_caps
from app.web.messages import CONTROL, Attach, Detach, Seek, Set, Start, Step, Stop, client_message

log = logging.getLogger(__name__)
CLASS_MESSAGES = ("join", "present", "freeze", "push")


class RunConnection:
    def __init__(self, settings: Settings, hub: RunHub, labs: Mapping[str, LiveLab], classes: Any = None) -> None:
        self.settings = settings
        self.classes = classes  # the class layer: ``async handle(conn, msg)`` and ``left(conn)``
        self.hub = hub
        self.labs = labs
        self.outbox = Outbox(asyncio.get_running_loop())
        self.att: Attachment | None = None  # the run this socket shows
        self.held: Attachment | None = None  # its own run, kept (muted) while it follows another
        self.frozen = False
        self.classroom: Any = None  # the class this socket joined, set by the class layer
        self.address: str | None = None  # the client's address, when the socket knows it
        self._starting = False

    @property
    def run(self) -> Run | None:
        """The run this socket controls, if any."""
        own = self.held or self.att
        return own.run if own is not None and own.control else None

    @property
    def lab_name(self) -> str:
        return self.att.run.lab if self.att is not None else ""

    def send(self, message: dict[str, Any]) -> None:
        self.outbox.put(encode(message))

    def error(self, message: str, field: str | None, code: str = "invalid",
              params: dict[str, Any] | None = None) -> None:
        # a field may be a key the client sent, lone surrogates included: UTF-8 cannot carry those;
        # code and params let the page say it in its language (app/web/error_codes.py)
        self.send({"type": "error", "message": valid_utf8(message),
                   "field": None if field is None else valid_utf8(field), "code": code, "params": params or {}})

    async def handle(self, text: str | bytes) -> None:
        """Act on one raw client message; every fault becomes an ``error`` message."""
        size = len(text.encode(errors="surrogatepass") if isinstance(text, str) else text)
        if size > self.settings.max_message_bytes:
            self.error(f"message of {size} bytes is larger than the limit of "
                       f"{self.settings.max_message_bytes} bytes", "message", "message_too_large",
                       {"size": size, "limit": self.settings.max_message_bytes})
            return
        try:
            # The standard parser reads NaN and Infinity, so they reach validation and get
            # refused naming their field; messages are small, speed does not matter here.
            raw = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            self.error(f"message is not valid JSON: {exc}", "message", "not_json")
            return
        except RecursionError:  # '[[[[…' a few thousand deep fits in a small message
            self.error("message is nested too deeply", "message", "too_deep")
            return
        if not isinstance(raw, dict):
            self.error("a message must be a JSON object with a 'type'", "message", "not_a_message")
            return
        try:
            msg = client_message.validate_python(raw)
        except ValidationError as exc:
            fault = first_fault(exc)
            field, tag = fault.field, f"{raw.get('type')}."
            self.error(fault.message, field.removeprefix(tag) if field.startswith(tag) else field or "type",
                       fault.code, fault.params)
            return
        try:
            await self._dispatch(msg)
        except (FieldError, RunError) as exc:
            self.error(exc.message, exc.field, exc.code, exc.params)
        except Exception:  # a bug in a lab's builder or set_params must not close everyone's socket
            log.exception("%s message failed in lab %r", msg.type, getattr(msg, "lab", self.lab_name))
            self.error(f"the {msg.type} message failed inside the lab; see the server log", None, "lab_failed",
                       {"type": msg.type})

    async def _dispatch(self, msg: Any) -> None:
        if msg.type in CLASS_MESSAGES:
            if self.classes is None:
                raise FieldError("type", "this server has no classes", "no_classes")
            await self.classes.handle(self, msg)
        elif isinstance(msg, Start):
            await self._start(msg)
        elif isinstance(msg, Attach):
            await self._attach(msg)
        elif isinstance(msg, Detach):
            self.leave()
        elif isinstance(msg, CONTROL):
            await self._control(msg)

    async def _start(self, msg: Start) -> None:
        if self._starting:
            raise FieldError("type", "a run is already starting", "already_starting")
        self._starting = True
        try:
            prepared_lab = msg.lab
            self.leave()
            run = await self.hub.start(prepared_lab, msg.config, speed=msg.speed, paused=msg.paused,
                                       attach=self.outbox)
        finally:
            self._starting = False
        self.att = run.attachments[-1]
        self.send({"type": "started", "run_id": run.run_id, "lab": run.lab, "config": run.config,
                   "token": run.token})

    async def _attach(self, msg: Attach) -> None:
        run, control = await self.hub.find_anywhere(msg.run_id, msg.token)
        self.leave()
        # a RemoteRun attaches as a Run does; hub.attach (app/runs, not yet under mypy) is annotated Run only
        self.att = self.hub.attach(run, self.outbox, control)  # type: ignore[arg-type]
        self.send({"type": "attached", "run_id": run.run_id, "lab": run.lab, "config": run.config,
                   "control": control})
        run.replay_to(self.outbox)

    async def _control(self, msg: Any) -> None:
        att = self.att
        if att is None:
            raise FieldError("type", f"cannot {msg.type}: no run has started; send a start message first", "no_run")
        if not att.control or self.held is not None:
            raise FieldError("type", f"cannot {msg.type}: this page watches the run; only its controller may",
                             "watching")
        if self.frozen:
            raise FieldError("type", f"cannot {msg.type}: the teacher has paused the class", "class_paused")
        run = att.run
        if isinstance(msg, Stop):
            self.att = None
            await self.hub.stop(run)
            return
        if isinstance(msg, Seek):
            if run.status not in ("paused", "finished", "diverged"):
                raise FieldError("type", "seek works on a paused run; send pause first", "needs_pause")
            if msg.step > run.step:
                raise FieldError("step", f"step {msg.step} is beyond the step reached, {run.step}", "step_beyond",
                                 {"step": msg.step, "reached": run.step})
            await run.seek(msg.step)
            return
        if isinstance(msg, Set):
            await self._set(run, msg.params)
            return
        if msg.type == "pause" and run.status in ("finished", "diverged"):
            return  # it stands still already: a Play pressed as the last step came is not an error
        if run.status not in ("running", "paused"):
            raise FieldError("type", f"cannot {msg.type}: the run is {run.status}; send a start message first",
                             "run_ended", {"status": run.status})
        if isinstance(msg, Step):
            if run.status != "paused":
                raise FieldError("type", "step works on a paused run; send pause first", "needs_pause")
            await run.step_n(msg.n)
        elif msg.type == "pause":
            await run.pause()
        elif msg.type == "resume":
            await run.resume()

    async def _set(self, run: Run, params: dict[str, Any]) -> None:
        if run.status == "stopped":
            raise FieldError("type", "cannot set: the run is stopped; send a start message first", "run_stopped")
        lab = self.labs[run.lab]
        params = dict(params)
        if "speed" in params:
            speed = params["speed"]
            if speed is not None and (not isinstance(speed, (int, float)) or isinstance(speed, bool)
                                      or not 0 < speed <= 10_000):
                raise FieldError("params.speed", "speed is steps per second, a number in (0, 10000], or null",
                                 "bad_speed", {"limit": 10_000})
        if lab.params_model is not None:
            rest = {k: v for k, v in params.items() if k != "speed"}
            model = validated(lab.params_model, rest, "params")
            check_caps(model, lab.caps, self.settings, prefix="params.")
            speed = {"speed": params["speed"]} if "speed" in params else {}
            params = {**model.model_dump(exclude_unset=True), **speed}
        try:
            await run.set(params)
        except FieldError as exc:
            raise on_the_wire(exc, "params") from None

    # -- for the class layer -----------------------------------------------------------------------

    def present(self, run: Run) -> None:
        """Follow ``run`` read-only, keeping this socket's own run alive and quiet."""
        if self.att is not None and self.att.run is run:
            return
        if self.held is None and self.att is not None:
            self.held, self.att = self.att, None
            self.held.muted = True
        elif self.att is not None:
            self.hub.detach(self.att)
        self.att = self.hub.attach(run, self.outbox, control=False)
        run.replay_to(self.outbox)

    def release(self) -> None:
        """Back to this socket's own run, where it was."""
        if self.held is None:
            if self.att is not None and not self.att.control:
                self.hub.detach(self.att)
                self.att = None
            return
        if self.att is not None:
            self.hub.detach(self.att)
        self.att, self.held = self.held, None
        self.att.muted = False
        self.att.run.replay_to(self.outbox)

    def freeze(self, on: bool) -> None:
        self.frozen = on
        run = self.run
        if on and run is not None and run.status == "running":
            run.pause()

    # -- leaving -------------------------------------------------------------------------------------

    def leave(self) -> None:
        """Detach from whatever this socket shows or holds; the runs go on without it."""
        for att in (self.att, self.held):
            if att is not None:
                self.hub.detach(att)
        self.att = self.held = None

    async def close(self) -> None:
        if self.classes is not None:
            try:
                self.classes.left(self)
            except Exception:
                log.exception("leaving the class failed")
        self.leave()
        self.outbox.close()


__all__ = ["RunConnection", "ENDED"]
