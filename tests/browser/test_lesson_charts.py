"""Readable charts (issue 14, item 6): what a class sees on the projector is whole, labelled and legible."""

import re

from tests.browser.conftest import until
from tests.browser.test_runs_page import wait_status


def test_no_id_is_used_twice_and_the_outliers_link_scrolls_to_its_section(page, live_server):
    page.set_default_timeout(60000)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/labs/losses?lang=en")
    until(page, "document.body.dataset.ready === 'true'")
    twice = page.evaluate("(() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);"
                          " return ids.filter((id, i) => ids.indexOf(id) !== i); })()")
    assert twice == []
    page.click(".section-nav a[data-section$=outliers]")
    # the section's heading is the first thing under the sticky top bar
    until(page, "(() => { const bar = document.querySelector('header').getBoundingClientRect().bottom;"
                " const h = document.querySelector('section[id$=outliers] h2').getBoundingClientRect();"
                " return h.top >= bar && h.top < bar + 90; })()")


def test_the_ewa_hint_writes_its_formulas_as_math(page, live_server):
    page.set_default_timeout(60000)
    page.goto(f"{live_server}/labs/optimizers?lang=zh")
    wait_status(page, "paused")
    hint = page.locator("[data-tex-text]")
    assert hint.locator("math").count() == 4
    text = hint.inner_text()
    assert "S_{" not in text and "β^t" not in text and "$" not in text
    assert hint.locator("math msub").count() >= 2 and hint.locator("math msup").count() == 1


def test_the_deep_sigmoid_gradients_are_coloured_by_depth_with_uniform_log_ticks(page, live_server):
    page.set_default_timeout(60000)
    page.goto(f"{live_server}/labs/training?lang=en")
    wait_status(page, "paused")
    page.click("#presets button[data-preset=sigmoid_deep]")
    page.click("[data-action=speed-max]")
    until(page, "Number(document.querySelector('[data-status-line]').dataset.step) > 20"
                " && document.getElementById('grad-chart').data?.length > 0")
    chart = "document.getElementById('grad-chart')"
    until(page, f"{chart}.data.filter(d => d.showlegend === false && d.mode === 'lines').length >= 10")
    legend = page.evaluate(f"{chart}.data.filter(d => d.showlegend !== false).map(d => d.name)")
    assert 1 <= len(legend) <= 2  # the run (and a comparison), not one entry per layer: was 22
    assert page.evaluate(f"{chart}.data.some(d => d.marker?.showscale === true)")  # one colour bar for depth
    ticks = page.evaluate(f"{chart}._fullLayout.yaxis.ticktext")
    plain = [bool(re.fullmatch(r"[0-9.]+", text)) for text in ticks]
    assert all(plain) or all(re.fullmatch(r"(\d×)?10<sup>−?\d+</sup>", text) for text in ticks), ticks


def test_the_theory_table_shows_every_methods_columns(page, live_server):
    page.set_default_timeout(60000)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/labs/initialization?lang=en")
    wait_status(page, "paused")
    until(page, "document.querySelectorAll('#theory-table th').length > 0")
    methods = page.evaluate("document.querySelectorAll('#methods .method-card').length")
    assert page.evaluate("document.querySelectorAll('#theory-table thead th').length") == 1 + 2 * methods
    assert methods >= 3
    assert page.evaluate("(() => { const e = document.getElementById('theory-table');"
                         " return e.scrollWidth <= e.clientWidth; })()")
