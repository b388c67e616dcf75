"""Time to first chart of every lab page, cold and warm, against a bare page with the full Plotly bundle.

    python -m bench.bench_first_paint [warm_reloads]

"First chart" is the moment the first chart showing data (a trace with points, not empty axes) has been
painted, as bench/first_paint_watch.js sees it (installed before the page's own scripts, read from
``performance.now()``, i.e. since navigation started). Cold: a fresh browser context (empty cache),
its window opened on a blank page first (the window's own start-up is not the page's). Warm: the same
context, reloaded (the median of ``warm_reloads``) once the page is quiet (no long task for a second):
a reload made while the previous page is still drawing waits for that drawing, which is the previous
page's time, not this one's. The baseline, measured in the same run with the same browser:
a bare page that loads the full 4.8 MB Plotly bundle from the Python ``plotly`` package (gzipped, cached
for a day, as GradLab served it before issue 14) and draws one line; beside it the same bare page with
GradLab's 2D partial bundle. Beside the chart: the first contentful paint (the page's frame, before
Plotly), when Plotly was in place, and when the lab's first socket message arrived (its data: the
server's part).
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
from pathlib import Path
from typing import Any

from app.web.assets import BUNDLES, plotly_bundle
from app.web.registry import PAGES
from bench.harness import server_process
from tests.browser.conftest import chromium_path
from tests.conftest import CHROMIUM_FLAGS

WATCH = (Path(__file__).parent / "first_paint_watch.js").read_text(encoding="utf-8")
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


COLD_LOADS = 3  # a cold load varies by 0.1 s from one to the next on a shared machine
RESOURCES = {"i18n": "/i18n/", "spec": "/spec", "bundle": "/plotly-gradlab.", "bundle3d": "/plotly-gradlab-3d."}


def first_chart(page: Any) -> dict[str, Any]:
    """Seconds from navigation to the first chart with data on screen (first_paint_watch.js), the first
    contentful paint, Plotly run, the socket's first message and first frame (the bare pages have none);
    with ``detail``: the page's resources, Plotly calls and long tasks."""
    page.wait_for_function("window.__paint && window.__paint.chart !== undefined", timeout=120_000)
    mark = page.evaluate("""(resources) => {
      const p = window.__paint;
      const loaded = (part) => (performance.getEntriesByType('resource')
        .find((r) => r.name.includes(part)) || {}).responseEnd;
      return {chart: p.chart, dom: p.chartDom, plotly: p.plotly, message: p.message, frame: p.frame,
        paint: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,
        detail: {chartId: p.chartId, socket: p.socket, socketOpen: p.socketOpen, calls: p.calls, long: p.long,
          chart: p.chart, dom: p.chartDom, plotly: p.plotly, message: p.message, frame: p.frame,
          ...Object.fromEntries(Object.entries(resources).map(([k, part]) => [k, loaded(part)]))}};
    }""", RESOURCES)
    seconds = {k: (v if v is not None else float("nan")) / 1000 for k, v in mark.items() if k != "detail"}
    return {**seconds, "detail": mark["detail"]}


QUIET = """() => new Promise((resolve) => {
  const since = performance.now();
  const look = () => {
    const p = window.__paint;
    const last = Math.max(p.chart, ...p.long.map(([start, duration]) => start + duration));
    if (performance.now() - last >= 1000 || performance.now() - since > 20000) resolve();
    else setTimeout(look, 100);
  };
  look();
})"""


def medians(loads: list[dict[str, Any]]) -> dict[str, Any]:
    """Each mark's median over ``loads``; the detail of the last."""
    return {**{k: statistics.median(m[k] for m in loads) for k in loads[0] if k != "detail"},
            "detail": loads[-1]["detail"]}


def measure(browser: Any, url: str, warm_reloads: int, cold_loads: int = COLD_LOADS) -> dict[str, Any]:
    """Cold: the median of ``cold_loads`` fresh contexts (empty caches); warm: the median of the last
    one's reloads (detail: the last load's)."""
    cold = []
    for k in range(cold_loads):
        context = browser.new_context(viewport={"width": 1440, "height": 900}, bypass_csp=True)
        try:
            page = context.new_page()
            page.add_init_script(WATCH)
            # A new headless window spends its first 0.1-0.2 s building Chrome's own UI (its omnibox popup,
            # dozens of chrome:// modules) on the same two cores as the page; a visitor's window is open
            # already. The cache stays empty: only the window's start-up is left out, for every page alike.
            page.goto("about:blank")
            page.wait_for_timeout(500)
            page.goto(url)
            cold.append(first_chart(page))
            if k < cold_loads - 1:
                continue
            warm = []
            for _ in range(warm_reloads):
                page.evaluate(QUIET)
                page.reload()
                warm.append(first_chart(page))
            return {"cold": medians(cold), "warm": medians(warm or cold)}
        finally:
            context.close()
    raise ValueError("cold_loads must be at least 1")


def timeline(name: str, r: dict[str, Any]) -> None:
    """Where a warm load's time went, in milliseconds since navigation."""
    d = r["detail"]
    ms = lambda v: "-" if v is None else f"{v:.0f}"  # noqa: E731
    print(f"{name}: i18n {ms(d['i18n'])}  spec {ms(d['spec'])}  socket new {ms(d['socket'])} open "
          f"{ms(d['socketOpen'])}  bundle loaded {ms(d['bundle'])} run {ms(d['plotly'])} "
          f"(3D loaded {ms(d['bundle3d'])})  1st msg {ms(d['message'])}  "
          f"1st frame {ms(d['frame'])}  chart #{d['chartId']} in DOM {ms(d['dom'])} painted {ms(d['chart'])}")
    calls = "  ".join(f"{c['id']} {c['start']:.0f}+{c['end'] - c['start']:.0f}" for c in d["calls"][:12])
    print(f"    Plotly calls (start+ms): {calls}")
    print(f"    long tasks (start+ms): {'  '.join(f'{s:.0f}+{t:.0f}' for s, t in d['long'][:12])}")


def main() -> None:
    from playwright.sync_api import sync_playwright

    args = sys.argv[1:]
    detail = "--detail" in args
    numbers = [a for a in args if a.isdigit()]
    warm_reloads = int(numbers[0]) if numbers else 3
    slugs = [a for a in args if not a.startswith("--") and not a.isdigit()] or [page.slug for page in PAGES]
    # a shared machine under load may take a minute or more to import torch and answer
    with server_process(start_s=180) as (ws_url, _), bare_server() as bare, sync_playwright() as p:
        base = ws_url.replace("ws://", "http://").removesuffix("/ws/runs")
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        # nobody's first paint: the browser's own start-up, and each lab's first run on the server
        for url in [f"{bare}/partial", *(f"{base}/labs/{slug}" for slug in slugs)]:
            measure(browser, url, 0, 1)
        rows = {"bare page, full bundle": measure(browser, f"{bare}/full", warm_reloads),
                "bare page, 2D partial": measure(browser, f"{bare}/partial", warm_reloads)}
        for slug in slugs:
            rows[f"/labs/{slug}"] = measure(browser, f"{base}/labs/{slug}", warm_reloads)
        browser.close()
    full = rows["bare page, full bundle"]
    print(f"seconds from navigation; chart = the first chart with data painted; x full = chart / the bare "
          f"full-bundle page's in the same run; warm = median of {warm_reloads} reloads, cold of {COLD_LOADS} loads")
    print(f"{'page':24} {'cold':>6} {'x full':>6} | {'warm':>5} {'x full':>6} {'paint':>5} {'plotly':>6} "
          f"{'msg':>5} {'frame':>5}")
    for name, r in rows.items():
        c, w = r["cold"], r["warm"]
        print(f"{name:24} {c['chart']:6.2f} {c['chart'] / full['cold']['chart']:6.2f} | {w['chart']:5.2f} "
              f"{w['chart'] / full['warm']['chart']:6.2f} {w['paint']:5.2f} {w['plotly']:6.2f} "
              f"{w['message']:5.2f} {w['frame']:5.2f}")
    labs = {k: v for k, v in rows.items() if k.startswith("/labs/")}
    worst_warm = max(r["warm"]["chart"] for r in labs.values())
    worst_cold = max(r["cold"]["chart"] / full["cold"]["chart"] for r in labs.values())
    print(f"goals: warm <= 0.5 s: worst {worst_warm:.2f} s ({'met' if worst_warm <= 0.5 else 'NOT met'}); "
          f"cold <= 0.6 x full: worst {worst_cold:.2f} ({'met' if worst_cold <= 0.6 else 'NOT met'})")
    if detail:
        print("\nwarm, the last reload, milliseconds since navigation:")
        for name, r in labs.items():
            timeline(name, r["warm"])


if __name__ == "__main__":
    main()
