"""Security headers on every HTTP response.

GradLab's pages load nothing from elsewhere and run no inline script or style but their import map
(allowed by its hash), so the strict ``default-src 'self'`` policy fits. Plotly styles its SVG through
the CSSOM (allowed); the inline styles it adds (``style=""``, ``<sup>``'s ``font-size:70%``, the
stylesheets its bundle carries) are allowed by hash, one by one (``app.web.assets.plotly_style_hashes``); it exports
pictures through ``data:``/``blob:`` images. No page may be framed (clickjacking a teacher's
controls), a URL (which may hold a join code) is not sent to other sites, and a response is never
sniffed into another type. A route may set its own policy (``/docs`` allows its one inline script by
hash); this middleware only adds what a response lacks.
"""

import base64
import hashlib
import re
from functools import lru_cache

from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.assets import plotly_style_hashes
from app.web.static_files import import_map_source


def policy(*scripts: str) -> str:
    """``scripts``: the CSP sources of a page's own inline scripts, allowed beside the import map
    every page carries (app/web/static_files.py)."""
    return _policy((*scripts, import_map_source()))


@lru_cache(maxsize=8)
def _policy(scripts: tuple[str, ...]) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {' '.join(scripts)}",
        # 'unsafe-hashes' lets a style attribute through only if its hash is listed: Plotly's empty ones
        f"style-src 'self' 'unsafe-hashes' {' '.join(plotly_style_hashes())}",
        "img-src 'self' data: blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in {"content-security-policy": policy(), **SECURITY_HEADERS}.items():
                    if name not in headers:
                        headers.append(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


def allow_own_inline_scripts(response: Response) -> Response:
    """The strict policy plus the hashes of the page's own inline scripts (Swagger UI's start-up
    script on ``/docs``, which FastAPI writes inline): those run, nothing injected does."""
    body = bytes(response.body)
    hashes = [base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()
              for m in re.finditer(rb"<script>(.*?)</script>", body, re.S)]
    response.headers["content-security-policy"] = policy(*(f"'sha256-{h}'" for h in hashes))
    return response
