"""The Optimiser page's form and view, control by control: every choice and bound restarts cleanly, and
a reload brings back the same config and view (issue 8)."""

import json
from urllib.parse import quote

import pytest

from tests.browser.test_initialization_form import hash_state, restart_cleanly, set_number, spec
from tests.conftest import screenshot

RACERS = [{"name": "sgd", "lr": 0.05}]
BASE = {"config": {"mode": "race", "surface": "saddle_bounded", "steps": 20, "optimizers": RACERS,
                   "swarm_size": 100},
        "view": {"scene": "", "beta": 0.9, "bias": True}}
pytestmark = pytest.mark.timeout(900)  # some 40 restarts, each a run started and its first frame drawn
CARD = "#racers .racer-card[data-racer='0']"
CONTROLS = "#lab-controls input, #lab-controls select"
VALUES = "els => els.map(e => [e.id || e.dataset.key, e.type === 'checkbox' ? e.checked : e.value])"


def open_page(page, live_server, state=BASE):
    messages = []
    page.goto("about:blank")  # a new hash on the same page is no new page load
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: messages.append(json.loads(payload))))
    page.goto(f"{live_server}/labs/optimizers?lang=en#{quote(json.dumps(state))}")
    page.wait_for_function("document.querySelector('[data-status-line]').dataset.status === 'paused'")
    page.wait_for_function("document.getElementById('contour').data?.length > 0")
    return messages


def racer_inputs(page):
    """The number inputs of the first racer card: (data-key, min, max)."""
    return page.eval_on_selector_all(f"{CARD} input[type=number]",
                                     "els => els.map(e => [e.dataset.key, e.min, e.max])")


def test_every_control_restarts_cleanly_and_survives_a_reload(page, live_server):
    served = spec(live_server, "optimizers")
    props = served["schema"]["properties"]
    racer = served["schema"]["$defs"]["Racer"]["properties"]
    messages = open_page(page, live_server)

    # the form's limits are the spec's, caps included; the select's choices are the spec's and a formula
    for name in ("steps", "seed"):
        assert page.get_attribute(f"#{name}", "min") == str(props[name]["minimum"])
        assert page.get_attribute(f"#{name}", "max") == str(props[name]["maximum"])
    surfaces = page.eval_on_selector_all("#surface option", "os => os.map(o => o.value)")
    assert surfaces == [*props["surface"]["enum"], "custom"]
    for value in surfaces[:-1]:
        page.select_option("#surface", value)
        restart_cleanly(page, messages)
        assert hash_state(page)["config"]["surface"] == value and hash_state(page)["config"]["expression"] is None
    page.select_option("#surface", "custom")
    page.fill("#expression", "x^2 + 3*y^2")
    page.dispatch_event("#expression", "change")
    restart_cleanly(page, messages)
    assert hash_state(page)["config"]["expression"] == "x^2 + 3*y^2"
    page.select_option("#surface", "saddle_bounded")

    # numbers at each bound and beyond (clamped); the start at its bounds, then the surface's own
    for name in ("steps",):
        low, high = props[name]["minimum"], props[name]["maximum"]
        for value, expected in ((low, low), (high, high), (high + 1, high), (low - 1, low)):
            set_number(page, f"#{name}", value)
            assert page.input_value(f"#{name}") == str(expected)
            assert hash_state(page)["config"][name] == expected
            if value in (low, high):
                restart_cleanly(page, messages)
        set_number(page, f"#{name}", BASE["config"].get(name, served["defaults"][name]))
    bound = props["start"]["anyOf"][0]["prefixItems"][0]
    for x, expected in ((bound["maximum"] * 2, bound["maximum"]), (bound["minimum"], bound["minimum"]), (0.5, 0.5)):
        set_number(page, "#start-x", x)
        assert hash_state(page)["config"]["start"][0] == expected
    restart_cleanly(page, messages)

    # the racer card: every optimiser, each number at its bounds, each option ticked
    names = page.eval_on_selector_all(f"{CARD} select.racer-name option", "os => os.map(o => o.value)")
    assert names == racer["name"]["enum"]
    for name in names:
        page.select_option(f"{CARD} select.racer-name", name)
        for key, low, high in racer_inputs(page):
            node = racer[key.split(".")[0]]["anyOf"][0]
            node = node["prefixItems"][int(key.split(".")[1])] if "." in key else node
            assert float(high) == node["maximum"] and float(low) == node.get("minimum", node.get("exclusiveMinimum"))
            selector = f"{CARD} input[data-key='{key}']"
            set_number(page, selector, float(high) * 10)  # beyond: clamped to the bound
            assert float(page.input_value(selector)) == float(high)
            if "minimum" in node and not (name == "nesterov" and key == "momentum"):  # Nesterov needs momentum
                set_number(page, selector, node["minimum"])
        for box in page.eval_on_selector_all(f"{CARD} input[type=checkbox]", "els => els.map(e => e.dataset.key)"):
            page.check(f"{CARD} input[data-key={box}]")
        restart_cleanly(page, messages)
    page.select_option(f"{CARD} select.racer-name", "adam")
    page.click("#add-racer")  # up to the cap, then the button is disabled
    while page.is_enabled("#add-racer"):
        page.click("#add-racer")
    assert page.locator("#racers .racer-card").count() == props["optimizers"]["maxItems"]
    restart_cleanly(page, messages)
    for _ in range(props["optimizers"]["maxItems"] - 2):
        page.click("#racers .racer-card[data-racer='1'] button.remove")
    assert page.locator("#racers .racer-card").count() == 2

    # the swarm: its size and seed at each bound, each layout
    page.click("#mode-tabs [data-mode=swarm]")
    for name in ("swarm_size", "seed"):
        low, high = props[name]["minimum"], props[name]["maximum"]
        for value, expected in ((low, low), (high, high), (high + 1, high), (low - 1, low)):
            set_number(page, f"#{name}", value)
            assert page.input_value(f"#{name}") == str(expected) and hash_state(page)["config"][name] == expected
            if value in (low, high):
                restart_cleanly(page, messages)
    set_number(page, "#swarm_size", 100)
    for layout in page.eval_on_selector_all("#swarm_layout option", "os => os.map(o => o.value)"):
        page.select_option("#swarm_layout", layout)
        restart_cleanly(page, messages)
        assert hash_state(page)["config"]["swarm_layout"] == layout
    page.click("#mode-tabs [data-mode=race]")
    restart_cleanly(page, messages)

    # the view: the EWA's β at its bounds (the lab's), the bias correction both ways; none of it is sent
    beta = served["tools"]["ewa"]["schema"]["properties"]["beta"]
    assert (page.get_attribute("#ewa-beta", "min"), page.get_attribute("#ewa-beta", "max")) == \
        (str(beta["minimum"]), str(beta["maximum"]))
    for value in (beta["minimum"], beta["maximum"]):
        page.fill("#ewa-beta", str(value))
        page.dispatch_event("#ewa-beta", "input")
        assert hash_state(page)["view"]["beta"] == value
    page.uncheck("#ewa-bias")
    page.check("#ewa-bias")
    page.uncheck("#ewa-bias")
    page.wait_for_function("document.getElementById('ewa-chart').data?.length === 4")
    restart_cleanly(page, messages)
    started = [m for m in messages if m["type"] == "started"][-1]
    assert not {"beta", "bias", "scene"} & set(started["config"])

    before = hash_state(page)
    assert before["view"] == {"scene": "", "beta": beta["maximum"], "bias": False}
    form = page.eval_on_selector_all(CONTROLS, VALUES)
    screenshot(page, "optimizers-form-all-controls")
    page.reload()
    page.wait_for_function("document.getElementById('contour').data?.length > 0")
    page.wait_for_function("document.querySelectorAll('#racers .racer-card').length === 2")
    assert hash_state(page) == before
    assert page.eval_on_selector_all(CONTROLS, VALUES) == form
    assert not page.is_checked("#ewa-bias") and page.input_value("#ewa-beta") == str(beta["maximum"])


def test_a_scene_and_an_old_or_hand_edited_hash(page, live_server):
    served = spec(live_server, "optimizers")
    props = served["schema"]["properties"]
    bad = {"config": {"steps": 10**9, "surface": "volcano", "mode": "dance", "surprise": 1, "swarm_size": -3,
                      "optimizers": [{"name": "lbfgs"}, {"name": "adam", "lr": 99, "magic": 1}] * 10},
           "view": {"scene": "nowhere", "beta": 5, "bias": "yes", "zoom": 3}}
    open_page(page, live_server, bad)
    state = hash_state(page)
    assert state["config"]["steps"] == props["steps"]["maximum"]
    assert state["config"]["swarm_size"] == props["swarm_size"]["minimum"]
    assert state["config"]["surface"] == served["defaults"]["surface"] and state["config"]["mode"] == "race"
    assert "surprise" not in state["config"]
    # unknown racers dropped, lr clamped to the lab's bound, unknown keys gone, the list cut at the cap
    assert state["config"]["optimizers"] == [{"name": "adam", "lr": 10}] * props["optimizers"]["maxItems"]
    ewa = served["tools"]["ewa"]["schema"]["properties"]["beta"]
    assert state["view"] == {"scene": "", "beta": ewa["maximum"], "bias": True}
    assert page.inner_text("#form-error") == ""

    messages = open_page(page, live_server)
    page.click("#scenes button[data-scene=ravine]")
    page.wait_for_function("document.querySelector('#scenes [aria-pressed=true]')?.dataset.scene === 'ravine'")
    state = hash_state(page)
    assert state["view"]["scene"] == "ravine" and state["config"]["surface"] == "ravine"
    assert not [m for m in messages if m["type"] == "error"]
    page.reload()
    page.wait_for_function("document.getElementById('contour').data?.length > 0")
    assert "SGD zig-zags" in page.inner_text("#scene-question") and hash_state(page) == state


def test_a_field_edited_after_a_scene_reaches_the_run(page, live_server):
    """A scene gives the page a config of its own: a field edited after it writes into that config, so
    the hash and the next run carry the edit (the form wrote into the config before the scene, and the
    steps typed after a scene were lost)."""
    messages = open_page(page, live_server)
    page.click("#scenes button[data-scene=ravine]")
    page.wait_for_function("document.querySelector('#scenes [aria-pressed=true]')?.dataset.scene === 'ravine'")
    scene_steps = hash_state(page)["config"]["steps"]
    steps = scene_steps - 7
    set_number(page, "#steps", steps)
    assert hash_state(page)["config"]["steps"] == steps and hash_state(page)["config"]["surface"] == "ravine"
    restart_cleanly(page, messages)
    started = [m for m in messages if m["type"] == "started"][-1]
    assert (started["config"]["steps"], started["config"]["surface"]) == (steps, "ravine")
