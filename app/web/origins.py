"""Cross-site WebSocket hijacking defence: the page's Origin must be this server's, exactly."""

from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from app.settings import Settings

LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


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
    all match. Bound to loopback, the Host must be a loopback name too (DNS rebinding).
    """
    origin = conn.headers.get("origin")
    host = conn.headers.get("host", "")
    if settings.host in LOOPBACK and urlsplit(f"//{host}").hostname not in LOOPBACK:
        return False
    if origin is None:
        return True
    got = _origin_tuple(origin)
    if got is None:
        return False
    scheme = "https" if conn.url.scheme in ("https", "wss") else "http"
    allowed = {_origin_tuple(f"{scheme}://{host}")} | {_origin_tuple(o) for o in settings.allowed_origins}
    return got in allowed
