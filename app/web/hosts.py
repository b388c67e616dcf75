"""DNS-rebinding defence: which names a browser may have typed to reach this server.

A page on ``evil.com`` whose name an attacker points at the teacher's address is same-origin with
``evil.com`` in the browser, so an Origin check alone lets it in; only the ``Host`` header tells that
the browser thought it was talking to ``evil.com``. Bound to loopback, only loopback names reach us;
bound to an open address, the machine's own addresses and names, plus ``settings.allowed_hosts``
(a school DNS name, a reverse proxy's name). ``AllowedHostsMiddleware`` checks both HTTP (Starlette's
``TrustedHostMiddleware``) and the WebSocket, and the socket route checks again (``app.web.origins``).
"""

import ipaddress
import socket
from functools import lru_cache

from starlette._utils import parse_host_header
from starlette.datastructures import Headers
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import Receive, Scope, Send

from app.settings import Settings

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")
OPEN_BINDS = ("0.0.0.0", "::", "")


def is_loopback_bind(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _machine_names() -> set[str]:
    """This machine's host names and every address of its interfaces (IPv6 also in brackets)."""
    import psutil  # cross-platform interface addresses; only needed on an open bind

    names: set[str] = set()
    for name in (socket.gethostname(), socket.getfqdn()):
        if name:
            names |= {name.lower(), f"{name.lower()}.local"}  # .local: how macOS and Avahi announce it
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family in (socket.AF_INET, socket.AF_INET6):
                ip = address.address.split("%")[0]  # fe80::1%eth0: the zone is not in a Host header
                names |= {ip, f"[{ip}]"} if ":" in ip else {ip}
    return names


@lru_cache(maxsize=8)
def allowed_hosts(settings: Settings) -> tuple[str, ...]:
    """The Host names (without port) this server answers; patterns as ``TrustedHostMiddleware`` takes."""
    names = set(LOOPBACK_NAMES) | {h.lower() for h in settings.allowed_hosts}
    if not is_loopback_bind(settings.host):
        names |= _machine_names()
        if settings.host not in OPEN_BINDS:
            names.add(settings.host.lower())  # bound to one address or name: that one too
    return tuple(sorted(names))


def host_allowed(host_header: str | None, allowed: tuple[str, ...]) -> bool:
    """The same test as ``TrustedHostMiddleware`` (exact name or ``*.domain``), for the WebSocket."""
    parsed = parse_host_header(host_header)
    if parsed is None:
        return False
    host = parsed.host.lower()
    return any(host == p or p == "*" or (p.startswith("*.") and host.endswith(p[1:])) for p in allowed)


class AllowedHostsMiddleware(TrustedHostMiddleware):
    """Starlette's check for HTTP (400 "Invalid host header"); a WebSocket from a foreign Host is
    closed before it is accepted (the handshake gets 403), as the socket's own Origin check does."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and not self.allow_any:
            if not host_allowed(Headers(scope=scope).get("host"), tuple(self.allowed_hosts)):
                await send({"type": "websocket.close", "code": 1008})
                return
        await super().__call__(scope, receive, send)
