"""The Loss-functions page in a real browser: sliders recompute, the live fit draws moving lines."""

import re

import pytest

from tests.conftest import screenshot


def _open(page, live_server, lang="en"):
    page.goto(f"{live_server}/labs/losses?lang={lang}")
    page.wait_for_selector("body[data-ready=true]")


def test_logit_slider_changes_probabilities_and_loss(page, live_server):
    _open(page, live_server)
    assert page.text_content("#ce-value") == "0.6422"  # the notes' example
    first = page.locator("#ce-tables table").first
    assert "-0.6041" in first.text_content()
    before_probs = first.locator("tr", has_text="softmax").first.text_content()
    slider = page.locator("#logit-1-2")  # sample 2, class 2 (its label)
    slider.fill("4")
    page.wait_for_function("document.getElementById('ce-value').textContent !== '0.6422'")
    after = float(page.text_content("#ce-value"))
    assert after < 0.6422  # a larger logit on the true class lowers the loss
    assert page.text_content("#ce-nll-value") == page.text_content("#ce-value")
    page.locator("#logit-0-1").fill("-3")  # sample 1's true class falls
    page.wait_for_function(f"parseFloat(document.getElementById('ce-value').textContent) > {after}")
    assert first.locator("tr", has_text="softmax").first.text_content() != before_probs


def test_notes_numbers_and_formulas_render(page, live_server):
    _open(page, live_server)
    examples = page.text_content("#examples-table")
    assert "0.5000" in examples and "0.2500" in examples
    bce = page.text_content("#bce-table")
    for value in ("-0.3567", "-0.2231", "-0.1054", "-1.2040"):
        assert value in bce
    assert page.locator("#section-regression math").count() >= 4  # formulas drawn as MathML
    assert page.locator("#curve-loss .main-svg").count() > 0
    identity = page.text_content("#info-identity")
    total, entropy, kl = map(float, re.findall(r"-?\d+\.\d+", identity)[:3])
    assert total == pytest.approx(entropy + kl, abs=2e-4)


def test_live_outlier_fit_draws_lines_that_move(page, live_server):
    _open(page, live_server)
    page.fill("#steps", "300")
    page.dispatch_event("#steps", "change")
    page.click("[data-action=start]")

    def mse_line():
        data = page.evaluate("document.getElementById('fit-chart').data.map(t => [t.name, t.y])")
        return next(y for name, y in data if name.startswith("MSE"))

    page.wait_for_function("document.getElementById('fit-chart').data?.length >= 6")
    first = mse_line()
    page.wait_for_selector("[data-status-line][data-status=finished]", timeout=60_000)
    last = mse_line()
    assert first != last
    assert "w" in page.text_content("#fit-table")
    screenshot(page, "losses_en")


def test_chinese_page(page, live_server):
    _open(page, live_server, "zh")
    assert page.text_content(".labs-nav a[aria-current=page]") == "损失函数"
    assert "回归损失" in page.text_content("#section-regression h2")
    assert page.text_content("#ce-value") == "0.6422"
    screenshot(page, "losses_zh")
