"""The Gradient-descent page in headless Chromium: the race draws paths that grow, in both languages."""

import json
from urllib.parse import quote

from tests.browser.conftest import until
from tests.browser.test_runs_page import DRAWN_TICK, STEP
from tests.conftest import screenshot

SHORT = {"variants": ["batch", "stochastic", "minibatch"], "batch_size": 20, "epochs": 3, "lr": 0.05,
         "samples": 100, "seed": 0}


def open_lab(page, live_server, state=SHORT, lang="en"):
    page.goto(f"{live_server}/labs/descent?lang={lang}#{quote(json.dumps(state))}")
    page.wait_for_function("document.getElementById('contour').data?.length > 1")


def path_lengths(page):
    return page.evaluate(
        "document.getElementById('contour').data.filter(t => t.mode === 'lines').map(t => t.x.length)")


def test_the_race_walks_towards_least_squares_and_counts_updates(page, live_server):
    open_lab(page, live_server)
    page.wait_for_function("document.querySelectorAll('#updates-table tbody tr').length === 4")
    assert path_lengths(page) == [1, 1, 1]  # paused at tick 0: every path is its start
    contour = page.evaluate("document.getElementById('contour').data[0].type")
    assert contour == "contour"
    page.click("[data-action=toggle]")
    page.wait_for_function("document.querySelector('[data-status-line]').dataset.status === 'finished'")
    until(page, f"{DRAWN_TICK} === {STEP}")  # the last frame drawn: it comes a screen refresh after its status
    lengths = path_lengths(page)
    assert lengths[0] == 4 and lengths[2] == 16 and 100 < lengths[1] <= 301  # batch 3+1, mini 15+1, sgd thinned
    rows = page.locator("#updates-table tbody tr")
    assert rows.nth(0).locator("td").nth(3).inner_text() == "3 / 3"
    assert rows.nth(1).locator("td").nth(3).inner_text() == "300 / 300"
    assert rows.nth(2).locator("td").nth(3).inner_text() == "15 / 15"
    assert rows.nth(2).locator("td").nth(2).inner_text() == "100 / 20 → 5"
    epochs = page.evaluate("document.getElementById('loss-epoch').data.map(t => t.y.length)")
    assert epochs == [4, 4, 4]
    fit_names = page.evaluate("document.getElementById('fit').data.map(t => t.name)")
    assert any(n.startswith("Mini-batch: y = ") for n in fit_names)
    assert "loss.backward()" in page.inner_text("#code")
    screenshot(page, "descent_en")


def test_chinese_page_and_one_variant(page, live_server):
    open_lab(page, live_server, {**SHORT, "variants": ["minibatch"]}, lang="zh")
    text = page.inner_text("body")
    assert "梯度下降" in text and "小批量梯度下降" in text and "笔记中的比较" in text
    page.click("[data-action=toggle]")
    page.wait_for_function("document.querySelector('[data-status-line]').dataset.status === 'finished'")
    assert page.locator("#updates-table tbody tr").count() == 2  # the variant and the target
    screenshot(page, "descent_zh")


def test_no_variant_is_refused_on_the_page(page, live_server):
    open_lab(page, live_server)
    for v in ("batch", "stochastic", "minibatch"):
        page.uncheck(f"#variants input[value={v}]")
    page.click("[data-action=start]")
    assert page.inner_text("#form-error") == "Pick at least one variant."
