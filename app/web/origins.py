"""Cross-site defence: the page's Origin must be this server's, exactly, for the WebSocket and for
any request that is not a plain read."""

from urllib.parse import urlsplit

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app.settings import Settings
from app.web.hosts import allowed_hosts, host_allowed


def _origin_tuple(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


def origin_allowed(conn: HTTPConnection, settings: Settings) -> bool:
    """Browsers always send Origin; a client without one (a script, a test) is not a browser
    that could be tricked into connecting, so it is let in.

    The allowed origins are the host the client addressed (the Host header, which the browser
    sets from the URL it opened) and ``settings.allowed_origins``; scheme, host and port must
    all match. The Host must be one of this server's names (DNS rebinding, see ``app.web.hosts``).
    """
    origin = conn.headers.get("origin")
    host = conn.headers.get("host", "")
    if not host_allowed(host, allowed_hosts(settings)):
        return False
    if origin is None:
        return True
    got = _origin_tuple(origin)
    if got is None:
        return False
    scheme = "https" if conn.url.scheme in ("https", "wss") else "http"
    allowed = {_origin_tuple(f"{scheme}://{host}")} | {_origin_tuple(o) for o in settings.allowed_origins}
    return got in allowed


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def same_site_request(conn: HTTPConnection, settings: Settings) -> bool:
    """Whether a request that changes or costs something came from one of our own pages (or from a
    script, which sends neither header). A cross-site ``<form>`` may post ``text/plain`` or a CSV
    without a CORS preflight; its Origin (or Sec-Fetch-Site) gives it away."""
    if conn.headers.get("origin") is not None:
        return origin_allowed(conn, settings)
    return conn.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


class CrossSiteGuardMiddleware:
    """403 for a POST (or any unsafe method) sent by another site's page."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            conn = HTTPConnection(scope)
            if not same_site_request(conn, self.settings):
                response = JSONResponse({"detail": "cross-site requests are refused; use GradLab's own pages"},
                                        status_code=403)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
