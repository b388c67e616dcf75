"""Plotly.js from the installed ``plotly`` package, gzipped once and cached by browsers.

Classrooms may be offline, so nothing comes from a CDN; 4.8 MB raw is 1.5 MB gzipped.
"""

import gzip
import hashlib
from functools import lru_cache
from importlib.resources import files

from fastapi import APIRouter, Request, Response

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=1)
def plotly_bundle() -> tuple[bytes, bytes, str]:
    raw = files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    return raw, gzip.compress(raw, compresslevel=6, mtime=0), hashlib.sha256(raw).hexdigest()[:16]


@router.get("/vendor/plotly.min.js")
def plotly_js(request: Request) -> Response:
    raw, packed, etag = plotly_bundle()
    headers = {"Cache-Control": "public, max-age=86400", "ETag": f'"{etag}"', "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == f'"{etag}"':
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(packed, media_type="text/javascript", headers={**headers, "Content-Encoding": "gzip"})
    return Response(raw, media_type="text/javascript", headers=headers)
