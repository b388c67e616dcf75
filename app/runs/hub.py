"""Every live run of this process: admission, ids and tokens, attach and detach, grace, sharing.

A run is not the property of the socket that started it. Any socket may attach to it (with its
token to control it, without to watch); it ends when a controller stops it, or ``grace_s`` after the
last socket left. Starts with the same lab and canonical config share one timeline, so thirty
identical starts cost one computation; admission (admission.py) is by estimated memory and a count of
distinct computations, not by a handful of slots.
"""

import asyncio
import hmac
import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import anyio

from app.broker import Broker, MemoryBroker
from app.runs.admission import MB, Admission
from app.runs.errors import RunError
from app.runs.protocol import LiveRun
from app.runs.remote import RemoteRun, RunDirectory
from app.runs.run import Attachment, Run, Subscriber
from app.runs.scheduler import Scheduler
from app.runs.timeline import Timeline

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    """A validated start: what to build, what it shares with, what it costs."""

    lab: str
    config: dict[str, Any]  # canonical: defaults applied, as JSON
    key: str  # lab + canonical config: equal keys compute once
    build: Callable[[], LiveRun]
    memory: int = 0  # estimated bytes
    memory_fields: tuple[str, ...] = field(default=())  # the config fields that make it big


class Catalog(Protocol):
    def prepare(self, lab: str, config: dict[str, Any]) -> Prepared:
        """Validate a start's lab and config; an error naming the field otherwise."""
        ...


@dataclass(frozen=True)
class HubLimits:
    max_runs: int = 64  # distinct computations at once
    max_memory: int = 4096 * MB  # their estimated memory together
    grace_s: float = 60.0
    frame_rate: float = 8.0
    frame_budget: float = 0.12
    max_checkpoints: int = 8
    frame_cache_bytes: int = 8 * MB
    idle_s: float = 300.0  # a computation nobody moved for this long may sleep when room is needed


class RunHub:
    def __init__(self, catalog: Catalog, limits: HubLimits, broker: Broker | None = None) -> None:
        self.catalog = catalog
        self.limits = limits
        self.broker: Broker = broker or MemoryBroker()
        self.directory = RunDirectory(self, self.broker) if self.broker.distributed else None
        self._loop = asyncio.get_running_loop()
        self.scheduler = Scheduler(self._loop, limits.frame_rate, limits.frame_budget)
        self.scheduler.unshared = self._unshare
        self.runs: dict[str, Run] = {}
        self._shared: dict[str, Timeline] = {}  # worker thread only
        self.admission = Admission(limits.max_runs, limits.max_memory, limits.idle_s, self.scheduler.timelines)
        self._building: dict[str, asyncio.Future[Timeline]] = {}  # loop only
        self._grace: dict[str, asyncio.TimerHandle] = {}
        self._listeners: list[Callable[[Run], None]] = []

    # -- starting --------------------------------------------------------------------------------

    def validate(self, lab: str, config: dict[str, Any]) -> dict[str, Any]:
        return self.catalog.prepare(lab, config).config

    async def start(self, lab: str, config: dict[str, Any], speed: float | None = None,
                    paused: bool = False, attach: Subscriber | None = None) -> Run:
        prepared = self.catalog.prepare(lab, config)
        # Identical starts at one speed share a timeline; one at another speed would trail or lead it
        # and need frames of steps it has passed, so it shares with its own kind.
        prepared = replace(prepared, key=f"{prepared.key}|{speed}")
        timeline = await self._timeline_for(prepared)
        run = Run(uuid.uuid4().hex[:12], secrets.token_urlsafe(16), lab, prepared.config, timeline,
                  self.scheduler, self._loop, speed=speed, frame_interval=1.0 / self.limits.frame_rate,
                  frame_budget=self.limits.frame_budget)
        run.on_empty = self._start_grace
        run.on_change = self._changed
        self.runs[run.run_id] = run
        if self.directory is not None:  # before `started`: a link to the run works on any process at once
            await self.directory.announce(run)
        if attach is not None:
            run.attach(Attachment(run, attach, control=True))
        self.scheduler.post(lambda: self._launch(run, paused))
        return run

    async def _timeline_for(self, prepared: Prepared) -> Timeline:
        building = self._building.get(prepared.key)
        if building is not None:  # the same start is being built right now: share it
            await asyncio.shield(building)
        shared = await self.scheduler.call(lambda: self._admit(prepared))
        if shared is not None:
            return shared
        future: asyncio.Future[Timeline] = self._loop.create_future()
        self._building[prepared.key] = future
        try:
            timeline = await anyio.to_thread.run_sync(self._build, prepared)
        except BaseException as exc:
            self.scheduler.post(lambda: self.admission.release(prepared.memory))
            future.set_exception(exc)
            future.exception()  # retrieved: a waiter re-admits on its own
            raise
        finally:
            self._building.pop(prepared.key, None)
        await self.scheduler.call(lambda: self._register(timeline, prepared))
        future.set_result(timeline)
        return timeline

    def _build(self, prepared: Prepared) -> Timeline:
        tl = Timeline(prepared.key, prepared.build, max_checkpoints=self.limits.max_checkpoints,
                      frame_cache_bytes=self.limits.frame_cache_bytes)
        tl.frame(0)  # every start shows step 0 at once: build it here, off the worker
        return tl

    def _admit(self, prepared: Prepared) -> Timeline | None:
        """On the worker: a shared timeline, or room reserved for a new one, or RunError."""
        shared = self._shared.get(prepared.key)
        if shared is not None and shared.cursors:
            return shared
        self.admission.reserve(prepared.memory, prepared.memory_fields)
        return None

    def _register(self, tl: Timeline, prepared: Prepared) -> None:
        self.admission.register(tl, prepared.memory)
        self._shared.setdefault(prepared.key, tl)

    def _unshare(self, tl: Timeline) -> None:
        """On the worker: a timeline that changed its history or lost its last run."""
        for key, shared in list(self._shared.items()):
            if shared is tl:
                del self._shared[key]
        self.admission.unshared(tl)

    def _launch(self, run: Run, paused: bool) -> None:
        self.scheduler.add(run)
        if paused:
            run.status = "paused"
            run.send_exact_frame()
            run.emit_status("paused")
        else:
            run.emit_status("running")
            run.send_exact_frame()
            run.next_step_at = 0.0

    # -- sockets ---------------------------------------------------------------------------------

    def get(self, run_id: str) -> Run | None:
        return self.runs.get(run_id)

    def find(self, run_id: Any, token: Any) -> tuple[Run, bool]:
        """The run and whether ``token`` controls it; RunError naming run_id or token otherwise."""
        run = self.runs.get(run_id) if isinstance(run_id, str) else None
        if run is None:
            raise RunError("run_id", f"no run {str(run_id)[:40]!r} on this server: it ended or never existed")
        if token is None:
            return run, False
        if not isinstance(token, str) or not hmac.compare_digest(token.encode(), run.token.encode()):
            raise RunError("token", "this token does not control that run")
        return run, True

    async def find_anywhere(self, run_id: Any, token: Any) -> tuple["Run | RemoteRun", bool]:
        """As ``find``, and with a broker across processes, a run another process computes."""
        try:
            return self.find(run_id, token)
        except RunError as exc:
            if exc.field != "run_id" or self.directory is None or not isinstance(run_id, str):
                raise
        if token is not None and not isinstance(token, str):
            raise RunError("token", "a token is text")
        return await self.directory.find(run_id, token)

    def attach(self, run: Run, sub: Subscriber, control: bool) -> Attachment:
        timer = self._grace.pop(run.run_id, None)
        if timer is not None:
            timer.cancel()
        att = Attachment(run, sub, control)
        run.attach(att)
        return att

    def detach(self, att: Attachment) -> None:
        att.run.detach(att)

    def stop(self, run: Run, message: str | None = None) -> "asyncio.Future[None]":
        stopped = run.stop(message)
        # forgotten once its last messages went out: a publisher to other processes carries them too
        stopped.add_done_callback(lambda _: self._forget(run))
        self.runs.pop(run.run_id, None)
        return stopped

    def add_listener(self, fn: Callable[[Run], None]) -> None:
        self._listeners.append(fn)

    def _changed(self, run: Run) -> None:
        for fn in self._listeners:
            try:
                fn(run)
            except Exception:
                log.exception("a run listener failed")

    def _start_grace(self, run: Run) -> None:
        if run.run_id not in self.runs:
            return
        old = self._grace.pop(run.run_id, None)
        if old is not None:
            old.cancel()
        self._grace[run.run_id] = self._loop.call_later(self.limits.grace_s, self._expire, run)

    def _expire(self, run: Run) -> None:
        self._grace.pop(run.run_id, None)
        if not run.attachments:
            self.stop(run)

    def _forget(self, run: Run) -> None:
        self.runs.pop(run.run_id, None)
        if self.directory is not None:
            self.directory.retract(run.run_id)
        timer = self._grace.pop(run.run_id, None)
        if timer is not None:
            timer.cancel()

    async def open(self) -> None:
        await self.broker.start()
        if self.directory is not None:
            await self.directory.start()

    async def close(self) -> None:
        for run in list(self.runs.values()):
            self.stop(run)
        if self.directory is not None:
            await self.directory.close()
        await self.broker.close()
        await anyio.to_thread.run_sync(self.scheduler.close)
