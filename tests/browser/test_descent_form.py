"""The Gradient-descent page's form, control by control: each variant and each bound restarts cleanly,
and a reload brings the same config back (issue 8)."""

import json
from urllib.parse import quote

from tests.browser.conftest import until
from tests.browser.test_initialization_form import hash_state, restart_cleanly, set_number, spec

BASE = {"config": {"variants": ["batch", "minibatch"], "batch_size": 20, "epochs": 2, "lr": 0.01, "samples": 100,
                   "seed": 0}, "view": {}}


def open_page(page, live_server, state=BASE):
    messages = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: messages.append(json.loads(payload))))
    page.goto(f"{live_server}/labs/descent?lang=en#{quote(json.dumps(state))}")
    page.wait_for_function("document.querySelectorAll('#updates-table tbody tr').length >= 2")
    return messages


def test_every_control_restarts_cleanly_and_survives_a_reload(page, live_server):
    props = spec(live_server, "descent")["schema"]["properties"]
    messages = open_page(page, live_server)
    boxes = page.eval_on_selector_all("#variants input", "els => els.map(e => e.value)")
    assert boxes == props["variants"]["items"]["enum"]
    # the trade-offs table has a row per variant of the spec too (it was a list typed into the template)
    assert page.eval_on_selector_all("#tradeoffs tr", "els => els.map(e => e.dataset.variant)") == boxes
    for v in boxes:  # each checkbox, both ways
        box = f"#variants input[value={v}]"
        page.set_checked(box, not page.is_checked(box))
        if page.locator("#variants input:checked").count():
            restart_cleanly(page, messages)
        page.set_checked(box, not page.is_checked(box))
    assert hash_state(page)["config"]["variants"] == BASE["config"]["variants"]
    for name in ("batch_size", "epochs", "samples", "seed"):
        low, high = props[name]["minimum"], props[name]["maximum"]
        assert page.get_attribute(f"#{name}", "max") == str(high)
        if name == "batch_size":  # a batch is at most the samples (the lab says so, naming the field)
            set_number(page, "#samples", high)
        else:
            set_number(page, "#batch_size", 1)
        for value, expected in ((low, low), (high, high), (high + 1, high), (low - 1, low)):
            set_number(page, f"#{name}", value)
            assert hash_state(page)["config"][name] == expected
            if value in (low, high):
                restart_cleanly(page, messages)
        set_number(page, f"#{name}", BASE["config"][name])
        set_number(page, "#samples", BASE["config"]["samples"])
        set_number(page, "#batch_size", BASE["config"]["batch_size"])
    # lr > 0: 0 is refused and the lr in force stays; just above 0 and the maximum both run
    assert props["lr"]["exclusiveMinimum"] == 0
    set_number(page, "#lr", 0)
    assert page.input_value("#lr") == str(BASE["config"]["lr"]) and hash_state(page)["config"]["lr"] == 0.01
    for value in (1e-4, props["lr"]["maximum"]):
        set_number(page, "#lr", value)
        restart_cleanly(page, messages)
        assert hash_state(page)["config"]["lr"] == value
    # the code panel shows the run on screen, from the same config
    page.wait_for_function("document.getElementById('code').textContent.includes('lr=10')")
    code = page.text_content("#code")
    assert "range(1, 3)" in code and "# batch gradient descent: batch size 100" in code
    # lr at its maximum diverges: the paths run off towards 1e300, and the view follows them only so far
    # (a view that followed them squeezed the contour under a pixel: Plotly threw "createImageData: source
    # width is zero", the JavaScript error the guard of every browser test fails on)
    until(page, "['diverged', 'finished'].includes(document.querySelector('[data-status-line]').dataset.status)")
    contour = page.evaluate("(() => { const c = document.getElementById('contour'); return [c.layout.xaxis.range, "
                            "c.data[0].x[0], c.data[0].x.at(-1), c.data[1].x.map(Math.abs).reduce((a, b) => "
                            "Math.max(a, isFinite(b) ? b : 0), 0)]; })()")
    (lo, hi), a, b, farthest = contour
    assert farthest > 100 * (b - a)  # the path did leave the box far behind
    widen = page.evaluate("import('/static/js/labs/descent_charts.js').then((m) => m.MAX_WIDEN)")
    assert widen >= 1 and hi - lo <= 1.1 * (2 * widen + 1) * (b - a)
    before = hash_state(page)
    form = page.eval_on_selector_all("aside input", "els => els.map(e => [e.id || e.value, e.value, e.checked])")
    page.reload()
    page.wait_for_function("document.querySelectorAll('#updates-table tbody tr').length >= 2")
    assert hash_state(page) == before
    assert page.eval_on_selector_all("aside input", "els => els.map(e => [e.id || e.value, e.value, e.checked])") \
        == form
