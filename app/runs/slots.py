"""How many runs train at once: a fixed number of slots and a bounded line for the rest."""

import asyncio


class ServerBusy(Exception):
    """Every slot is taken and the waiting line is full."""


class RunSlots:
    """Lives on the event loop; ``release`` is safe to call from any thread via ``release_soon``."""

    def __init__(self, slots: int, queue: int) -> None:
        self.capacity = slots
        self.queue_limit = queue
        self.active = 0
        self._waiters: list[asyncio.Future[None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def try_acquire(self) -> bool:
        """Take a free slot now, if there is one; called on the event loop, which ``release_soon`` needs."""
        if self._loop is None:
            try:
                self._loop = asyncio.get_running_loop()
            except RuntimeError:  # called outside a loop (a test): release() stays direct
                pass
        if self.active < self.capacity and not self._waiters:
            self.active += 1
            return True
        return False

    async def acquire(self) -> None:
        """Take a slot, waiting in line if needed; ServerBusy when the line is full."""
        self._loop = asyncio.get_running_loop()
        if self.try_acquire():
            return
        if len(self._waiters) >= self.queue_limit:
            raise ServerBusy(f"server busy: {self.active} runs are training and {self.waiting} are waiting")
        waiter: asyncio.Future[None] = self._loop.create_future()
        self._waiters.append(waiter)
        try:
            await waiter  # release() hands its slot straight to us
        except asyncio.CancelledError:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
            elif not waiter.cancelled():
                self.release()  # the slot was handed over as we left: pass it on
            raise

    def release(self) -> None:
        while self._waiters:
            waiter = self._waiters.pop(0)
            if not waiter.done():
                waiter.set_result(None)
                return
        self.active = max(0, self.active - 1)

    def release_soon(self) -> None:
        """Release from a worker thread, on the event loop: ``active`` and the waiters are changed by one
        thread only (a direct release raced a start's ``try_acquire`` and could lose a slot for good)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.release)
        else:
            self.release()
