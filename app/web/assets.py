"""Plotly.js, vendored as two partial bundles (static/vendor/plotly/README.md), gzipped once and
cached by browsers for good under a URL that names its content.

Classrooms may be offline, so nothing comes from a CDN. The full library is 4.8 MB; GradLab draws six
trace types, so every page gets ``plotly-gradlab`` (scatter, bar, contour, heatmap: 1.2 MB, 0.39 MB
gzipped) and a page whose scripts draw a surface gets ``plotly-gradlab-3d`` (those plus surface and
scatter3d: 1.7 MB). A page that draws a surface runs the 2D one first and the 3D one as a second Plotly
for its scenes once its 2D charts are drawn. Which pages do is read from their own scripts, so it is
declared nowhere else.
"""

import base64
import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).resolve().parent.parent.parent / "static"
VENDOR = STATIC / "vendor" / "plotly"
BUNDLES = ("plotly-gradlab", "plotly-gradlab-3d")
# A trace type only the 3D bundle draws, as the page scripts write it, and their relative imports.
THREE_D_TRACE = re.compile(r'type: "(?:surface|scatter3d)"')
RELATIVE_IMPORT = re.compile(r'(?:from|import) "(\.{1,2}/[^"]+\.js)"')
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Bundle:
    name: str
    raw: bytes
    packed: bytes
    digest: str  # of the content: the URL changes whenever the file does

    @property
    def url(self) -> str:
        return f"/vendor/plotly/{self.name}.{self.digest}.min.js"


@lru_cache(maxsize=len(BUNDLES))
def plotly_bundle(name: str = BUNDLES[0]) -> Bundle:
    raw = (VENDOR / f"{name}.min.js").read_bytes()
    return Bundle(name, raw, gzip.compress(raw, compresslevel=9, mtime=0), hashlib.sha256(raw).hexdigest()[:16])


@lru_cache(maxsize=64)
def module_graph(script: str) -> tuple[str, ...]:
    """The module ``static/<script>`` and every module it imports, transitively, as paths under
    ``static/``: a page preloads them all at once instead of discovering them one import level at a time
    (each level a round trip, and a revalidation on every reload)."""
    found: list[str] = []
    todo = [(STATIC / script).resolve()]
    while todo:
        path = todo.pop(0)
        name = path.relative_to(STATIC).as_posix()
        if name in found or not path.is_file():
            continue
        found.append(name)
        todo += [(path.parent / m).resolve() for m in RELATIVE_IMPORT.findall(path.read_text(encoding="utf-8"))]
    return tuple(found)


@lru_cache(maxsize=64)
def draws_3d(script: str) -> bool:
    """Whether the module ``static/<script>`` or anything it imports draws a surface or scatter3d."""
    return any(THREE_D_TRACE.search((STATIC / name).read_text(encoding="utf-8")) for name in module_graph(script))


def plotly_src() -> str:
    """The URL of the 2D bundle, which every page with charts runs first."""
    return plotly_bundle(BUNDLES[0]).url


def plotly_3d_src(script: str | None = None) -> str:
    """The URL of the 3D bundle when the page whose entry module is ``static/<script>`` draws a scene,
    else "": such a page runs it after its first 2D charts (static/js/plotly_loader.js)."""
    return plotly_bundle(BUNDLES[1]).url if script and draws_3d(script) else ""


def with_asset_urls(templates: Jinja2Templates) -> Jinja2Templates:
    templates.env.globals["plotly_src"] = plotly_src
    templates.env.globals["plotly_3d_src"] = plotly_3d_src
    templates.env.globals["module_graph"] = module_graph
    return templates


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
    """CSP sources allowing exactly ``plotly_inline_styles`` of every bundle."""
    styles = sorted({css for name in BUNDLES for css in plotly_inline_styles(plotly_bundle(name).raw.decode())})
    return tuple(f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'" for css in styles)


@router.get("/vendor/plotly/{name}.{digest}.min.js")
def plotly_js(name: str, digest: str, request: Request) -> Response:
    if name not in BUNDLES or plotly_bundle(name).digest != digest:
        raise HTTPException(404, f"no Plotly bundle {name}.{digest}: pages link {', '.join(BUNDLES)} by content")
    bundle = plotly_bundle(name)
    headers = {"Cache-Control": IMMUTABLE, "ETag": f'"{digest}"', "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == f'"{digest}"':
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(bundle.packed, media_type="text/javascript", headers={**headers, "Content-Encoding": "gzip"})
    return Response(bundle.raw, media_type="text/javascript", headers=headers)


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
