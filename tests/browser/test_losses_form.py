"""The Loss-functions page's form and view, control by control: every choice and bound restarts the
outlier fit cleanly, the one-shot panels follow the view, and a reload brings back the same config and
view (issue 8)."""

import json
from urllib.parse import quote

from tests.browser.test_initialization_form import hash_state, restart_cleanly, set_number, spec
from tests.conftest import screenshot

BASE = {"config": {"steps": 50, "samples": 30, "outliers": 4}, "view": {}}
VALUES = "els => els.map(e => [e.id || e.value, e.type === 'checkbox' ? e.checked : e.value])"


def open_page(page, live_server, state=BASE):
    messages = []
    page.goto("about:blank")  # a new hash on the same page is no new page load
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: messages.append(json.loads(payload))))
    page.goto(f"{live_server}/labs/losses?lang=en#{quote(json.dumps(state))}")
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    return messages


def controls(page):
    return page.eval_on_selector_all("#lab-controls input, #lab-controls select, .content input, .content select",
                                     VALUES)


def test_every_control_restarts_cleanly_and_survives_a_reload(page, live_server):
    served = spec(live_server, "losses")
    props = served["schema"]["properties"]
    messages = open_page(page, live_server)

    # the losses: a box per choice of the spec; the last one ticked cannot be unticked
    choices = props["losses"]["items"]["enum"]
    assert page.eval_on_selector_all("#fit-losses input", "els => els.map(e => e.value)") == choices
    for name in choices:
        page.check(f"#fit-losses input[value={name}]")
    restart_cleanly(page, messages)
    assert hash_state(page)["config"]["losses"] == choices
    for name in choices[:-1]:
        page.uncheck(f"#fit-losses input[value={name}]")
    page.click(f"#fit-losses input[value={choices[-1]}]")  # the last one stays
    assert page.is_checked(f"#fit-losses input[value={choices[-1]}]")
    assert hash_state(page)["config"]["losses"] == [choices[-1]]
    restart_cleanly(page, messages)

    options = page.eval_on_selector_all("#optimizer option", "os => os.map(o => o.value)")
    assert options == props["optimizer"]["enum"]
    for value in options:
        page.select_option("#optimizer", value)
        restart_cleanly(page, messages)
        assert hash_state(page)["config"]["optimizer"] == value

    # each number at each bound it has (one at a time, the rest small), and beyond: clamped; no outliers
    # while the points go down to their fewest
    set_number(page, "#outliers", 0)
    for name in ("samples", "outlier_offset", "true_w", "true_b", "noise", "beta", "steps", "seed"):
        node = props[name]
        assert page.get_attribute(f"#{name}", "min") == str(node["minimum"])
        bounds = [node["minimum"]] + ([node["maximum"]] if "maximum" in node else [])
        if "maximum" in node:
            assert float(page.get_attribute(f"#{name}", "max")) == node["maximum"]
            set_number(page, f"#{name}", node["maximum"] + 1)
            assert float(page.input_value(f"#{name}")) == node["maximum"]
        set_number(page, f"#{name}", node["minimum"] - 1)
        assert float(page.input_value(f"#{name}")) == node["minimum"]
        for value in bounds:
            set_number(page, f"#{name}", value)
            assert hash_state(page)["config"][name] == value
            restart_cleanly(page, messages)
        set_number(page, f"#{name}", BASE["config"].get(name, served["defaults"][name]))
    # outliers: from 0 to the most the points allow (samples - 2)
    for value in (0, BASE["config"]["samples"] - 2):
        set_number(page, "#outliers", value)
        restart_cleanly(page, messages)
    for name, refused, taken in (("lr", 0, 1e-4), ("delta", 0, 0.01)):  # > 0: refused, the one in force stays
        before = page.input_value(f"#{name}")
        set_number(page, f"#{name}", refused)
        assert page.input_value(f"#{name}") == before
        set_number(page, f"#{name}", taken)
        restart_cleanly(page, messages)
    set_number(page, "#lr", props["lr"]["maximum"])
    restart_cleanly(page, messages)
    assert hash_state(page)["config"]["lr"] == props["lr"]["maximum"]

    # the view: each panel's controls; none of it goes to the server. The β and δ sliders' ends are the
    # spec's: their lower bounds (δ > 0: one step up), and the error range the curves are drawn over
    curves = served["tools"]["curves"]
    ends = {name: [float(page.get_attribute(f"#curve-{name}", a)) for a in ("min", "max", "step")]
            for name in ("beta", "delta")}
    reach = curves["defaults"]["error_range"]
    assert ends == {"beta": [curves["schema"]["properties"]["beta"]["minimum"], reach, 0.05],
                    "delta": [curves["schema"]["properties"]["delta"]["exclusiveMinimum"] + 0.05, reach, 0.05]}
    for slider, value in (("#curve-beta", "3"), ("#curve-delta", "0.05"), ("#logit-1-2", "4"), ("#info-p-0", "0.9")):
        page.fill(slider, value)
        page.dispatch_event(slider, "input")
    page.select_option("#ce-label-0", "2")
    page.click("#bce-target [data-target='1']")
    page.select_option("#info-unit", "bits")
    page.wait_for_function("document.getElementById('info-entropy').textContent.endsWith('bits')")
    restart_cleanly(page, messages)
    started = [m for m in messages if m["type"] == "started"][-1]
    assert set(started["config"]) == set(props)

    before = hash_state(page)
    view = before["view"]
    assert view["curves"] == {"beta": 3, "delta": 0.05} and view["logits"][1][2] == 4 and view["labels"][0] == 2
    assert view["bceTarget"] == 1 and view["unit"] == "bits" and view["p"][0] == 0.9
    form = controls(page)
    screenshot(page, "losses-form-all-controls")
    page.reload()
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    assert hash_state(page) == before
    assert controls(page) == form
    assert page.get_attribute("#bce-target [data-target='1']", "aria-pressed") == "true"

    page.click("#ce-reset")  # back to the notes' example: the lab's defaults
    assert hash_state(page)["view"]["logits"] == served["tools"]["cross_entropy"]["defaults"]["logits"]
    page.wait_for_function("document.getElementById('ce-value').textContent === '0.6422'")


def test_an_old_or_hand_edited_hash_is_cleaned_not_fatal(page, live_server):
    served = spec(live_server, "losses")
    props = served["schema"]["properties"]
    bad = {"config": {"samples": 10**9, "noise": -1, "optimizer": "lbfgs", "losses": ["hinge", "mse", "l1"],
                      "surprise": 1, "lr": "fast"},
           "view": {"curves": {"beta": -4, "delta": "x"}, "logits": [[1, 2], [3]], "labels": [0, 5],
                    "bceTarget": 7, "p": [0.5, 0.5], "q": [1], "unit": "furlongs", "zoom": 2}}
    open_page(page, live_server, bad)
    state = hash_state(page)
    assert state["config"]["samples"] == props["samples"]["maximum"] and state["config"]["noise"] == 0
    assert state["config"]["optimizer"] == served["defaults"]["optimizer"]
    assert state["config"]["losses"] == ["mse", "l1"] and "surprise" not in state["config"]
    assert state["config"]["lr"] == served["defaults"]["lr"]
    tools = served["tools"]
    assert state["view"] == {"curves": {"beta": 0, "delta": tools["curves"]["defaults"]["delta"]},
                             "logits": tools["cross_entropy"]["defaults"]["logits"],
                             "labels": tools["cross_entropy"]["defaults"]["labels"], "bceTarget": 0,
                             "p": tools["information"]["defaults"]["p"], "q": tools["information"]["defaults"]["q"],
                             "unit": tools["information"]["defaults"]["unit"]}
    assert page.inner_text("#form-error") == ""
    # a view beyond the sliders' ends is brought within them, so each slider shows what the panel draws
    far = {"config": {}, "view": {"curves": {"beta": 50, "delta": 1e-6}, "logits": [[90, -90, 0]], "labels": [1],
                                  "p": [4, 0], "q": [0.5, 0.5]}}
    open_page(page, live_server, far)
    view = hash_state(page)["view"]
    reach = tools["curves"]["defaults"]["error_range"]
    assert view["curves"] == {"beta": reach, "delta": 0.05} and view["logits"] == [[5, -5, 0]]
    assert view["p"] == [1, 0] and float(page.input_value("#curve-beta")) == reach
    assert page.input_value("#logit-0-0") == "5"
    # the page of before {config, view}: its fit came under "fit"
    old = {"fit": {"samples": 12, "optimizer": "adam", "losses": ["huber"]}, "unit": "bits", "bceTarget": 1}
    open_page(page, live_server, old)
    config = hash_state(page)["config"]
    assert (config["samples"], config["optimizer"], config["losses"]) == (12, "adam", ["huber"])
    state = hash_state(page)
    assert state["view"]["unit"] == "bits" and state["view"]["bceTarget"] == 1
