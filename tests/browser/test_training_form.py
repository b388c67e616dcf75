"""The Training page's form and view, control by control: every choice, flag and bound restarts cleanly,
and a reload brings back the same config and view (issue 8)."""

import json
import urllib.request
from urllib.parse import quote

import pytest

from tests.browser.conftest import until
from tests.browser.test_initialization_form import hash_state, restart_cleanly, set_number, spec
from tests.conftest import screenshot

pytestmark = pytest.mark.timeout(900)

SMALL = {"dataset": "moons", "samples": 100, "hidden": [4], "epochs": 2, "batch_size": 32, "lr": 0.01}
BASE = {"config": SMALL, "view": {"tab": "train"}}
DRAWN = "document.getElementById('view-0').data?.length > 0"


def open_page(page, live_server, state=BASE):
    messages = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: messages.append(json.loads(payload))))
    page.goto(f"{live_server}/labs/training?lang=en#{quote(json.dumps(state))}")
    page.wait_for_function(DRAWN)
    return messages


def last_started(messages):
    return [m for m in messages if m["type"] == "started"][-1]["config"]


def controls(page):
    return page.eval_on_selector_all(
        "#lab-controls input, #lab-controls select, .tab-page input",
        "els => els.filter(e => e.type !== 'file').map(e => [e.id || e.value, e.value, e.checked])")


def test_every_control_restarts_cleanly_and_survives_a_reload(page, live_server):
    served = spec(live_server, "training")
    props = served["schema"]["properties"]
    messages = open_page(page, live_server)

    # each choice of each select (a set this server does not offer, or a CSV not uploaded, is not started)
    for name in ("dataset", "activation", "init", "optimizer"):
        options = page.eval_on_selector_all(f"#{name} option", "os => os.map(o => [o.value, o.disabled])")
        assert [v for v, _ in options] == props[name]["enum"]
        for value, disabled in options:
            if disabled or value == "csv":
                continue
            page.select_option(f"#{name}", value)
            restart_cleanly(page, messages)
            assert hash_state(page)["config"][name] == value and last_started(messages)[name] == value
        page.select_option(f"#{name}", served["defaults"][name] if name != "dataset" else "moons")

    # each flag both ways, each feature box on and off
    for name in ("batch_norm", "residual", "network_view"):
        for checked in (True, False):
            page.set_checked(f"#{name}", checked)
            restart_cleanly(page, messages)
            assert hash_state(page)["config"][name] is checked and last_started(messages)[name] is checked
    features = page.eval_on_selector_all("input[name=features]", "els => els.map(e => e.value)")
    assert features == props["features"]["items"]["enum"]
    for f in features[2:]:
        page.check(f"input[name=features][value={f}]")
    restart_cleanly(page, messages)
    assert last_started(messages)["features"] == features
    for f in features[2:]:
        page.uncheck(f"input[name=features][value={f}]")
    assert hash_state(page)["config"]["features"] == features[:2]

    # each number at each bound, and beyond: clamped; an exclusive bound is refused (the value in force stays)
    inclusive = ("samples", "noise", "data_seed", "batch_size", "epochs", "weight_decay", "l1", "clip_norm", "seed")
    for name in inclusive:
        node = props[name]
        low, high = node["minimum"], node["maximum"]
        assert [float(page.get_attribute(f"#{name}", end)) for end in ("min", "max")] == [low, high]
        for value, expected in ((low, low), (high, high), (high + 1, high), (low - 1, low)):
            set_number(page, f"#{name}", value)
            assert hash_state(page)["config"][name] == expected
            if value in (low, high):
                restart_cleanly(page, messages)
                assert last_started(messages)[name] == expected
        set_number(page, f"#{name}", served["defaults"][name] if name not in SMALL else SMALL[name])
    for name, inside in (("test_fraction", (0.1, 0.9)), ("dropout", (0.0, 0.9)), ("lr", (1e-4, 10))):
        before = hash_state(page)["config"][name]
        for bound in ("exclusiveMinimum", "exclusiveMaximum"):
            if bound in props[name]:
                set_number(page, f"#{name}", props[name][bound])
                assert hash_state(page)["config"][name] == before
        for value in inside:
            set_number(page, f"#{name}", value)
            restart_cleanly(page, messages)
            assert last_started(messages)[name] == value
        set_number(page, f"#{name}", before)

    # the hidden widths (each capped) and a comparison typed as text
    page.fill("#hidden", "3, 100000")
    page.dispatch_event("#hidden", "change")
    assert hash_state(page)["config"]["hidden"] == [3, props["hidden"]["items"]["maximum"]]
    page.fill("#hidden", "5, 5")
    page.dispatch_event("#hidden", "change")
    page.fill("#compare", "weight_decay=0.01, hidden=[6; 6]")
    page.dispatch_event("#compare", "change")
    restart_cleanly(page, messages)
    assert last_started(messages)["hidden"] == [5, 5]
    assert last_started(messages)["compare"]["weight_decay"] == 0.01
    assert last_started(messages)["compare"]["hidden"] == [6, 6]
    page.wait_for_function("!document.getElementById('view-1').closest('section').hidden")

    # the view: each tab, the degree, the scenes' questions; none of it goes to the server
    page.click("#view-tabs [data-tab=polynomial]")
    page.wait_for_function("document.getElementById('poly-errors').data?.length === 5")
    degrees = page.evaluate("fetch('/openapi.json').then(r => r.json())")["components"]["schemas"][
        "PolynomialRequest"]["properties"]["max_degree"]  # degrees 1..max_degree
    assert (page.get_attribute("#poly-degree", "min"), page.get_attribute("#poly-degree", "max")) == \
        (str(int(degrees["minimum"])), str(int(degrees["default"])))
    page.fill("#poly-degree", "7")
    page.dispatch_event("#poly-degree", "input")
    set_number(page, "#poly-small", 2)  # the minimum: refit
    page.wait_for_function("document.getElementById('poly-errors').data[0].name.includes(' 2 ')")
    page.click("#view-tabs [data-tab=vanishing]")
    page.wait_for_function("document.getElementById('van-chart').data?.length === 3")
    nets = page.eval_on_selector_all("#van-nets input", "els => els.map(e => e.value)")
    page.check(f"#van-nets input[value={nets[-1]}]")
    page.wait_for_function("document.getElementById('van-chart').data?.length === 4")
    set_number(page, "#van-depth", 3)
    view = hash_state(page)["view"]
    assert view["tab"] == "vanishing" and view["degree"] == 7 and view["poly"]["small"] == 2
    assert view["van"]["depth"] == 3 and view["van"]["nets"][-1] == nets[-1]
    restart_cleanly(page, messages)
    assert not {"tab", "degree", "poly", "van", "view"} & set(last_started(messages))

    before = hash_state(page)
    form = controls(page)
    screenshot(page, "training-form-all-controls")
    page.reload()
    page.wait_for_function("document.getElementById('van-chart').data?.length === 4")
    assert hash_state(page) == before
    assert controls(page) == form


def test_an_old_or_hand_edited_hash_is_cleaned_not_fatal(page, live_server):
    served = spec(live_server, "training")
    props, defaults = served["schema"]["properties"], served["defaults"]
    bad = {"config": {**SMALL, "samples": 10**9, "lr": -1, "activation": "swish", "surprise": 1,
                      "features": ["x1", "magic"], "hidden": [4, "x"]},
           "view": {"tab": "everything", "degree": 99, "poly": {"small": 1, "zoom": 2}, "van": {"nets": ["nope"]}}}
    open_page(page, live_server, bad)
    state = hash_state(page)
    assert state["config"]["samples"] == props["samples"]["maximum"]
    assert state["config"]["lr"] == defaults["lr"] and state["config"]["activation"] == defaults["activation"]
    assert "surprise" not in state["config"] and state["config"]["features"] == ["x1"]
    assert state["config"]["hidden"] == [4]
    assert state["view"]["tab"] == "train" and state["view"]["degree"] == state["view"]["poly"]["max_degree"]
    assert state["view"]["poly"]["small"] == 2 and "zoom" not in state["view"]["poly"]


def test_feature_inputs_show_and_go_only_with_a_set_on_the_plane(page, live_server):
    """Each set's ``plane`` (GET /api/training/datasets) decides whether the feature inputs show and are sent:
    a set off the plane starts with its own inputs, not with the features picked for the plane (the lab would
    refuse those). Every switch flips what shows, so no check is met by the state before it."""
    with urllib.request.urlopen(f"{live_server}/api/training/datasets") as response:
        listed = [d for d in json.loads(response.read()) if d["available"]]
    on, off = [d["name"] for d in listed if d["plane"]], [d["name"] for d in listed if not d["plane"]]
    assert on and off
    default = spec(live_server, "training")["defaults"]["features"]
    picked = ["x1", "x2", "x1_squared"]
    messages = open_page(page, live_server, {**BASE, "config": {**SMALL, "features": picked}})
    until(page, "document.querySelector('input[name=features][value=x1_squared]')?.checked")  # the form is written
    assert page.is_visible("#features-box")  # the template's state, kept once the sets' flags are in

    def shows(selector, visible):
        until(page, f"document.querySelector('{selector}').hidden === {'false' if visible else 'true'}")

    for i, name in enumerate(on):
        for dataset, plane in ((off[i % len(off)], False), (name, True)):
            page.select_option("#dataset", dataset)
            shows("#features-box", plane)
            shows("#upload-box", dataset == "csv")
            if dataset == "csv":
                continue  # nothing to start without an upload
            restart_cleanly(page, messages)
            started = last_started(messages)
            assert started["dataset"] == dataset
            assert started["features"] == (picked if plane else default)
    assert hash_state(page)["config"]["features"] == picked  # kept for the plane, only not sent off it
