"""A broker class store's writes, in the order they were made, behind the answers (see broker_store).

The class layer is synchronous between awaits: it changes its cache at once and queues the write
here; one task carries the writes out in order, retrying while Redis is away, and ``join`` lets an
HTTP answer wait until what it promises is stored.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from app.broker.base import BrokerError

log = logging.getLogger(__name__)
FLUSH_S = 5.0  # an HTTP answer waits this long for Redis, then says it is out of reach
RETRIES = 40  # about 20 s of Redis away; then the write is given up, said in the log
RETRY_S = 0.5


class Writes:
    def __init__(self) -> None:
        self._queue: asyncio.Queue[Callable[[], Awaitable[Any]]] | None = None
        self._task: asyncio.Task[None] | None = None

    def put(self, make: Callable[[], Awaitable[Any]]) -> None:
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._task = asyncio.create_task(self._writer())
        self._queue.put_nowait(make)

    async def join(self) -> None:
        """Wait until every write so far reached the broker; BrokerError if it cannot be reached."""
        if self._queue is not None:
            try:
                await asyncio.wait_for(self._queue.join(), FLUSH_S)
            except TimeoutError:
                raise BrokerError("the class store (Redis) is out of reach; try again in a moment") from None

    async def _writer(self) -> None:
        assert self._queue is not None
        while True:
            make = await self._queue.get()
            for _attempt in range(RETRIES):
                try:
                    await make()
                    break
                except BrokerError:
                    await asyncio.sleep(RETRY_S)
            else:
                log.warning("a class write was lost: Redis stayed out of reach")
            self._queue.task_done()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
