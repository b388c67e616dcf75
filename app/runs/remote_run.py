"""A run computed by another process, as this process's sockets see it (the directory in remote.py
makes one per watched run and feeds it the owner's messages)."""

import asyncio
from typing import TYPE_CHECKING, Any

import orjson

from app.runs.run import Attachment, Subscriber

if TYPE_CHECKING:
    from app.runs.remote import RunDirectory

GONE = "the server that ran this run went away; start it again"


class RemoteRun:
    """A run computed by another process, as this process's sockets see it."""

    def __init__(self, run_id: str, owner: str, lab: str, config: dict[str, Any], token: str | None,
                 directory: "RunDirectory") -> None:
        self.run_id, self.owner, self.lab, self.config = run_id, owner, lab, config
        self.token = token or ""
        self._directory = directory
        self.status = "running"
        self.position = 0
        self.total_steps = 0
        self.attachments: tuple[Attachment, ...] = ()
        self.last_frame: bytes | None = None
        self.last_status: bytes | None = None
        self._pending: bytes | None = None  # the newest frame read, not yet handed to the sockets
        self.frames_out = 0  # frames handed to the sockets (tests read it)

    @property
    def step(self) -> int:
        return self.position

    def losses(self, points: int = 40) -> list[float | None]:
        return []  # the owner keeps the history; a roster reads it there

    # -- messages from the owner -------------------------------------------------------------------

    def receive(self, data: bytes) -> None:
        """A message from the owner. A frame goes out at the end of this turn of the event loop, and
        only the newest of those read meanwhile: a process reading a backlog from Redis (it was busy
        sending) skips to the present instead of handing every missed frame to every socket."""
        if data.startswith(b'{"type":"frame"'):
            if self._pending is None:
                asyncio.get_running_loop().call_soon(self._flush)
            self._pending = data
            return
        self._flush()  # what came before a status goes before it
        message = orjson.loads(data)
        if message.get("type") == "status":
            self.last_status = data
            self.status = message["status"]
        self._fanout(data, frame=False)

    def _flush(self) -> None:
        data, self._pending = self._pending, None
        if data is None:
            return
        self.last_frame = data
        if b',"total_steps":' in data[:160]:
            self.position = int(orjson.loads(data[: data.index(b',"total_steps":')] + b"}").get("step", self.position))
        self._fanout(data, frame=True)

    def _fanout(self, data: bytes, frame: bool) -> None:
        self.frames_out += frame
        for att in self.attachments:
            if not att.muted:
                att.sub.put(data, frame=frame)

    def gone(self) -> None:
        self.status = "stopped"
        self.receive(orjson.dumps({"type": "status", "run_id": self.run_id, "status": "stopped", "message": GONE}))

    # -- control, forwarded --------------------------------------------------------------------------

    def _ask(self, op: str, **args: Any) -> "asyncio.Task[None]":
        return asyncio.ensure_future(self._directory.ask(self, op, **args))

    def pause(self) -> "asyncio.Task[None]":
        return self._ask("pause")

    def resume(self) -> "asyncio.Task[None]":
        return self._ask("resume")

    def step_n(self, n: int) -> "asyncio.Task[None]":
        return self._ask("step", n=n)

    def seek(self, k: int) -> "asyncio.Task[None]":
        return self._ask("seek", k=k)

    async def set(self, params: dict[str, Any]) -> None:
        await self._ask("set", params=params)

    def stop(self, message: str | None = None) -> "asyncio.Task[None]":
        return self._ask("stop")

    # -- sockets ---------------------------------------------------------------------------------------

    def attach(self, att: Attachment) -> None:
        self.attachments = (*self.attachments, att)

    def detach(self, att: Attachment) -> None:
        self.attachments = tuple(a for a in self.attachments if a is not att)
        if not self.attachments:
            self._directory.forget(self)

    def replay_to(self, sub: Subscriber) -> None:
        if self.last_frame is not None:
            sub.put(self.last_frame, frame=True)
        if self.last_status is not None:
            sub.put(self.last_status)
