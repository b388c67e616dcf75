"""The Initialisation page's form and view, control by control: every choice and bound restarts
cleanly, and a reload brings back the same config and view (issue 8)."""

import json
import time
import urllib.request
from urllib.parse import quote, unquote

from tests.conftest import screenshot

BASE = {"config": {"activation": "tanh", "depth": 3, "width": 16, "batch_size": 32, "lr": 0.1, "steps": 50,
                   "seed": 0, "methods": [{"method": "kaiming_normal"}]},
        "view": {"quantity": "weight", "sharedY": True}}


def spec(live_server, lab="initialization"):
    with urllib.request.urlopen(f"{live_server}/api/labs/{lab}/spec") as response:
        return json.loads(response.read())


def open_page(page, live_server, state=BASE):
    messages = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: messages.append(json.loads(payload))))
    page.goto(f"{live_server}/labs/initialization?lang=en#{quote(json.dumps(state))}")
    page.wait_for_function("document.getElementById('histograms').data?.length > 0")
    return messages


def restart_cleanly(page, messages):
    """Press Restart: a run starts, its frames arrive, and no error is shown."""
    seen = len(messages)
    page.click("[data-action=start]")
    page.wait_for_function("document.querySelector('[data-status-line]').dataset.status !== 'connecting'")
    deadline = time.monotonic() + 60  # a slow CI machine, not a loop count, bounds the wait
    while time.monotonic() < deadline:
        new = messages[seen:]
        errors = [m for m in new if m["type"] == "error"]
        assert not errors, errors
        started = [m["run_id"] for m in new if m["type"] == "started"]
        if started and any(m["type"] == "frame" and m["run_id"] == started[-1] for m in new):
            break
        page.wait_for_timeout(50)
    else:
        raise AssertionError(f"no frame of a new run: {messages[seen:][-3:]}")
    assert page.inner_text("#form-error") == ""


def hash_state(page):
    return json.loads(unquote(page.evaluate("location.hash").lstrip("#")))


def set_number(page, selector, value):
    page.fill(selector, str(value))
    page.dispatch_event(selector, "change")


def test_every_control_restarts_cleanly_and_survives_a_reload(page, live_server):
    served = spec(live_server)
    props = served["schema"]["properties"]
    messages = open_page(page, live_server)

    # the form's limits are the spec's, caps included
    for name in ("depth", "width", "batch_size", "steps", "seed"):
        assert page.get_attribute(f"#{name}", "min") == str(props[name]["minimum"])
        assert page.get_attribute(f"#{name}", "max") == str(props[name]["maximum"])
    assert page.get_attribute("#lr", "max") == "10"

    options = page.eval_on_selector_all("#activation option", "os => os.map(o => o.value)")
    assert options == props["activation"]["enum"]
    for value in options:
        page.select_option("#activation", value)
        restart_cleanly(page, messages)
        assert hash_state(page)["config"]["activation"] == value

    # each number at each bound (one at a time, the rest small), and beyond: clamped to the bound
    for name in ("depth", "width", "batch_size", "steps", "seed"):
        low, high = props[name]["minimum"], props[name]["maximum"]
        for value, expected in ((low, low), (high, high), (high + 1, high), (low - 1, low)):
            set_number(page, f"#{name}", value)
            assert page.input_value(f"#{name}") == str(expected)
            assert hash_state(page)["config"][name] == expected
            if value in (low, high):
                restart_cleanly(page, messages)
        set_number(page, f"#{name}", BASE["config"][name])
    set_number(page, "#lr", 0)  # lr > 0: refused, the one in force stays
    assert page.input_value("#lr") == "0.1" and hash_state(page)["config"]["lr"] == 0.1
    for value in (1e-4, 10):
        set_number(page, "#lr", value)
        restart_cleanly(page, messages)
        assert hash_state(page)["config"]["lr"] == value

    # the method card: every method, then every choice of kaiming's mode and nonlinearity
    methods = served["schema"]["$defs"]["InitSpec"]["properties"]
    for method in methods["method"]["enum"]:
        page.select_option("#methods .method-card select[data-arg=method]", method)
        restart_cleanly(page, messages)
        assert hash_state(page)["config"]["methods"] == [{"method": method}]
    page.select_option("#methods .method-card select[data-arg=method]", "kaiming_uniform")
    for arg in ("mode", "nonlinearity"):
        for value in methods[arg]["enum"]:
            page.select_option(f"#methods select[data-arg={arg}]", value)
            restart_cleanly(page, messages)
            assert hash_state(page)["config"]["methods"][0][arg] == value
    page.click("#add-method")  # up to the cap, then the button is disabled
    while page.is_enabled("#add-method"):
        page.click("#add-method")
    assert page.locator("#methods .method-card").count() == props["methods"]["maxItems"]
    restart_cleanly(page, messages)

    # the view: every tab and the checkbox, both ways; none of it goes to the server
    for quantity in ("activation", "gradient", "weight", "activation"):
        page.click(f"#quantity-tabs [data-quantity={quantity}]")
    page.uncheck("#shared-y")
    page.check("#shared-y")
    page.uncheck("#shared-y")
    restart_cleanly(page, messages)
    started = [m for m in messages if m["type"] == "started"][-1]
    assert "sharedY" not in started["config"] and "quantity" not in started["config"]

    before = hash_state(page)
    assert before["view"] == {"quantity": "activation", "sharedY": False}
    form = page.eval_on_selector_all("[data-field]", "els => els.map(e => [e.id, e.value])")
    screenshot(page, "initialization-form-all-controls")
    page.reload()
    page.wait_for_function("document.getElementById('histograms').data?.length > 0")
    assert hash_state(page) == before
    assert page.eval_on_selector_all("[data-field]", "els => els.map(e => [e.id, e.value])") == form
    assert page.get_attribute("#quantity-tabs [data-quantity=activation]", "aria-pressed") == "true"
    assert not page.is_checked("#shared-y")
    assert page.locator("#methods .method-card").count() == props["methods"]["maxItems"]


def test_an_old_or_hand_edited_hash_is_cleaned_not_fatal(page, live_server):
    served = spec(live_server)
    bad = {"config": {"depth": 10**6, "width": -5, "activation": "swish", "lr": "fast", "surprise": 1,
                      "methods": [{"method": "magic"}, {"method": "normal", "std": -2, "extra": 1}] * 3},
           "view": {"quantity": "everything", "sharedY": "yes", "zoom": 3}}
    open_page(page, live_server, bad)
    state = hash_state(page)
    defaults = served["defaults"]
    props = served["schema"]["properties"]
    assert state["config"]["depth"] == props["depth"]["maximum"]
    assert state["config"]["width"] == props["width"]["minimum"]
    assert state["config"]["activation"] == defaults["activation"] and state["config"]["lr"] == defaults["lr"]
    assert "surprise" not in state["config"]
    # the unknown method falls back to the default one, std is clamped to 0, the list cut at the cap
    default_method = served["schema"]["$defs"]["InitSpec"]["properties"]["method"]["default"]
    assert state["config"]["methods"] == [{"method": default_method}, {"method": "normal", "std": 0}] * 2
    assert state["view"] == {"quantity": "weight", "sharedY": True}
    assert page.inner_text("#form-error") == ""
