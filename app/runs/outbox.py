"""One socket's outgoing messages: statuses in order, frames coalesced to the freshest.

The worker thread puts, the socket's writer task takes. A slow client never makes it grow:
a new frame replaces an unsent one, and the queue is bounded.
"""

import asyncio
import threading
from collections import deque


class Outbox:
    def __init__(self, loop: asyncio.AbstractEventLoop, limit: int = 64) -> None:
        self._loop = loop
        self._items: deque[tuple[bool, bytes]] = deque()  # (is_frame, encoded message)
        self._lock = threading.Lock()
        self._ready = asyncio.Event()
        self._limit = limit
        self._closed = False

    def put(self, data: bytes, frame: bool = False) -> None:
        """Queue ``data``; a frame replaces a frame still waiting at the tail."""
        with self._lock:
            if self._closed:
                return
            if frame and self._items and self._items[-1][0]:
                self._items[-1] = (True, data)
            else:
                self._items.append((frame, data))
            while len(self._items) > self._limit:
                self._drop_oldest()
        try:
            self._loop.call_soon_threadsafe(self._ready.set)
        except RuntimeError:  # the loop is gone: nobody is listening any more
            pass

    def _drop_oldest(self) -> None:
        for i, (is_frame, _) in enumerate(self._items):
            if is_frame:
                del self._items[i]
                return
        self._items.popleft()

    def frame_pending(self) -> bool:
        with self._lock:
            return any(is_frame for is_frame, _ in self._items)

    async def get(self) -> bytes:
        while True:
            with self._lock:
                if self._items:
                    return self._items.popleft()[1]
                self._ready.clear()
            await self._ready.wait()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._items.clear()
