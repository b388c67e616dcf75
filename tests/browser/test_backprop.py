"""The Back-propagation page in a real browser: the walk-through visits every weight with the API's values."""

import pytest

from tests.conftest import screenshot


def _open(page, live_server, lang="en"):
    page.goto(f"{live_server}/labs/backprop?lang={lang}")
    page.wait_for_selector("body[data-ready=true]")


def _fixed(v: float, digits: int) -> str:
    return f"{v:.{digits}f}"


def test_walkthrough_steps_through_all_weights_with_the_apis_values(page, live_server):
    _open(page, live_server)
    api = page.request.post(f"{live_server}/api/backprop/example", data={}).json()
    # forward values drawn on the graph
    for node in ("h1", "h2", "o1", "o2"):
        assert page.text_content(f"[data-node={node}] .value") == _fixed(api["forward"][node], 4)
    assert page.text_content("[data-node=h1] .value") == "0.5933"
    assert page.text_content("[data-node=o2] .value") == "0.7729"

    seen = []
    for step in api["walkthrough"]:
        for k, factor in enumerate(step["factors"]):
            assert page.get_attribute("#walk", "data-param") == step["param"]
            assert page.get_attribute("#walk", "data-factor") == str(k)
            hot = page.locator("#walk-factors tr.walk-factor.hot td").last.text_content()
            assert hot == _fixed(factor["value"], 6)
            assert page.locator("#graph .edge.hot").count() >= 1
            if k == len(step["factors"]) - 1:
                assert page.text_content("#walk-gradient") == _fixed(step["gradient"], 9)
                assert page.text_content("#walk-autograd") == _fixed(api["autograd"]["gradients"][step["param"]], 9)
                assert _fixed(step["update"]["new"], 6) in page.text_content("#walk-update")
            else:
                assert page.text_content("#walk-gradient") == ""
            page.click("#walk-next")
        seen.append(step["param"])
    assert {f"w{i}" for i in range(1, 9)} <= set(seen)
    assert page.get_attribute("#walk", "data-param") == "w5"  # wrapped round to the start
    assert page.text_content("#gradients-table").count("0.082167041") == 2  # hand and autograd


def test_editing_a_weight_updates_everything(page, live_server):
    _open(page, live_server)
    page.fill("[data-value=w5]", "1.0")
    page.dispatch_event("[data-value=w5]", "change")
    page.wait_for_function("document.querySelector('[data-param=w5] text').textContent.endsWith('1.000')")
    api = page.request.post(f"{live_server}/api/backprop/example", data={"weights": {"w5": 1.0}}).json()
    assert page.text_content("[data-node=o1] .value") == _fixed(api["forward"]["o1"], 4)
    page.select_option("#activation", "tanh")
    page.wait_for_function("document.querySelector('#forward-table').textContent.includes('tanh(net_h1)')")
    tanh = page.request.post(f"{live_server}/api/backprop/example",
                             data={"weights": {"w5": 1.0}, "activation": "tanh"}).json()
    page.select_option("#walk-param", "0")
    page.click("#walk-next")
    page.click("#walk-next")  # the third and last factor of ∂E/∂w5
    assert page.text_content("#walk-gradient") == _fixed(tanh["walkthrough"][0]["gradient"], 9)
    assert page.text_content("[data-node=o1] .value") == _fixed(tanh["forward"]["o1"], 4)


def test_keep_training_streams_the_loss_down(page, live_server):
    _open(page, live_server)
    page.fill("#steps", "400")
    page.dispatch_event("#steps", "change")
    page.click("[data-action=start]")
    page.wait_for_selector("[data-status-line][data-status=finished]", timeout=60_000)
    losses = page.evaluate("document.getElementById('train-loss').data[0].y")
    assert losses[0] == pytest.approx(0.298371109, abs=1e-6) and losses[-1] < losses[0]
    screenshot(page, "backprop_en")


def test_chinese_page(page, live_server):
    _open(page, live_server, "zh")
    assert page.text_content(".labs-nav a[aria-current=page]") == "反向传播"
    assert "反向传播:逐步计算" in page.text_content("#walk h2")
    screenshot(page, "backprop_zh")
