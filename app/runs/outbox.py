"""One socket's outgoing messages: statuses in order, frames coalesced to the freshest.

A run's fan-out and the socket's own replies put (on the event loop), its writer task takes. A slow
client never makes it grow: a new frame replaces an unsent one, and the queue is bounded.
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
        if _on_loop(self._loop):  # the usual case: a run's fan-out, already on the event loop
            self._ready.set()
            return
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


def _on_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False
