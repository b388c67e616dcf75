"""The Initialisation page in headless Chromium: what is drawn, how it changes, in both languages."""

import json
from urllib.parse import quote

from tests.conftest import screenshot

SMALL = {"activation": "tanh", "depth": 4, "width": 32, "batch_size": 64, "lr": 0.1, "steps": 100000, "seed": 0,
         "methods": [{"method": "xavier_normal"}, {"method": "kaiming_normal", "nonlinearity": "relu"},
                     {"method": "zeros"}], "quantity": "weight"}


def open_lab(page, live_server, state=SMALL, lang="en"):
    page.goto(f"{live_server}/labs/initialization?lang={lang}#{quote(json.dumps(state))}")
    page.wait_for_function("document.getElementById('histograms').data?.length > 0")


def histogram_heights(page):
    return page.evaluate("document.getElementById('histograms').data.map(t => Array.from(t.y))")


def drawn_step(page):
    title = page.evaluate("document.getElementById('loss-chart').layout.title.text")
    return int(title.rsplit(" ", 1)[1])


def test_a_comparison_draws_histograms_that_change_as_it_trains(page, live_server):
    open_lab(page, live_server)
    assert drawn_step(page) == 0
    before = histogram_heights(page)
    # 4 layers x 3 methods; the zeros column is drawn as spikes (two-point lines), the others as bars
    assert len(before) == 12
    traces = page.evaluate("document.getElementById('histograms').data.map(t => t.type)")
    assert traces.count("bar") == 8 and traces.count("scatter") == 4
    assert "spike at 0" in page.inner_text("#histograms")
    page.click("[data-action=start]")
    page.wait_for_function("document.querySelector('[data-status-line]').dataset.status === 'running'")
    page.wait_for_function("Number(document.getElementById('loss-chart').layout.title.text.split(' ').pop()) >= 20")
    page.click("#quantity-tabs [data-quantity=gradient]")
    page.click("#quantity-tabs [data-quantity=weight]")
    after = histogram_heights(page)
    assert after != before
    losses = page.evaluate("document.getElementById('loss-chart').data.map(t => t.y.length)")
    assert len(losses) == 3 and min(losses) >= 20
    rows = page.locator("#symmetry-table tbody tr")
    assert rows.count() == 4
    assert rows.nth(1).locator("td").nth(3).inner_text() == "1 / 32"  # zeros: one distinct neuron
    assert rows.nth(1).locator("td").nth(1).inner_text() == "32 / 32"
    assert "nn.init.xavier_normal_(layer.weight, generator=g)" in page.inner_text("#code")
    screenshot(page, "initialization-running")


def test_pause_and_single_step(page, live_server):
    open_lab(page, live_server)
    page.click("[data-action=start]")
    page.wait_for_function("Number(document.getElementById('loss-chart').layout.title.text.split(' ').pop()) >= 3")
    page.click("[data-action=toggle]")
    page.wait_for_function("document.querySelector('[data-status-line]').dataset.status === 'paused'")
    k = int(page.get_attribute("[data-status-line]", "data-step"))
    # Drawing trails the messages by a screen refresh or so: the chart catches up with the paused
    # step, and then stays there.
    page.wait_for_function(f"document.getElementById('loss-chart').layout.title.text.endsWith(' {k}')")
    page.wait_for_timeout(300)
    assert drawn_step(page) == k
    assert int(page.get_attribute("[data-status-line]", "data-step")) == k
    page.click("[data-action=step]")
    page.wait_for_function(f"document.getElementById('loss-chart').layout.title.text.endsWith(' {k + 1}')")
    assert page.is_enabled("[data-action=step]")


def test_theory_table_shows_kaiming_formula(page, live_server):
    open_lab(page, live_server)
    second_layer = page.locator("#theory-table tbody tr").nth(1).locator("td")
    assert second_layer.nth(3).inner_text() == "0.25"  # Kaiming, relu: sqrt(2 / 32)
    assert second_layer.nth(1).inner_text() == "0.1768"  # Xavier: sqrt(2 / 64)


def test_the_language_switch_translates_and_is_remembered(page, live_server):
    open_lab(page, live_server)
    assert "Methods compared" in page.inner_text("aside")
    page.click(".lang-switch a[data-lang=zh]")
    page.wait_for_function("document.documentElement.lang === 'zh'")
    page.wait_for_function("document.getElementById('histograms').data?.length > 0")
    text = page.inner_text("body")
    assert "对比的方法" in text and "参数初始化" in text and "Methods compared" not in text
    assert "尖峰" in page.inner_text("#histograms")
    screenshot(page, "initialization-zh")
    page.goto(f"{live_server}/")
    assert page.evaluate("document.documentElement.lang") == "zh"
    assert "实时观察神经网络如何学习" in page.inner_text("h1")


def test_api_docs_render_offline(page, live_server):
    page.goto(f"{live_server}/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/init/inspect" in p for p in paths)
    assert "GradLab" in page.inner_text("body")


def test_view_settings_stay_on_the_page(page, live_server):
    """Unticking "same height scale" and restarting used to send sharedY inside the config (refused)."""
    open_lab(page, live_server)
    page.uncheck("#shared-y")
    page.click("[data-action=start]")
    page.wait_for_function("Number(document.getElementById('loss-chart').layout.title.text.split(' ').pop()) >= 2")
    assert page.inner_text("#form-error") == ""
    assert page.get_attribute("[data-status-line]", "data-status") in ("running", "finished")
    assert "nn.init.xavier_normal_" in page.inner_text("#code")
