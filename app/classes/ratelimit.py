"""Failed joins per address: guessing codes from one laptop is slowed to a crawl."""

import time
from collections import deque
from collections.abc import Callable

WINDOW_S = 60.0


class FailedJoins:
    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic, max_addresses: int = 10_000) -> None:
        self.limit = limit  # failures allowed in a minute; the next attempt is refused
        self.clock = clock
        self.max_addresses = max_addresses  # a flood of addresses must not grow memory without end
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, address: str) -> deque[float]:
        now = self.clock()
        times = self._failures.get(address)
        if times is None:
            return deque()
        while times and now - times[0] > WINDOW_S:
            times.popleft()
        if not times:
            del self._failures[address]
        return times

    def blocked(self, address: str) -> bool:
        return len(self._recent(address)) >= self.limit

    def failed(self, address: str) -> None:
        times = self._recent(address)
        if address not in self._failures:
            if len(self._failures) >= self.max_addresses:
                self._failures.pop(next(iter(self._failures)))
            self._failures[address] = times
        times.append(self.clock())
