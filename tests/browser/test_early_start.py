"""A fresh tab's start goes as the page starts (static/js/early_run.js): its socket sends the lab's
defaults at the lab's pace, paused, before the page's modules have the lab's spec; the server builds the
run while the page loads, and the page then takes that run as its own: one start, the form matching it,
the code panel showing it. A tab whose URL holds another config starts that one, once; an early start
the form does not ask for is stopped and replaced (the page never shows a run its form does not match).
"""

import json
import urllib.parse
import urllib.request

import pytest

from app.web.registry import PAGES
from tests.browser.conftest import guarded_context, until, until_reported

STATUS = "document.querySelector('[data-status-line]').dataset.status"
LIVE = "import('/static/js/controls.js').then((m) => m.currentLive() && m.currentLive().socket.runId)"
STALE = "document.getElementById('player').classList.contains('stale')"


def spec_defaults(live_server: str, lab: str) -> dict:
    with urllib.request.urlopen(f"{live_server}/api/labs/{lab}/spec") as response:
        return json.load(response)["defaults"]


def watch_sockets(page) -> list[dict[str, list[dict]]]:
    sockets: list[dict[str, list[dict]]] = []

    def opened(ws):
        if not ws.url.endswith("/ws/runs"):
            return
        wire: dict[str, list[dict]] = {"sent": [], "received": []}
        sockets.append(wire)
        ws.on("framesent", lambda payload: wire["sent"].append(json.loads(payload)))
        ws.on("framereceived", lambda payload: wire["received"].append(json.loads(payload)))

    page.on("websocket", opened)
    return sockets


def sent(sockets, kind: str) -> list[dict]:
    return [m for wire in sockets for m in wire["sent"] if m["type"] == kind]


@pytest.mark.parametrize("page_info", PAGES, ids=[p.slug for p in PAGES])
def test_a_fresh_tab_starts_its_run_before_the_page_has_loaded_and_adopts_it(browser, live_server, page_info):
    lab = page_info.slug
    defaults = spec_defaults(live_server, lab)
    with guarded_context(browser) as page:
        sockets = watch_sockets(page)
        held: list[object] = []
        page.route(f"**/api/labs/{lab}/spec", lambda route: held.append(route))  # the page cannot open
        page.goto(f"{live_server}/labs/{lab}", wait_until="commit")
        received = lambda: {"started", "frame"} <= {m["type"] for w in sockets for m in w["received"]}  # noqa: E731
        until_reported(page, lambda: held and received(), "the run started while the page waits for its spec")
        assert page.evaluate(LIVE) is None  # no controller yet: the start went from the page's head
        [start] = sent(sockets, "start")
        assert (start["lab"], start["config"], start["speed"], start["paused"]) == (lab, defaults, page_info.pace, True)
        run_id = next(m["run_id"] for w in sockets for m in w["received"] if m["type"] == "started")

        page.unroute(f"**/api/labs/{lab}/spec")
        for route in held:
            route.continue_()  # type: ignore[attr-defined]
        until(page, f"{STATUS} === 'paused'")
        until(page, f"({LIVE}).then((id) => id === {json.dumps(run_id)})")
        assert len(sent(sockets, "start")) == 1 and not sent(sockets, "stop")
        assert not page.evaluate(STALE)  # the form asks for the run on screen
        if page.locator("#code").count():
            until(page, "document.getElementById('code').textContent.length > 40")  # the run's code


def test_a_tab_whose_url_holds_a_config_starts_that_one_once(browser, live_server):
    state = {"config": {**spec_defaults(live_server, "descent"), "lr": 0.05}}
    with guarded_context(browser) as page:
        sockets = watch_sockets(page)
        page.goto(f"{live_server}/labs/descent#{urllib.parse.quote(json.dumps(state))}")
        until(page, f"{STATUS} === 'paused'")
        until_reported(page, lambda: sent(sockets, "start"), "the page's start")
        [start] = sent(sockets, "start")
        assert start["config"]["lr"] == 0.05
        assert not page.evaluate(STALE)


def test_an_early_start_the_page_does_not_ask_for_is_stopped_and_replaced(browser, live_server):
    """The early start's pace differs from the page's (as a page whose defaults changed while it was
    cached would differ): the page stops that run and starts its own, and shows only its own."""
    with guarded_context(browser) as page:
        sockets = watch_sockets(page)

        page.add_init_script("""new MutationObserver((records, observer) => {
          const script = document.querySelector('script[data-early-start]');
          if (!script) return;
          script.dataset.earlyStart = script.dataset.earlyStart.replace('"speed": 100}', '"speed": 5}');
          observer.disconnect();
        }).observe(document, { childList: true, subtree: true });""")
        page.goto(f"{live_server}/labs/descent")
        until(page, f"{STATUS} === 'paused'")
        until_reported(page, lambda: len(sent(sockets, "start")) == 2, "the page's own start")
        first, second = sent(sockets, "start")
        assert (first["speed"], second["speed"]) == (5, 100)
        assert len(sent(sockets, "stop")) == 1
        wire = sockets[0]
        order = [m["type"] for m in wire["sent"]]
        assert order.index("stop") < len(order) - 1 - order[::-1].index("start")  # stopped before the new start
        until_reported(page, lambda: len([m for m in wire["received"] if m["type"] == "started"]) == 2, "both starts")
        runs = [m["run_id"] for m in wire["received"] if m["type"] == "started"]
        until(page, f"({LIVE}).then((id) => id === {json.dumps(runs[1])})")
        assert not page.evaluate(STALE)
