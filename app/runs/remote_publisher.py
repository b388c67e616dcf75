"""On the owner of a run watched from other processes: the one subscriber that carries its messages
there, through Redis (the directory in remote.py makes one per such run)."""

import asyncio

from app.broker.base import Broker, BrokerError
from app.runs.outbox import Outbox
from app.runs.run import Attachment, Run

RETRY_S = 0.5


class Publisher:
    """On the owner: the one subscriber that carries a run's messages to every other process.

    It has a socket's coalescing outbox: each message is published only once the one before it is in
    Redis, so when Redis or this busy event loop is slower than the run, the newest frame goes and the
    frames it replaced never do (statuses all go, in order). A queue of every frame grew without end
    behind a lecture hall's sends: the other process showed frames seconds late.
    """

    def __init__(self, run: Run, broker: Broker) -> None:
        self.run = run
        self.broker = broker
        self.processes: set[str] = set()
        self.attachment: Attachment | None = None
        self.outbox = Outbox(asyncio.get_running_loop())
        self._closing = False
        self._task = asyncio.create_task(self._send(f"run:{run.run_id}"))

    def put(self, data: bytes, frame: bool = False) -> None:
        self.outbox.put(data, frame=frame)

    def close(self) -> None:
        """Stop once what is queued has gone (a stopped run's last status included)."""
        self._closing = True
        self.outbox.put(b"")

    async def _send(self, channel: str) -> None:
        while (data := await self.outbox.get()) != b"":
            while True:
                try:
                    await self.broker.publish_now(channel, data)
                    break
                except BrokerError:
                    if self._closing:
                        return
                    await asyncio.sleep(RETRY_S)  # Redis is away: frames meanwhile coalesce behind this one
