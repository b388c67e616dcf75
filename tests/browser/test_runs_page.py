"""Runs a class can share, seen from the page (issue 9): a reload or a dropped socket returns to the same
run, a "show my run" link follows it read-only in another browser, the timeline rewinds a paused run,
and a run that is gone is said so. The Gradient-descent lab stands for every lab: the player is shared.

Every message the page receives is counted by observing its WebSockets from Playwright.
"""

import json
from urllib.parse import quote

import pytest

from tests.browser.conftest import guarded_context, until
from tests.conftest import ARTIFACTS

CONFIG = {"variants": ["batch", "stochastic", "minibatch"], "batch_size": 20, "epochs": 20, "lr": 0.05,
          "samples": 100, "seed": 0}  # 2,000 ticks: long enough to be caught mid-run
STATUS = "document.querySelector('[data-status-line]').dataset.status"
STEP = "Number(document.querySelector('[data-status-line]').dataset.step)"
DRAWN_TICK = "Number((document.getElementById('progress').textContent.match(/tick (\\d+)/) || [])[1])"
SPEED_20 = 4  # the speed slider's position for 20 steps/s


class Wire:
    """Every message the page's sockets receive, by socket, parsed."""

    def __init__(self, page):
        self.sockets: list[list[dict]] = []
        page.on("websocket", self._opened)

    def _opened(self, ws):
        received: list[dict] = []
        self.sockets.append(received)
        ws.on("framereceived", lambda payload: received.append(json.loads(payload)))

    def of_type(self, kind, socket=None):
        lists = self.sockets if socket is None else [self.sockets[socket]]
        return [m for messages in lists for m in messages if m["type"] == kind]


def open_lab(page, live_server, config=CONFIG, lang="en", query="", seed=0):
    page.set_default_timeout(60000)
    config = {**config, "seed": seed}
    page.goto(f"{live_server}/labs/descent?lang={lang}{query}#{quote(json.dumps(config))}")


def wait_status(page, status, timeout=60000):  # generous: the test machine is shared
    until(page, f"{STATUS} === '{status}'", timeout=timeout / 1000)


def play_slowly(page):
    """Play the opening run at 20 steps/s, so that it is still running when the test acts."""
    wait_status(page, "paused")
    page.eval_on_selector("[data-action=speed]", f"el => {{ el.value = '{SPEED_20}'; "
                          "el.dispatchEvent(new Event('input')); }")
    page.click("[data-action=toggle]")
    wait_status(page, "running")


def test_a_reload_mid_run_returns_to_the_run_where_it_was(page, live_server):
    wire = Wire(page)
    open_lab(page, live_server)
    play_slowly(page)
    until(page, f"{STEP} >= 20")
    run_id = wire.of_type("started")[0]["run_id"]
    before = page.evaluate(STEP)
    page.reload()
    until(page, f"{STATUS} === 'running' && {STEP} > {before + 10}")
    assert len(wire.sockets) == 2
    assert len(wire.of_type("started")) == 1  # the reload started nothing
    attached = wire.of_type("attached", socket=1)
    assert [(a["run_id"], a["control"]) for a in attached] == [(run_id, True)]
    steps = [m["step"] for m in wire.of_type("frame", socket=1)]
    assert steps[0] >= before and steps == sorted(steps)  # it went on from where it was
    assert {m["run_id"] for m in wire.of_type("frame", socket=1)} == {run_id}
    until(page, f"{DRAWN_TICK} > {before}")  # and it is drawn
    assert page.input_value("#epochs") == "20"


def test_a_dropped_socket_reattaches_and_says_so(page, live_server):
    wire = Wire(page)
    open_lab(page, live_server, seed=1)
    play_slowly(page)
    until(page, f"{STEP} >= 10")
    page.evaluate("""() => import('/static/js/controls.js').then((m) => {
      const player = m.currentLive().player;  // every status the player shows, with its text
      const show = player.setStatus.bind(player);
      window.seen = [];
      player.setStatus = (status, vars) => {
        show(status, vars);
        window.seen.push([status, player.statusLine.textContent]);
      };
    })""")
    before = page.evaluate(f"""() => import('/static/js/controls.js').then((m) => {{
      m.currentLive().socket.ws.close();
      return {STEP};
    }})""")  # the step as the socket drops: frames already on their way may still be drawn
    until(page, f"window.seen.some(([status]) => status === 'reconnecting') && "
                f"{STATUS} === 'running' && {STEP} > {before + 5}")
    seen = page.evaluate("window.seen")
    reconnecting = [text for status, text in seen if status == "reconnecting"]
    assert reconnecting and reconnecting[0].startswith("Connection lost — reconnecting in")
    assert len(wire.sockets) == 2 and len(wire.of_type("started")) == 1
    assert [a["control"] for a in wire.of_type("attached", socket=1)] == [True]
    assert wire.of_type("frame", socket=1)[0]["step"] >= before


def test_show_my_run_opens_a_read_only_page_that_follows_it(page, browser, live_server):
    mine = {**CONFIG, "variants": ["minibatch", "batch"], "lr": 0.04, "epochs": 5}
    open_lab(page, live_server, mine, seed=2)
    wait_status(page, "paused")
    page.click(".share summary")
    link = page.input_value("[data-share-url]")
    run_id = page.evaluate("import('/static/js/controls.js').then((m) => m.currentLive().socket.runId)")
    assert link == f"{live_server}/labs/descent?watch={run_id}"
    with guarded_context(browser) as neighbour:
        wire = Wire(neighbour)
        neighbour.set_default_timeout(60000)
        neighbour.goto(link)
        wait_status(neighbour, "paused")
        until(neighbour, "document.getElementById('progress').textContent.includes('tick 0')")
        # the run's config, read-only: the form shows it and nothing that changes the run can be used
        assert neighbour.input_value("#lr") == "0.04" and neighbour.input_value("#epochs") == "5"
        checked = neighbour.eval_on_selector_all("#variants input:checked", "els => els.map(e => e.value)")
        assert sorted(checked) == ["batch", "minibatch"]
        assert neighbour.is_visible("[data-watch-banner]")
        assert neighbour.text_content(".watch-banner .badge") == "Watching"
        for action in ("start", "toggle", "step", "speed", "timeline"):
            assert neighbour.is_disabled(f"[data-action={action}]"), action
        assert neighbour.evaluate("document.getElementById('lab-controls').inert")
        assert not neighbour.is_visible("[data-share]")  # a watcher has nothing of its own to share
        neighbour.keyboard.press("Space")  # the keys do not control someone else's run
        # the owner plays: the neighbour follows frame by frame, to the end
        page.click("[data-action=toggle]")
        wait_status(neighbour, "finished")
        wait_status(page, "finished")
        assert neighbour.evaluate(STEP) == page.evaluate(STEP) == 25  # 5 epochs of 100 / 20 ticks
        for p in (page, neighbour):
            until(p, f"{DRAWN_TICK} === 25")
        assert wire.of_type("attached")[0]["control"] is False
        assert not wire.of_type("started") and not wire.of_type("error")
        assert {m["run_id"] for m in wire.of_type("frame")} == {run_id}
        assert neighbour.inner_text("#progress") == page.inner_text("#progress")
        ARTIFACTS.mkdir(exist_ok=True)
        neighbour.screenshot(path=str(ARTIFACTS / "runs_watching_en.png"))
        # leaving makes it the neighbour's own run with the same settings
        neighbour.click("[data-action=leave-watch]")
        wait_status(neighbour, "paused")
        assert "watch=" not in neighbour.url and len(wire.of_type("started")) == 1
        assert not neighbour.evaluate("document.getElementById('lab-controls').inert")
        assert neighbour.input_value("#lr") == "0.04"


def test_the_timeline_rewinds_a_paused_run_and_plays_on_from_there(page, live_server):
    wire = Wire(page)
    open_lab(page, live_server, seed=3)
    play_slowly(page)
    until(page, f"{STEP} >= 30")
    page.click("[data-action=toggle]")
    wait_status(page, "paused")
    reached = page.evaluate(STEP)
    assert page.get_attribute("[data-action=timeline]", "max") == str(reached)
    page.eval_on_selector("[data-action=timeline]", "el => { el.value = '12'; el.dispatchEvent(new Event('input')); "
                          "el.dispatchEvent(new Event('change')); }")
    until(page, f"{STEP} === 12 && {DRAWN_TICK} === 12")
    assert wire.of_type("frame")[-1]["step"] == 12
    assert page.inner_text("[data-timeline-label]") == "step 12 / 12"
    page.locator("body").press("ArrowRight")  # → steps once from the rewound step
    until(page, f"{DRAWN_TICK} === 13")
    page.locator("body").press("Space")  # and Space plays on from there
    wait_status(page, "running")
    until(page, f"{DRAWN_TICK} > 20")
    assert len(wire.of_type("started")) == 1


@pytest.mark.parametrize("kind", ["own", "watch"])
def test_a_run_that_is_gone_is_said_so_and_can_be_started_again(page, live_server, kind):
    wire = Wire(page)
    if kind == "own":
        open_lab(page, live_server)
        wait_status(page, "paused")
        page.evaluate("sessionStorage.setItem('gradlab.run.descent', JSON.stringify({run_id: 'gone', token: 'x'}))")
        page.reload()
    else:
        open_lab(page, live_server, query="&watch=gone")
    wait_status(page, f"gone_{kind}")
    text = {"own": "This run no longer exists on the server", "watch": "The run this page was watching no longer"}
    assert page.inner_text("[data-status-line]").startswith(text[kind])
    assert wire.of_type("error")[-1]["field"] == "run_id"
    page.click("[data-action=start-again]")
    wait_status(page, "running" if kind == "own" else "paused")
    started = wire.of_type("started")
    assert started[-1]["config"]["epochs"] == 20  # from the URL's config
    if kind == "own":
        kept = page.evaluate("JSON.parse(sessionStorage.getItem('gradlab.run.descent'))")
        assert kept["run_id"] == started[-1]["run_id"] and kept["token"] == started[-1]["token"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_screenshots_of_the_player_and_of_a_watching_page(page, live_server, lang):
    ARTIFACTS.mkdir(exist_ok=True)
    open_lab(page, live_server, lang=lang, seed=4)
    wait_status(page, "paused")
    page.click(".share summary")
    link = page.input_value("[data-share-url]")
    for width, height in ((1440, 900), (1280, 720), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(200)
        page.screenshot(path=str(ARTIFACTS / f"runs_player_{lang}_{width}.png"))
    page.locator("#player").screenshot(path=str(ARTIFACTS / f"runs_player_{lang}_390_player.png"))
    if lang == "zh":
        assert "时间轴" in page.inner_text("#player") and "在另一块屏幕上展示我的运行" in page.inner_text("#player")
    page.goto(f"{link}&lang={lang}")  # the tab watches its own run: read-only all the same
    wait_status(page, "paused")
    assert page.is_visible("[data-watch-banner]")
    for width, height in ((1280, 720), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(200)
        page.screenshot(path=str(ARTIFACTS / f"runs_watching_{lang}_{width}.png"))


def test_follow_and_unfollow_for_the_class_layer(page, browser, live_server):
    """`follow()` shows another run read-only on this page; `unfollow()` returns to the page's own."""
    open_lab(page, live_server, seed=5)
    wait_status(page, "paused")
    other = page.evaluate("import('/static/js/controls.js').then((m) => m.currentLive().socket.runId)")
    with guarded_context(browser) as student:
        student.set_default_timeout(60000)
        wire = Wire(student)
        open_lab(student, live_server, seed=6)
        wait_status(student, "paused")
        own = wire.of_type("started")[0]["run_id"]
        follows = student.evaluate("(id) => import('/static/js/controls.js').then((m) => [m.follow("
                                   "{run_id: id, lab: 'landscape'}), m.follow({run_id: id, lab: 'descent'})])", other)
        assert follows == [False, True]  # another lab's run is not shown here
        wait_status(student, "paused")
        assert student.is_disabled("[data-action=toggle]") and student.input_value("#seed") == "5"
        assert not student.is_visible("[data-action=leave-watch]")  # the class decides when it ends
        page.click("[data-action=step]")  # the followed run moves: the student sees it
        until(student, f"{STEP} === 1 && {DRAWN_TICK} === 1")
        assert student.evaluate("import('/static/js/controls.js').then((m) => m.unfollow())")
        # unfollow shows no status of its own (the followed run's 'paused' stays): wait for its own run's draw
        until(student, f"{STATUS} === 'paused' && {DRAWN_TICK} === 0")
        assert not student.is_disabled("[data-action=toggle]") and student.input_value("#seed") == "6"
        attached = wire.of_type("attached")
        assert [(a["run_id"], a["control"]) for a in attached] == [(other, False), (own, True)]
        assert len(wire.of_type("started")) == 1
