"""Runs across processes: the directory of who computes which run, and a stand-in for a run another
process computes, which this process's sockets attach to as if it were here.

The owner publishes a watched run's messages once, on the run's channel; every process with watchers
takes them from there once and fans them out to its own sockets. Control messages go to the owner as
requests and come back answered as if local. A stand-in whose owner stops beating tells its sockets
that the server that ran the run went away.
"""

import asyncio
import contextlib
import hmac
import logging
from typing import TYPE_CHECKING, Any

from app.broker.base import Broker, BrokerError
from app.runs.errors import RunError
from app.runs.remote_publisher import Publisher
from app.runs.remote_run import GONE, RemoteRun
from app.runs.run import Run

if TYPE_CHECKING:
    from app.runs.hub import RunHub

log = logging.getLogger(__name__)
__all__ = ["GONE", "Publisher", "RemoteRun", "RunDirectory"]
CHECK_S = 1.0


class RunDirectory:
    def __init__(self, hub: "RunHub", broker: Broker) -> None:
        self.hub = hub
        self.broker = broker
        self._stand_ins: dict[str, RemoteRun] = {}
        self._publishers: dict[str, Publisher] = {}
        self._finding: dict[str, asyncio.Future[tuple[RemoteRun, bool]]] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.broker.serve(self._serve)
        self._task = asyncio.create_task(self._watch())

    async def close(self) -> None:
        for publisher in self._publishers.values():
            publisher.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    # -- the owner's side ----------------------------------------------------------------------------

    async def announce(self, run: Run) -> None:
        await self._put(run)

    async def _put(self, run: Run) -> None:
        with contextlib.suppress(BrokerError):
            await self.broker.put(f"run:{run.run_id}", {"owner": self.broker.process_id, "lab": run.lab,
                                                       "config": run.config})

    def retract(self, run_id: str) -> None:
        asyncio.ensure_future(self._delete(run_id))
        publisher = self._publishers.pop(run_id, None)
        if publisher is not None:
            publisher.close()
            if publisher.attachment is not None:
                publisher.run.detach(publisher.attachment)

    async def _delete(self, run_id: str) -> None:
        with contextlib.suppress(BrokerError):
            await self.broker.delete(f"run:{run_id}")

    async def _serve(self, body: dict[str, Any]) -> dict[str, Any]:
        run = self.hub.runs.get(body.get("run_id", ""))
        if run is None:
            return {"error": {"field": "run_id", "message": "that run ended"}}
        token, op = body.get("token") or "", str(body.get("op"))
        control = bool(token) and hmac.compare_digest(str(token).encode(), run.token.encode())
        if token and not control:
            return {"error": {"field": "token", "message": "this token does not control that run"}}
        if op == "watch":
            self._watched_by(run, body["from"])
            return {"lab": run.lab, "config": run.config, "control": control, "total_steps": run.total_steps,
                    "frame": run.last_frame.decode() if run.last_frame else None,
                    "status": run.last_status.decode() if run.last_status else None}
        if op == "unwatch":
            publisher = self._publishers.get(run.run_id)
            if publisher is not None:
                publisher.processes.discard(body["from"])
                self._maybe_unpublish(publisher)
            return {}
        if not control:
            return {"error": {"field": "type", "message": f"cannot {op}: only the run's controller may"}}
        try:
            await self._control(run, op, body)
        except RunError as exc:
            return {"error": {"field": exc.field, "message": exc.message}}
        except Exception as exc:  # a lab's own refusal (FieldError) or failure: named as it came
            return {"error": {"field": getattr(exc, "field", None), "message": getattr(exc, "message", str(exc))}}
        return {}

    async def _control(self, run: Run, op: str, body: dict[str, Any]) -> None:
        if op == "stop":
            await self.hub.stop(run)
        elif op == "seek":
            k = body.get("k")
            if not isinstance(k, int) or not 0 <= k <= run.step:
                raise RunError("step", f"step {k} is beyond the step reached, {run.step}")
            await run.seek(k)
        elif op == "set":
            await run.set(body.get("params") or {})
        elif op == "step":
            if run.status != "paused":
                raise RunError("type", "step works on a paused run; send pause first")
            await run.step_n(int(body.get("n", 1)))
        elif op in ("pause", "resume"):
            await getattr(run, op)()
        else:
            raise RunError("type", f"unknown request {op!r}")

    def _watched_by(self, run: Run, process: str) -> None:
        publisher = self._publishers.get(run.run_id)
        if publisher is None:
            publisher = self._publishers[run.run_id] = Publisher(run, self.broker)
        publisher.processes.add(process)
        if publisher.attachment is None:  # held like a socket: the run lives while others watch it
            att = publisher.attachment = self.hub.attach(run, publisher, control=False)
            # served first: a frame crosses Redis while this process still writes to its own sockets
            run.attachments = (att, *(a for a in run.attachments if a is not att))

    def _maybe_unpublish(self, publisher: Publisher) -> None:
        if not publisher.processes and publisher.attachment is not None:
            att, publisher.attachment = publisher.attachment, None
            self.hub.detach(att)

    # -- the watching side ----------------------------------------------------------------------------

    async def find(self, run_id: str, token: str | None) -> tuple[RemoteRun, bool]:
        stand_in = self._stand_ins.get(run_id)
        if stand_in is not None and (not token or hmac.compare_digest(token.encode(), stand_in.token.encode())):
            return stand_in, bool(token)
        if token:  # a controller: the owner checks its token
            return await self._look_up(run_id, token)
        # a lecture hall attaching at once: one look-up and one watch request, however many sockets ask
        pending = self._finding.get(run_id)
        if pending is None:
            pending = self._finding[run_id] = asyncio.ensure_future(self._look_up(run_id, None))
            pending.add_done_callback(lambda _: self._finding.pop(run_id, None))
        return await asyncio.shield(pending)

    async def _look_up(self, run_id: str, token: str | None) -> tuple[RemoteRun, bool]:
        stand_in = self._stand_ins.get(run_id)
        try:
            entry = await self.broker.get(f"run:{run_id}")
        except BrokerError as exc:
            raise RunError("run_id", f"runs on other servers cannot be reached now: {exc}") from None
        if entry is None:
            raise RunError("run_id", f"no run {run_id[:40]!r} on this server: it ended or never existed")
        try:
            if not await self.broker.alive(entry["owner"]):  # a dead owner cannot answer: say so at once
                await self.broker.delete(f"run:{run_id}")
                raise RunError("run_id", GONE)
            answer = await self.broker.request(entry["owner"], {"op": "watch", "run_id": run_id, "token": token,
                                                                 "from": self.broker.process_id})
        except BrokerError:
            raise RunError("run_id", GONE) from None
        if "error" in answer:
            raise RunError(answer["error"].get("field") or "run_id", answer["error"]["message"])
        if stand_in is None:
            stand_in = RemoteRun(run_id, entry["owner"], answer["lab"], answer["config"], token, self)
            stand_in.total_steps = int(answer.get("total_steps") or 0)
            self._stand_ins[run_id] = stand_in
            self.broker.subscribe(f"run:{run_id}", stand_in.receive)
            for part in (answer.get("frame"), answer.get("status")):
                if part:
                    stand_in.receive(part.encode())
        elif token:
            stand_in.token = token
        return stand_in, bool(answer.get("control"))

    async def ask(self, stand_in: RemoteRun, op: str, **args: Any) -> None:
        try:
            answer = await self.broker.request(stand_in.owner, {
                "op": op, "run_id": stand_in.run_id, "token": stand_in.token, "from": self.broker.process_id, **args})
        except BrokerError:
            stand_in.gone()
            raise RunError("type", GONE) from None
        if "error" in answer:
            error = answer["error"]
            raise RunError(error.get("field") or "type", error.get("message", "refused"))

    def forget(self, stand_in: RemoteRun) -> None:
        if self._stand_ins.get(stand_in.run_id) is stand_in:
            del self._stand_ins[stand_in.run_id]
            self.broker.unsubscribe(f"run:{stand_in.run_id}", stand_in.receive)
            asyncio.ensure_future(self._unwatch(stand_in))

    async def _unwatch(self, stand_in: RemoteRun) -> None:
        with contextlib.suppress(BrokerError):
            await self.broker.request(stand_in.owner, {"op": "unwatch", "run_id": stand_in.run_id,
                                                       "from": self.broker.process_id}, timeout=2)

    # -- liveness, both ways ----------------------------------------------------------------------------

    async def _watch(self) -> None:
        beat = 0
        while True:
            await asyncio.sleep(CHECK_S)
            beat += 1
            try:
                for stand_in in list(self._stand_ins.values()):
                    if stand_in.status != "stopped" and not await self.broker.alive(stand_in.owner):
                        stand_in.gone()
                for publisher in list(self._publishers.values()):
                    for process in list(publisher.processes):
                        if not await self.broker.alive(process):
                            publisher.processes.discard(process)
                    self._maybe_unpublish(publisher)
                if beat % 5 == 0:  # Redis may have restarted empty: say again which runs live here
                    for run in list(self.hub.runs.values()):
                        await self._put(run)
            except BrokerError:
                continue  # Redis is away: nobody can be judged gone on that evidence
            except Exception:
                log.exception("the run directory's check failed")

