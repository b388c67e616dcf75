"""Divergence is a lesson, not a crash (issue 14, item 4): a racer or a swarm cloud that leaves is drawn up
to where it left and marked there, the others run on, the axes ignore runaway values and the page keeps
its width. The assertions are on what is drawn: Plotly's traces and computed axis ranges."""

import json
import math
from urllib.parse import quote

from tests.browser.conftest import until
from tests.browser.test_optimizers import ALL_DRAWN
from tests.browser.test_runs_page import STATUS, wait_status
from tests.conftest import screenshot

ROSENBROCK = {"mode": "race", "surface": "rosenbrock", "start": None, "steps": 300}  # the default racers
SWARM = {"mode": "swarm", "surface": "himmelblau", "steps": 60, "swarm_size": 400, "swarm_layout": "grid", "seed": 0,
         "optimizers": [{"name": "sgd", "lr": 0.3}, {"name": "adam", "lr": 0.05}]}
MARGIN = 0.25  # the views show the map with a quarter of its size around it


def run_to_the_end(page, live_server, state, width=1440, height=900):
    page.set_default_timeout(60000)
    page.set_viewport_size({"width": width, "height": height})
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server}/labs/optimizers?lang=en#{quote(json.dumps(state))}")
    wait_status(page, "paused")
    page.click("[data-action=speed-max]")
    page.click("[data-action=toggle]")
    wait_status(page, "finished", timeout=120000)
    until(page, ALL_DRAWN)  # the last frame drawn: it comes a screen refresh after the status
    return console


def axis_range(page, chart, axis="yaxis"):
    return page.evaluate(f"document.getElementById('{chart}')._fullLayout.{axis}.range")


def domain(page, surface):
    return page.evaluate(f"fetch('/api/optimizers/surfaces').then(r => r.json())"
                         f".then(list => list.find(s => s.name === '{surface}').domain)")


def test_a_race_on_rosenbrock_keeps_the_page_and_marks_sgd_and_momentum(page, live_server):
    console = run_to_the_end(page, live_server, ROSENBROCK)
    screenshot(page, "optimizers-rosenbrock-diverged")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440  # was 1,499 px
    assert page.evaluate("[...document.querySelectorAll('.state-card')].every(c => c.scrollWidth <= c.clientWidth)")
    paths = page.evaluate("document.getElementById('contour').data.filter(d => d.mode === 'lines+markers')"
                          ".map(d => [d.name, d.x, d.y])")
    names = [name for name, _, _ in paths]
    # legends name the optimiser as the page does ("momentum lr=0.02" from the server: "SGD + Momentum")
    assert names == ["SGD lr=0.02 (diverged)", "SGD + Momentum lr=0.02 (diverged)", "Adam lr=0.02"]
    (x0, x1), (y0, y1) = domain(page, "rosenbrock")
    mx, my = MARGIN * (x1 - x0), MARGIN * (y1 - y0)
    for _, xs, ys in paths:  # drawn up to where they left: no runaway coordinate reaches the SVG
        assert all(x0 - mx <= x <= x1 + mx for x in xs) and all(y0 - my <= y <= y1 + my for y in ys)
    marks = page.evaluate("document.getElementById('contour').data.filter(d => d.mode === 'markers+text')"
                          ".map(d => [d.text[0], d.x[0], d.y[0]])")
    assert len(marks) == 2 and all(text.startswith("left the surface after step") for text, _, _ in marks)
    # the loss axis: finite, and spans Adam's values (25 at the start to 3.2), not the runaways'
    low, high = axis_range(page, "loss-chart")
    adam = page.evaluate("document.getElementById('loss-chart').data[2].y.filter(v => v !== null)")
    assert math.isfinite(low) and math.isfinite(high) and low <= min(adam) and max(adam) <= high < 100
    # the 3D view keeps the surface's box
    for axis, (a, b) in (("xaxis", (x0, x1)), ("yaxis", (y0, y1))):
        lo, hi = page.evaluate(f"document.getElementById('surface3d')._fullLayout.scene.{axis}.range")
        assert a - (b - a) <= lo and hi <= b + (b - a), (axis, lo, hi)
    assert not console, console[:3]


def test_a_swarm_cloud_that_leaves_is_marked_and_the_others_run_on(page, live_server):
    console = run_to_the_end(page, live_server, SWARM)
    assert page.evaluate(f"{STATUS}") == "finished"
    assert page.evaluate("Number(document.querySelector('[data-status-line]').dataset.step)") == 60
    clouds = page.evaluate("document.getElementById('contour').data.filter(d => d.mode === 'markers' && d.x.length > 4)"
                           ".map(d => [d.name, d.x.length, d.marker.opacity])")
    sgd, adam = clouds
    assert sgd[0].startswith("SGD lr=0.3 (left the surface after step ") and sgd[1] == 400 and sgd[2] < 0.5
    assert adam == ["Adam lr=0.05", 400, 0.7]  # Adam's cloud runs on, drawn in full
    marks = page.evaluate("document.getElementById('contour').data.filter(d => d.mode === 'markers+text')"
                          ".map(d => d.text[0])")
    assert marks == [sgd[0].split("(", 1)[1].rstrip(")")]
    (x0, x1), (y0, y1) = domain(page, "himmelblau")
    xs = page.evaluate("document.getElementById('contour').data.filter(d => d.mode === 'markers')"
                       ".flatMap(d => d.x)")
    assert all(x0 - (x1 - x0) <= x <= x1 + (x1 - x0) for x in xs)
    low, high = axis_range(page, "loss-chart")  # the mean loss: was 6×10^231
    assert math.isfinite(low) and math.isfinite(high) and high < 4  # a log axis: under 10^4
    until(page, "document.getElementById('surface3d').data.length === 3")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    assert page.evaluate("(() => { const t = document.getElementById('swarm-counts');"
                         " return t.parentElement.scrollWidth <= t.parentElement.clientWidth; })()")
    assert not console, console[:3]


def test_a_phone_race_on_rosenbrock_keeps_its_width(page, live_server):
    run_to_the_end(page, live_server, ROSENBROCK, width=390, height=844)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
