"""A run's sockets: each message encoded once, offered to every attached socket.

Messages are encoded on the scheduler's worker and handed to the event loop in one call, where they go
to every attached socket's outbox, which coalesces frames for a slow reader: a slow or stalled socket
never slows the run. The latest frame and status are kept for a socket that attaches later.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Self

import orjson

if TYPE_CHECKING:
    from app.runs.run import Run


class Subscriber(Protocol):
    def put(self, data: bytes, frame: bool = False) -> None: ...


@dataclass(eq=False)
class Attachment:
    run: "Run"
    sub: Subscriber
    control: bool
    muted: bool = False  # held (the run stays alive for this socket) but sent nothing


class Fanout:
    def __init__(self, run_id: str, loop: asyncio.AbstractEventLoop) -> None:
        self.run_id = run_id
        self._loop = loop
        self.attachments: tuple[Attachment, ...] = ()
        self.last_frame: bytes | None = None
        self.last_status: bytes | None = None
        self.on_empty: Callable[[Self], None] | None = None  # the hub's grace timer
        self.on_change: Callable[[Self], None] | None = None  # the hub's listeners

    # -- on the worker ---------------------------------------------------------------------------

    def send(self, data: bytes, frame: bool = False) -> None:
        self._loop.call_soon_threadsafe(self._fanout, data, frame)

    def emit_status(self, status: str, message: str | None = None) -> None:
        body: dict[str, Any] = {"type": "status", "run_id": self.run_id, "status": status}
        if message is not None:
            body["message"] = message
        self.send(orjson.dumps(body))

    def emit(self, message: dict[str, Any]) -> None:
        self.send(orjson.dumps(message))

    # -- on the event loop -----------------------------------------------------------------------

    def _fanout(self: Self, data: bytes, frame: bool) -> None:
        if frame:
            self.last_frame = data
        elif data.startswith(b'{"type":"status"'):
            self.last_status = data
        for att in self.attachments:
            if not att.muted:
                att.sub.put(data, frame=frame)
        if self.on_change is not None:
            self.on_change(self)

    def attach(self, att: Attachment) -> None:
        self.attachments = (*self.attachments, att)

    def detach(self: Self, att: Attachment) -> None:
        self.attachments = tuple(a for a in self.attachments if a is not att)
        if not self.attachments and self.on_empty is not None:
            self.on_empty(self)

    def replay_to(self, sub: Subscriber) -> None:
        """The latest frame and status, for a socket that just attached or came back."""
        if self.last_frame is not None:
            sub.put(self.last_frame, frame=True)
        if self.last_status is not None:
            sub.put(self.last_status)
