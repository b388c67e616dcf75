"""A phone (390×844) after a run has drawn: no lab is wider than the screen, and every box that scrolls
sideways (a wide table, the back-prop network graph, a formula, the code) shades the edge where more
lies, and only then.

Before: the boxes scrolled with no sign of it (a table's last columns simply stopped at the panel's
edge), and the Gradient-descent lab's comparison table was 438 px wide in its 372 px panel.
"""

import pytest

from tests.browser.conftest import guarded_context, until

PHONE = {"width": 390, "height": 844}
LABS = ["initialization", "optimizers", "descent", "backprop", "losses", "training", "landscape"]
STATUS = "document.querySelector('[data-status-line]').dataset.status"
STEP = "Number(document.querySelector('[data-status-line]').dataset.step)"
SETTLED = ("[...document.querySelectorAll('.js-plotly-plot')].filter((gd) => gd.getClientRects().length)"
           ".every((gd) => gd._fullLayout && !gd.dataset.fit)")
# Every shown box of the page that scrolls sideways, outside the header's lab list and Plotly's insides:
# [name, px hidden, its mark, its box-shadow].
BOXES = """[...document.querySelectorAll('main *')].filter((el) => !el.closest('.labs-nav, .js-plotly-plot, svg')
    && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.getClientRects().length)
  .map((el, i) => { el.dataset.box = i; return [i, el.tagName + '#' + el.id + '.' + el.className,
    el.scrollWidth - el.clientWidth - el.scrollLeft, el.dataset.scrollX ?? null, getComputedStyle(el).boxShadow]; })"""
# true once every box with more than 3 px out of sight is marked and every other one is not
MARKED = f"{BOXES}.every(([, , hidden, mark]) => (hidden > 3) === (mark === 'right' || mark === 'both'))"


def run_a_few_steps(page) -> None:
    until(page, f"{STATUS} === 'paused'")
    for k in range(1, 4):
        page.click("[data-action=step]")
        until(page, f"{STEP} >= {k} && {STATUS} === 'paused'")
    until(page, SETTLED)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_lab_fits_a_phone_and_its_sideways_boxes_show_where_more_lies(browser, live_server, lang):
    scrolled = 0
    with guarded_context(browser, PHONE) as page:
        page.set_default_timeout(60000)
        for lab in LABS:
            page.goto(f"{live_server}/labs/{lab}?lang={lang}")
            run_a_few_steps(page)
            assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], lab
            until(page, MARKED, timeout=15)
            for i, name, hidden, mark, shadow in page.evaluate(BOXES):
                assert (shadow != "none") == (mark is not None), (lab, name, hidden, mark, shadow)
                if hidden <= 3:
                    continue
                # scrolled to its end, the mark moves to the left edge, where the rest now lies
                page.evaluate(f"(() => {{ const el = document.querySelector('[data-box=\"{i}\"]');"
                              " el.scrollLeft = el.scrollWidth; })()")
                until(page, f"document.querySelector('[data-box=\"{i}\"]').dataset.scrollX === 'left'", timeout=15)
                scrolled += 1
    assert scrolled >= 5  # the code panels at least: their lines are longer than a phone


def test_the_descent_comparison_fits_a_phone_without_scrolling(browser, live_server):
    with guarded_context(browser, PHONE) as page:
        page.goto(f"{live_server}/labs/descent?lang=en")
        until(page, "document.querySelectorAll('#tradeoffs tr').length === 3")
        panel = page.evaluate("""(() => { const p = document.querySelector('table.tradeoffs').closest('.panel');
            const table = document.querySelector('table.tradeoffs');
            return [p.scrollWidth, p.clientWidth, table.getBoundingClientRect().right,
                    p.getBoundingClientRect().right]; })()""")
        assert panel[0] <= panel[1] and panel[2] <= panel[3], panel
        # each cell still says which column it answers
        labels = page.evaluate(
            "getComputedStyle(document.querySelector('#tradeoffs td:nth-child(3)'), '::before').content")
        assert "Convergence" in labels
