"""Plotly.js from the installed ``plotly`` package, gzipped once and cached by browsers.

Classrooms may be offline, so nothing comes from a CDN; 4.8 MB raw is 1.5 MB gzipped.
"""

import gzip
import hashlib
from functools import lru_cache
from importlib.resources import files

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

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


def install_docs(app: FastAPI) -> None:
    """``/docs`` with Swagger UI served from the installed ``swagger-ui-bundle-v2``, not a CDN."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/vendor/swagger", StaticFiles(directory=swagger_ui_path), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url="/vendor/swagger/swagger-ui-bundle.js",
            swagger_css_url="/vendor/swagger/swagger-ui.css",
            swagger_favicon_url="/static/img/favicon.svg",
        )
