"""One-shot computations take turns on a limiter of their own, sized to the cores.

Sync routes run in AnyIO's default thread pool (40 threads), which pages, ``/healthz``, dependencies
and the socket's builders share: 60 heavy requests at once used to fill it, and a WebSocket handshake
waited 22 s. A heavy request first takes one of ``settings.heavy_concurrency`` tokens, waiting at most
``settings.heavy_wait_s`` (holding no thread while it waits); past that it gets a 503 with
``Retry-After``. Only routers under ``/api/`` take the dependency (``HEAVY``, added where they are
included), and there only requests that compute (not GET): pages, assets, ``/healthz`` and the
socket never wait here.
"""

import math
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
from fastapi import Depends, HTTPException, Request

from app.labs.errors import FieldError
from app.settings import Settings


class HeavyLimiter:
    def __init__(self, settings: Settings) -> None:
        self.limiter = anyio.CapacityLimiter(settings.heavy_concurrency)
        self.wait_s = settings.heavy_wait_s
        self.retry_after = str(max(1, math.ceil(settings.heavy_wait_s)))

    async def acquire(self, borrower: object) -> None:
        try:
            self.limiter.acquire_on_behalf_of_nowait(borrower)
            return
        except anyio.WouldBlock:
            pass
        with anyio.move_on_after(self.wait_s):
            await self.limiter.acquire_on_behalf_of(borrower)
            return
        raise HTTPException(503, f"the server is busy with {self.limiter.borrowed_tokens} computations; "
                                 f"try again in {self.retry_after} s", headers={"Retry-After": self.retry_after})

    def release(self, borrower: object) -> None:
        self.limiter.release_on_behalf_of(borrower)


async def heavy_turn(request: Request) -> AsyncIterator[None]:
    """Hold a computation token while the route runs (reads need none)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        yield
        return
    limiter: HeavyLimiter = request.state.heavy
    borrower = object()
    await limiter.acquire(borrower)
    try:
        yield
    finally:
        limiter.release(borrower)


HEAVY = Depends(heavy_turn, scope="function")  # released when the route returns, not after the response

EDGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"description": "the request body is larger than the server's limit"},
    503: {"description": "too many computations at once; retry after the Retry-After header's seconds"},
}


def refuse_over_budget(estimate: tuple[int, tuple[str, ...]], budget_mb: int, prefix: str = "") -> None:
    """A 422 naming the fields that make a computation big, before it allocates anything."""
    size, fields = estimate
    if size > budget_mb << 20:
        names = ", ".join(prefix + f for f in fields)
        raise FieldError(prefix + fields[0] if fields else prefix.rstrip(".") or "config",
                         f"this needs about {size / 2**20:,.0f} MB and the server allows {budget_mb:,} MB for one "
                         f"computation; make {names} smaller")


def estimate_of(memory: Callable[[Any], tuple[int, tuple[str, ...]]]) -> Callable[[Any], tuple[int, tuple[str, ...]]]:
    """A live lab's estimate from its validated body (``memory(body.lab_config())``) for ``LiveLab.memory``:
    a config the lab refuses is estimated at nothing, so that building it names the field as it should."""

    def estimate(body: Any) -> tuple[int, tuple[str, ...]]:
        try:
            return memory(body.lab_config())
        except FieldError:
            return 0, ()

    return estimate
