"""GradLab's own scripts, styles and images under ``/static``, cached by browsers for good under a URL
that names the content of the whole ``static/`` tree: ``/static/v/<version>/js/socket.js``.

A lab page loads some 30 modules; revalidating each on every load (``no-cache``) was one round trip per
module before the page could run, on a server busy training. Under a versioned URL a reload reads them
all from the browser's cache, and any edit makes new URLs, so a page never mixes old and new modules. The
version covers the whole tree, not each file, because modules import each other by relative URL: one
prefix keeps every import of a versioned module versioned.

Pages write ``url_for('static', path=...)``, which gives the versioned URL (``with_static_urls``). A
module imported by its plain ``/static/...`` URL (``import('/static/js/controls.js')`` from a test or the
console) would be a second copy with its own state, so every page carries an import map sending
``/static/`` to the current version (allowed by its hash in the page's CSP, app/web/headers.py). Plain
URLs are still served, revalidated on each use.
"""

import base64
import gzip
import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse
from starlette.types import Scope

STATIC = Path(__file__).resolve().parent.parent.parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
VERSIONED = re.compile(r"v/([0-9a-f]{16})/(.+)")
RECHECK_S = 2.0  # how stale the version may be after a file is edited while the server runs

_checked: dict[str, Any] = {"at": -RECHECK_S, "signature": None}


def _signature() -> tuple[tuple[str, int, int], ...]:
    """Every file's path, size and modification time: cheap to read, changes whenever a file does."""
    found = []
    for folder, _, names in os.walk(STATIC):
        for name in names:
            stat = os.stat(os.path.join(folder, name))
            found.append((os.path.relpath(os.path.join(folder, name), STATIC), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


@lru_cache(maxsize=4)
def _content_version(signature: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for path, _, _ in signature:  # by content, so every process and checkout of the same files agrees
        digest.update(path.encode() + b"\0" + (STATIC / path).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def static_version() -> str:
    """The version of the ``static/`` tree as it is now (re-read at most every ``RECHECK_S``)."""
    now = time.monotonic()
    if now - _checked["at"] >= RECHECK_S:
        _checked.update(at=now, signature=_signature())
    return _content_version(_checked["signature"])


def static_path(path: str) -> str:
    return f"/static/v/{static_version()}/{path}"


@lru_cache(maxsize=4)
def _import_map(version: str) -> str:
    prefix = f"/static/v/{version}/"
    return json.dumps({"imports": {"/static/": prefix, prefix: prefix}}, separators=(",", ":"))


def import_map() -> str:
    """The page's import map (JSON): plain ``/static/`` module URLs resolve to the versioned ones."""
    return _import_map(static_version())


def import_map_source() -> str:
    """The CSP source allowing exactly ``import_map()`` as an inline script."""
    digest = hashlib.sha256(import_map().encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def with_static_urls(templates: Jinja2Templates) -> Jinja2Templates:
    """``url_for('static', path=...)`` in templates gives the versioned URL; ``import_map()`` the map."""
    plain: Callable[..., Any] = templates.env.globals["url_for"]  # type: ignore[assignment]

    @jinja2.pass_context
    def url_for(context: Any, name: str, /, **params: Any) -> Any:
        if name == "static":
            return static_path(params["path"])
        return plain(context, name, **params)

    templates.env.globals["url_for"] = url_for
    templates.env.globals["import_map"] = import_map
    return templates


@dataclass(frozen=True)
class Packed:
    raw: bytes
    gzipped: bytes
    headers: dict[str, str]  # the file's own, as Starlette would send it (type, ETag, Last-Modified)


@lru_cache(maxsize=256)
def _packed(path: str, version: str) -> Packed | None:
    """A file of the current version, read and gzipped once. ``version`` is part of the key, so an edited
    tree is read afresh."""
    file = (STATIC / path).resolve()
    if not file.is_relative_to(STATIC) or not file.is_file():
        return None
    raw = file.read_bytes()
    as_starlette = FileResponse(file, stat_result=file.stat())
    headers = {k: as_starlette.headers[k] for k in ("content-type", "etag", "last-modified")}
    return Packed(raw, gzip.compress(raw, compresslevel=9, mtime=0), headers)


class CachedStatic(StaticFiles):
    """A versioned URL of the current version is cached for good, and answered from memory: a cold page
    asks for some 35 files at once, and reading each from disk through a thread and gzipping it on every
    request took 1.1 ms of the server's time against 0.4 ms. Anything else (a plain URL, an older
    version's, which may have changed since) is revalidated by ETag on every use."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        match = VERSIONED.fullmatch(path)
        current = match is not None and match.group(1) == static_version()
        if match is not None and current and scope["method"] in ("GET", "HEAD"):
            packed = _packed(match.group(2), match.group(1))
            if packed is not None:
                return self.from_memory(packed, Headers(scope=scope))
        response = await super().get_response(match.group(2) if match else path, scope)
        response.headers["Cache-Control"] = IMMUTABLE if current else "no-cache"
        return response

    def from_memory(self, packed: Packed, asked: Headers) -> Response:
        headers = {**packed.headers, "cache-control": IMMUTABLE, "vary": "Accept-Encoding"}
        if self.is_not_modified(Headers(headers), asked):
            return NotModifiedResponse(Headers(headers))
        if "gzip" in asked.get("accept-encoding", "") and len(packed.gzipped) < len(packed.raw):
            return Response(packed.gzipped, headers={**headers, "content-encoding": "gzip"})
        return Response(packed.raw, headers=headers)
