"""Time to first chart of every lab page, cold and warm, against a bare page with the full Plotly bundle.

    python -m bench.bench_first_paint [warm_reloads]

"First chart" is the moment a Plotly chart's first ``.main-svg`` enters the page (a MutationObserver
installed before the page's own scripts, read from ``performance.now()``, i.e. since navigation
started). Cold: a fresh browser context (empty cache). Warm: the same context, reloaded (the median of
``warm_reloads``). The baseline, measured in the same run with the same browser: a bare page that loads
the full 4.8 MB Plotly bundle from the Python ``plotly`` package (gzipped, cached for a day, as GradLab
served it before issue 14) and draws one line; beside it the same bare page with GradLab's 2D partial
bundle. Beside the chart: the first contentful paint (the page's frame, before Plotly), when Plotly
was in place, and when the lab's first socket message arrived (its data: the server's part).
Goals (issue 14 item 13): warm <= 0.5 s; cold <= 0.6 x the full bundle's cold.
"""

import gzip
import statistics
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from typing import Any

from app.web.assets import BUNDLES, plotly_bundle
from app.web.registry import PAGES
from bench.harness import server_process
from tests.browser.conftest import chromium_path
from tests.conftest import CHROMIUM_FLAGS

WATCH = """
new MutationObserver((_, observer) => {
  if (document.querySelector('.main-svg')) { window.__firstChart = performance.now(); observer.disconnect(); }
}).observe(document, { childList: true, subtree: true });
// when the real Plotly is in place (its bundle's `var Plotly` assigns the global), and the first socket message
let plotly;
Object.defineProperty(window, 'Plotly', { configurable: true, get: () => plotly, set: (value) => {
  plotly = value;
  if (value && !value.standIn && window.__plotly === undefined) window.__plotly = performance.now();
} });
const NativeSocket = window.WebSocket;
window.WebSocket = class extends NativeSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', () => { window.__firstMessage ??= performance.now(); });
  }
};
"""
BARE = """<!doctype html><html><head><meta charset="utf-8"><title>bare</title></head><body>
<h1>A bare page</h1><div id="chart" style="height:300px"></div><script src="/{bundle}.js"></script>
<script>Plotly.react(document.getElementById('chart'), [{{type: 'scatter', mode: 'lines', x: [0, 1, 2, 3],
y: [3, 1, 2, 0]}}], {{title: {{text: 'bare'}}}});</script></body></html>"""


def bundles() -> dict[str, bytes]:
    full = files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    return {"full": full, "partial": plotly_bundle(BUNDLES[0]).raw}


@contextmanager
def bare_server() -> Iterator[str]:
    """The baseline pages: /full and /partial, each loading its bundle as /<name>.js."""
    scripts = {name: gzip.compress(raw, 6) for name, raw in bundles().items()}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            name = self.path.strip("/").removesuffix(".js")
            if name not in scripts:
                self.send_error(404)
                return
            if self.path.endswith(".js"):
                body, kind = scripts[name], "text/javascript"
                extra = {"Content-Encoding": "gzip", "Cache-Control": "public, max-age=86400", "ETag": f'"{name}"'}
            else:
                body, kind, extra = BARE.format(bundle=name).encode(), "text/html; charset=utf-8", {}
            self.send_response(200)
            for key, value in {"Content-Type": kind, "Content-Length": str(len(body)), **extra}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def first_chart(page: Any) -> dict[str, float]:
    """Seconds from navigation to the first chart, the first contentful paint, Plotly in place and
    the first socket message (the lab's data: the bare pages have none)."""
    page.wait_for_function("window.__firstChart !== undefined", timeout=120_000)
    times = page.evaluate("""() => ({chart: window.__firstChart, plotly: window.__plotly ?? null,
      message: window.__firstMessage ?? null,
      paint: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime ?? null})""")
    return {k: (v if v is not None else float("nan")) / 1000 for k, v in times.items()}


def measure(browser: Any, url: str, warm_reloads: int) -> dict[str, dict[str, float]]:
    """Cold: a fresh context (empty cache); warm: the median of its reloads."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, bypass_csp=True)
    try:
        page = context.new_page()
        page.add_init_script(WATCH)
        page.goto(url)
        cold = first_chart(page)
        warm = []
        for _ in range(warm_reloads):
            page.reload()
            warm.append(first_chart(page))
        return {"cold": cold, "warm": {k: statistics.median(w[k] for w in warm) for k in cold} if warm else cold}
    finally:
        context.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    warm_reloads = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with server_process() as (ws_url, _), bare_server() as bare, sync_playwright() as p:
        base = ws_url.replace("ws://", "http://").removesuffix("/ws/runs")
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        # nobody's first paint: the browser's own start-up, and each lab's first run on the server
        for url in [f"{bare}/partial", *(f"{base}/labs/{page.slug}" for page in PAGES)]:
            measure(browser, url, 0)
        rows = {"bare page, full bundle": measure(browser, f"{bare}/full", warm_reloads),
                "bare page, 2D partial": measure(browser, f"{bare}/partial", warm_reloads)}
        for page in PAGES:
            rows[f"/labs/{page.slug}"] = measure(browser, f"{base}/labs/{page.slug}", warm_reloads)
        browser.close()
    full = rows["bare page, full bundle"]
    print(f"seconds from navigation; chart = first .main-svg; x full = chart / the bare full-bundle page's "
          f"in the same run; warm = median of {warm_reloads} reloads")
    print(f"{'page':24} {'cold':>6} {'x full':>6} | {'warm':>5} {'x full':>6} {'paint':>5} {'plotly':>6} {'data':>5}")
    for name, r in rows.items():
        c, w = r["cold"], r["warm"]
        print(f"{name:24} {c['chart']:6.2f} {c['chart'] / full['cold']['chart']:6.2f} | {w['chart']:5.2f} "
              f"{w['chart'] / full['warm']['chart']:6.2f} {w['paint']:5.2f} {w['plotly']:6.2f} {w['message']:5.2f}")
    labs = {k: v for k, v in rows.items() if k.startswith("/labs/")}
    worst_warm = max(r["warm"]["chart"] for r in labs.values())
    worst_cold = max(r["cold"]["chart"] / full["cold"]["chart"] for r in labs.values())
    print(f"goals: warm <= 0.5 s: worst {worst_warm:.2f} s ({'met' if worst_warm <= 0.5 else 'NOT met'}); "
          f"cold <= 0.6 x full: worst {worst_cold:.2f} ({'met' if worst_cold <= 0.6 else 'NOT met'})")


if __name__ == "__main__":
    main()
