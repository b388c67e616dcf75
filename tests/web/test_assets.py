"""Plotly's partial bundles (issue 14 item 13): each page links the smallest bundle that draws its
traces, by a URL naming the content, served gzipped and cached for good; nothing else is fetched."""

import gzip
import re
from pathlib import Path

import pytest

from app.web.assets import BUNDLES, draws_3d, module_graph, plotly_bundle
from app.web.registry import PAGES
from app.web.static_files import static_version

ROOT = Path(__file__).resolve().parents[2]
REGISTERED = re.compile(rb'moduleType:"trace",name:"([a-z0-9]+)"')


def registered(name: str) -> set[str]:
    return {m.decode() for m in REGISTERED.findall(plotly_bundle(name).raw)}


def linked_bundles(client, path: str) -> tuple[str, str]:
    """The bundle a page runs first, and the 3D one it runs for its scenes ("" when it draws none)."""
    html = client.get(path).text
    links = re.findall(r'<link rel="preload" as="script" href="(/vendor/plotly/[^"]+)" data-plotly'
                       r'(?: data-plotly-3d="(/vendor/plotly/[^"]+)")?>', html)
    assert len(links) == 1, links
    assert "plotly.min.js" not in html  # the full library is linked nowhere
    return links[0]


def test_the_bundles_hold_the_trace_types_gradlab_draws_and_no_others():
    full = {m.decode() for m in REGISTERED.findall(
        (Path(__import__("plotly").__file__).parent / "package_data" / "plotly.min.js").read_bytes())}
    drawn = set()
    for script in (ROOT / "static" / "js").rglob("*.js"):
        drawn |= set(re.findall(r'type: "([a-z0-9]+)"', script.read_text())) & full
    assert drawn == {"scatter", "bar", "contour", "heatmap", "surface", "scatter3d"}
    assert registered("plotly-gradlab") == drawn - {"surface", "scatter3d"}
    assert registered("plotly-gradlab-3d") == drawn
    assert len(plotly_bundle("plotly-gradlab").raw) < 0.3 * 4_800_000


def test_every_page_runs_the_2d_bundle_and_only_the_pages_that_draw_a_surface_name_the_3d_one(client):
    three_d = {p.slug for p in PAGES if draws_3d(f"js/labs/{p.slug}.js")}
    assert three_d == {"optimizers", "landscape"}
    for p in PAGES:
        first, scenes = linked_bundles(client, f"/labs/{p.slug}")
        assert first == plotly_bundle(BUNDLES[0]).url
        assert scenes == (plotly_bundle(BUNDLES[1]).url if p.slug in three_d else "")


@pytest.mark.parametrize("name", BUNDLES)
def test_a_bundle_is_served_gzipped_and_cached_for_good_under_its_content_hash(client, name):
    bundle = plotly_bundle(name)
    assert re.fullmatch(rf"/vendor/plotly/{name}\.[0-9a-f]{{16}}\.min\.js", bundle.url)
    response = client.get(bundle.url, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.content == bundle.raw  # decoded by the client
    assert gzip.decompress(bundle.packed) == bundle.raw
    assert len(bundle.packed) < 0.4 * len(bundle.raw)
    again = client.get(bundle.url, headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304
    stale = bundle.url.replace(bundle.digest, "0" * 16)
    assert client.get(stale).status_code == 404
    assert client.get(f"/vendor/plotly/plotly.{bundle.digest}.min.js").status_code == 404


def test_the_vendored_files_say_what_they_are_and_how_they_were_built():
    vendor = ROOT / "static" / "vendor" / "plotly"
    assert "MIT License" in (vendor / "LICENSE").read_text()
    readme = (vendor / "README.md").read_text()
    assert "4.1.1" in readme and "scripts/plotly_bundle/build" in readme
    for name in BUNDLES:
        assert plotly_bundle(name).raw.startswith(b"/**\n* plotly.js v4.1.1 (GradLab partial bundle")


def test_a_lab_page_preloads_its_whole_module_graph_at_once(client):
    """No import waterfall: every module the page's script imports, at any depth, is linked up front."""
    html = client.get("/labs/initialization").text
    link = rf'<link rel="modulepreload" fetchpriority="high" href="/static/v/{static_version()}/([^"]+)">'
    preloaded = re.findall(link, html)
    graph = module_graph("js/labs/initialization.js")
    early = module_graph("js/early_run.js")  # the head's socket first: its start goes before the rest loads
    assert graph[0] == "js/labs/initialization.js" and set(early) <= set(graph)
    assert preloaded == [*early[1:], *(path for path in graph[1:] if path not in early)]
    assert {"js/charts.js", "js/export.js", "js/plotly_loader.js", "js/socket.js"} <= set(preloaded)
    for path in preloaded:  # each a real module, served
        assert client.get(f"/static/{path}").status_code == 200
