"""uvicorn's HTTP and WebSocket protocols with the limits uvicorn lacks, for a school network.

uvicorn times out a keep-alive connection only after a first response: a connection that never
sends a request, or stops halfway through its head, was held for ever (300 such held for 40 s; about
1,050 exhaust a 1,024 file limit and lock the class out). Here

- a request head must arrive within ``settings.header_timeout_s`` of the connection (or of the first
  byte of a later request on a kept-alive one);
- a WebSocket must be accepted or refused within ``settings.handshake_timeout_s``;
- one client address holds at most ``settings.max_connections_per_client`` open sockets; one more
  gets a short 503 and is closed. The count follows the transport, so an HTTP connection upgraded to
  a WebSocket stays counted once.

Bodies are bounded in time by ``app.web.bodies`` and idle keep-alives by uvicorn's own
``timeout_keep_alive``. permessage-deflate compresses a frame once for every socket it goes to
(``app.web.shared_deflate``).
"""

import asyncio
import logging
from collections import defaultdict
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from app.settings import Settings
from app.web.shared_deflate import SharedDeflateFactory

log = logging.getLogger(__name__)
_BUSY = b"too many open connections from this address"
TOO_MANY = (b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\nretry-after: 5\r\n"
            b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(_BUSY), _BUSY))


class ClientBook:
    """Open transports per client address; closed ones are dropped whenever the address connects."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open: defaultdict[str, set[asyncio.BaseTransport]] = defaultdict(set)

    def admit(self, transport: asyncio.BaseTransport) -> bool:
        peer = transport.get_extra_info("peername")
        address = str(peer[0]) if isinstance(peer, tuple) and peer else "?"
        live = {t for t in self.open[address] if not t.is_closing()}
        if len(live) >= self.limit:
            self.open[address] = live
            return False
        live.add(transport)
        self.open[address] = live
        if len(self.open) > 4096:  # addresses that left long ago: forget them
            for key in [k for k, ts in self.open.items() if all(t.is_closing() for t in ts)]:
                del self.open[key]
        return True

    def count(self, address: str) -> int:
        return sum(not t.is_closing() for t in self.open.get(address, ()))


def protocols(settings: Settings) -> tuple[type[HttpToolsProtocol], type[WebSocketsSansIOProtocol]]:
    """The HTTP and WebSocket protocol classes for one server, sharing one ``ClientBook``."""
    book = ClientBook(settings.max_connections_per_client)

    class GuardedHttp(HttpToolsProtocol):
        clients = book
        head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if not book.admit(transport):
                log.warning("refused a connection from %s: %d open", self.client, book.limit)
                transport.write(TOO_MANY)
                transport.close()
                return
            self._arm()

        def _arm(self) -> None:
            if self.head_timer is None:
                self.head_timer = self.loop.call_later(settings.header_timeout_s, self._head_timeout)

        def _disarm(self) -> None:
            if self.head_timer is not None:
                self.head_timer.cancel()
                self.head_timer = None

        def _head_timeout(self) -> None:
            self.head_timer = None
            if not self.transport.is_closing():
                self.transport.close()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    class GuardedWebSocket(WebSocketsSansIOProtocol):
        handshake_timer: asyncio.TimerHandle | None = None

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if self.config.ws_per_message_deflate:  # a frame is compressed once for all its sockets
                self.conn.available_extensions = [SharedDeflateFactory()]

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            self.handshake_timer = self.loop.call_later(settings.handshake_timeout_s, self._handshake_timeout)

        def _handshake_timeout(self) -> None:
            self.handshake_timer = None
            if not self.handshake_complete and not self.transport.is_closing():
                self.transport.close()

        def connection_lost(self, exc: Exception | None) -> None:
            if self.handshake_timer is not None:
                self.handshake_timer.cancel()
                self.handshake_timer = None
            super().connection_lost(exc)

    return GuardedHttp, GuardedWebSocket
