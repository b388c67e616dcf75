"""Plotly arrives after the first frame: the pages load its bundle after their first paint, and on a slow
laptop (or a busy CI machine) a run's first frame can come before it has run. What the page does with
a chart must then still work once Plotly has drawn it.

The Optimiser page bound its contour's click (pick the start) only if the chart already had Plotly's
`on` when the frame was drawn: with Plotly late, a paused run's contour ignored every click."""

import json
from urllib.parse import quote

from tests.browser.conftest import until


def hold_plotly_until_the_first_frame(page):
    """Plotly's bundle is held back until a run's first frame has reached the page."""
    held, framed = [], []

    def plotly(route):
        if framed:
            route.continue_()
        else:
            held.append(route)

    def on_socket(ws):
        def received(payload):
            if not framed and json.loads(payload).get("type") == "frame":
                framed.append(True)
                for route in held:
                    route.continue_()

        ws.on("framereceived", received)

    page.route("**/plotly-gradlab*", plotly)
    page.on("websocket", on_socket)
    return held


STATE = {"mode": "race", "surface": "saddle_bounded", "start": [-1.5, 0.01], "steps": 100,
         "optimizers": [{"name": "sgd", "lr": 0.02}]}


def test_the_contour_takes_a_click_when_plotly_came_after_the_first_frame(page, live_server):
    held = hold_plotly_until_the_first_frame(page)
    page.goto(f"{live_server}/labs/optimizers?lang=en#{quote(json.dumps({'config': STATE, 'view': {}}))}",
              wait_until="commit")  # its load event waits for the held bundle
    # the paused run's frame is drawn (its state cards) while Plotly is still held
    until(page, "document.querySelectorAll('#state-panel .state-card').length > 0")
    until(page, "document.getElementById('contour').layout?.title.text.endsWith(' 0')")
    assert held, "Plotly was not held back: the test did not make it late"
    box = page.locator("#contour .nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.25)
    until(page, "document.getElementById('start-x').value !== '-1.5'")
    x, y = float(page.input_value("#start-x")), float(page.input_value("#start-y"))
    assert 0.5 < x < 1.5 and 0.5 < y < 1.5
