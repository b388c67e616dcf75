"""A reload's attach goes as the page starts (issue 14 item 13, static/js/early_run.js): the socket opens
and attaches to the tab's run before the page's modules have their lab's spec, the answer waits until
the page is ready, and then the page shows that run; no second attach is sent. The plain /static/ URL of
a module is the page's own copy (the import map), so the test sees the page's controller through it.
"""

import json
import time

from tests.browser.conftest import guarded_context, until

STATUS = "document.querySelector('[data-status-line]').dataset.status"
STEP = "Number(document.querySelector('[data-status-line]').dataset.step)"
LIVE = "import('/static/js/controls.js').then((m) => m.currentLive() && m.currentLive().socket.runId)"


def wait_for(condition, page, timeout=60.0):
    """Wait for a condition on what Playwright saw (not on the page), giving the page's events their turn."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        page.wait_for_timeout(50)


def test_a_reload_attaches_at_once_and_shows_the_run_when_the_page_is_ready(browser, live_server):
    with guarded_context(browser) as page:
        sockets: list[dict[str, list[dict]]] = []

        def opened(ws):
            wire: dict[str, list[dict]] = {"sent": [], "received": []}
            sockets.append(wire)
            ws.on("framesent", lambda payload: wire["sent"].append(json.loads(payload)))
            ws.on("framereceived", lambda payload: wire["received"].append(json.loads(payload)))

        page.on("websocket", opened)
        page.goto(f"{live_server}/labs/descent")
        until(page, f"{STATUS} === 'paused'")
        started = [m for m in sockets[0]["received"] if m["type"] == "started"]
        run_id = started[0]["run_id"]
        assert page.evaluate(LIVE) == run_id

        held: list[object] = []

        def hold(route: object) -> None:
            held.append(route)

        page.route("**/api/labs/descent/spec", hold)  # the page cannot build its form, nor open
        page.reload(wait_until="commit")
        answered = lambda: {"attached", "frame"} <= {m["type"] for m in sockets[1]["received"]}  # noqa: E731
        wait_for(lambda: len(sockets) == 2 and answered(), page)
        assert held, "the spec was asked for"
        assert page.evaluate(LIVE) is None  # no controller yet: what came is held for it
        attach = [m for m in sockets[1]["sent"] if m["type"] == "attach"]
        assert [(m["run_id"], bool(m.get("token"))) for m in attach] == [(run_id, True)]
        frame_steps = {m["step"] for m in sockets[1]["received"] if m["type"] == "frame"}

        page.unroute("**/api/labs/descent/spec", hold)
        for route in held:
            route.continue_()  # type: ignore[attr-defined]
        until(page, f"{STATUS} === 'paused'")
        until(page, "document.querySelector('#loss-epoch .main-svg') !== null")
        assert page.evaluate(LIVE) == run_id  # the same run, shown by the page's controller
        assert page.evaluate(STEP) in frame_steps  # the step of a frame that came while it was held
        assert [m["type"] for m in sockets[1]["sent"]].count("attach") == 1  # the page did not attach again
        assert not [m for m in sockets[1]["sent"] if m["type"] == "start"]
        assert len(sockets) == 2
