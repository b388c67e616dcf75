"""Edits that apply (issue 14, item 3): on every live lab's page a form change that cannot apply mid-run
marks the run on screen as out of date, and one Play starts a new run with the form's config; a live
change (the learning rate) still applies to the run on screen; the code panel is the running run's."""

import json

import pytest

from tests.browser.conftest import until, until_reported
from tests.browser.test_runs_page import STATUS, wait_status

STALE = "!document.querySelector('[data-stale]').hidden"
STEP = "Number(document.querySelector('[data-status-line]').dataset.step)"

# lab -> (the form control, a value it takes, the config key it sets)
EDITS = {
    "initialization": ("#depth", 4, "depth"),
    "losses": ("#samples", 20, "samples"),
    "backprop": ("#steps", 400, "steps"),
    "descent": ("[data-field=epochs]", 3, "epochs"),
    "training": ("#epochs", 4, "epochs"),
    "landscape": ("[data-field=epochs]", 2, "epochs"),
}


class Wire:
    """What the page sends and receives over its sockets, parsed."""

    def __init__(self, page):
        self.sent: list[dict] = []
        self.received: list[dict] = []
        page.on("websocket", self._opened)

    def _opened(self, ws):
        ws.on("framesent", lambda payload: self.sent.append(json.loads(payload)))
        ws.on("framereceived", lambda payload: self.received.append(json.loads(payload)))

    def starts(self):
        return [m for m in self.sent if m["type"] == "start"]

    def started(self):
        return [m for m in self.received if m["type"] == "started"]

    def frames_of(self, run_id):
        return [m for m in self.received if m["type"] == "frame" and m["run_id"] == run_id]


def open_lab(page, live_server, lab, lang="en"):
    page.set_default_timeout(60000)
    wire = Wire(page)
    page.goto(f"{live_server}/labs/{lab}?lang={lang}")
    wait_status(page, "paused")
    return wire


def wait_new_run_moving(page, wire, key, value):
    """The run this page started last asks for `key` = `value` and its steps grow."""

    def moving():
        runs = wire.started()
        return runs and runs[-1]["config"][key] == value and any(
            f["step"] > 0 for f in wire.frames_of(runs[-1]["run_id"]))

    until_reported(page, moving, f"a moving run with {key}={value}")
    return wire.started()[-1]


def until_code_of(page, config):
    """The code panel shows the code of `config` (what the page sent in its last start)."""
    until(page, f"document.getElementById('code').dataset.config === JSON.stringify({json.dumps(config)})")


def code_config(page):
    until(page, "document.getElementById('code').dataset.config !== undefined")
    return json.loads(page.evaluate("document.getElementById('code').dataset.config"))


@pytest.mark.parametrize("lab", sorted(EDITS))
def test_an_edit_marks_the_run_out_of_date_and_one_play_starts_the_new_one(page, live_server, lab):
    selector, value, key = EDITS[lab]
    wire = open_lab(page, live_server, lab)
    assert not page.evaluate(STALE)
    first = wire.starts()[-1]["config"]
    assert code_config(page) == first  # the code panel is the run's from the start
    page.fill(selector, str(value))
    page.dispatch_event(selector, "change")
    until(page, STALE)
    assert page.inner_text("[data-stale]") == "The run on screen uses the old settings — Play starts the new one."
    assert page.evaluate("!document.querySelector('[data-code-stale]').hidden")
    assert code_config(page) == first  # still the code of what runs, marked
    assert len(wire.starts()) == 1  # nothing started by the edit itself
    page.click("[data-action=toggle]")  # one Play
    run = wait_new_run_moving(page, wire, key, value)
    assert len(wire.starts()) == 2
    until(page, f"!({STALE})")
    assert page.evaluate("document.querySelector('[data-code-stale]').hidden")
    until_code_of(page, wire.starts()[-1]["config"])
    assert code_config(page)[key] == value
    assert run["config"][key] == value


def test_initialisation_layers_4_then_play_draws_4_layers(page, live_server):
    wire = open_lab(page, live_server, "initialization")
    assert len(wire.frames_of(wire.started()[0]["run_id"])[-1]["layers"]) == 10  # the default network
    page.fill("#depth", "4")
    page.click("[data-action=toggle]")  # the field's change (on blur) and Play, as a teacher does it
    run = wait_new_run_moving(page, wire, "depth", 4)
    frames = wire.frames_of(run["run_id"])
    assert all(len(f["layers"]) == 4 for f in frames)
    # its frames are drawn a screen refresh after they arrive: until then the chart is the old run's
    until(page, "document.getElementById('histograms').layout.grid.rows === 4")


def test_optimisers_an_edited_field_then_one_play_runs(page, live_server):
    wire = open_lab(page, live_server, "optimizers")
    page.fill("#steps", "150")
    page.click("[data-action=toggle]")  # the first Play is not lost
    run = wait_new_run_moving(page, wire, "steps", 150)
    until(page, f"{STEP} > 3")
    assert page.evaluate(STATUS) in ("running", "finished")
    # the code panel is the running run's
    until_code_of(page, wire.starts()[-1]["config"])
    assert "150" in page.inner_text("#code")
    assert run["config"]["steps"] == 150


def test_a_changed_method_card_does_not_leave_the_old_charts(page, live_server):
    wire = open_lab(page, live_server, "initialization")
    page.select_option("#methods .method-card:first-child select[data-arg=method]", "zeros")
    until_reported(page, lambda: len(wire.started()) == 2 and wire.frames_of(wire.started()[-1]["run_id"]),
                   "a frame of the restarted run")
    assert wire.started()[-1]["config"]["methods"][0]["method"] == "zeros"
    until(page, "[...document.querySelectorAll('#histograms .annotation-text')]"
                ".some(a => /zeros/i.test(a.textContent))")
    assert not page.evaluate(STALE)


def test_a_learning_rate_still_applies_live(page, live_server):
    wire = open_lab(page, live_server, "losses")
    page.click("[data-action=toggle]")
    wait_status(page, "running")
    page.fill("#lr", "0.02")
    page.dispatch_event("#lr", "change")
    until_reported(page, lambda: any(m["type"] == "set" for m in wire.sent), "a set message sent")
    assert [m["params"] for m in wire.sent if m["type"] == "set"][-1] == {"lr": 0.02}
    assert len(wire.starts()) == 1
    assert not page.evaluate(STALE)  # applied to the run on screen: nothing out of date
    until(page, "JSON.parse(document.getElementById('code').dataset.config).lr === 0.02")


def test_the_out_of_date_note_in_chinese(page, live_server):
    open_lab(page, live_server, "training", lang="zh")
    page.fill("#epochs", "3")
    page.dispatch_event("#epochs", "change")
    until(page, STALE)
    assert page.inner_text("[data-stale]") == "屏幕上的运行用的是旧设置 — 按播放开始新的运行。"
