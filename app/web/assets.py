"""Plotly.js from the installed ``plotly`` package, gzipped once and cached by browsers.

Classrooms may be offline, so nothing comes from a CDN; 4.8 MB raw is 1.5 MB gzipped.
"""

import base64
import gzip
import hashlib
import json
import re
from functools import lru_cache
from importlib.resources import files

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=1)
def plotly_bundle() -> tuple[bytes, bytes, str]:
    raw = files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    return raw, gzip.compress(raw, compresslevel=6, mtime=0), hashlib.sha256(raw).hexdigest()[:16]


def plotly_inline_styles(bundle: str) -> list[str]:
    """Every inline style Plotly writes, read from its bundle: the empty ``<style>`` it then fills
    through the CSSOM (which CSP allows) and ``style=""``; the stylesheets the bundle injects as it
    loads; the styles of its rich-text tags (``<sup>`` is ``font-size:70%``); its image-rendering probe."""
    styles = ["", *re.findall(r"e\.textContent='([^'\\]*)',document\.head\.appendChild", bundle)]
    tags = re.search(r'\{sup:"font-size:70%"[^}]*\}', bundle)
    styles += re.findall(r'"([^"]*)"', tags.group(0)) if tags else []
    probe = re.search(r"CSS_DECLARATIONS=(\[\[.*?\]\]);", bundle)
    if probe:
        styles.append("".join(f"{name}: {value}; " for name, value in json.loads(probe.group(1))))
    return sorted(set(styles))


@lru_cache(maxsize=1)
def plotly_style_hashes() -> tuple[str, ...]:
    """CSP sources allowing exactly ``plotly_inline_styles``."""
    styles = plotly_inline_styles(plotly_bundle()[0].decode())
    return tuple(f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'" for css in styles)


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

    from app.web.headers import allow_own_inline_scripts  # it takes Plotly's style hashes from here

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        return allow_own_inline_scripts(get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url="/vendor/swagger/swagger-ui-bundle.js",
            swagger_css_url="/vendor/swagger/swagger-ui.css",
            swagger_favicon_url="/static/img/favicon.svg",
        ))
