"""A phone (390×844): no page scrolls sideways, and each lab's main chart comes before its forms.

Before the narrow layout the labs were up to 761 px wide (tables, code and histogram grids pushed a
one-column grid wider than the screen) and the main chart sat under the whole form (1,345-2,248 px down).
"""

import pytest

from tests.browser.conftest import guarded_context, until
from tests.conftest import screenshot

PHONE = {"width": 390, "height": 844}
MAIN_CHART = {  # each lab's main view: what a student must see without scrolling past the form
    "initialization": "#loss-chart",
    "optimizers": "#contour",
    "losses": "#curve-loss",
    "backprop": "#graph",
    "descent": "#contour",
    "training": "#view-0",
    "landscape": "#contours .js-plotly-plot",
}
DRAWN = "(el => !!el && (el.tagName === 'svg' ? el.childElementCount > 0 : el.classList.contains('js-plotly-plot')))"
# The widest element sticking out of the screen, for the failure message (the nav's own scroller aside).
CULPRIT = """(() => { let worst = null;
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.labs-nav')) continue;
    const r = el.getBoundingClientRect();
    if (r.right > innerWidth + 1 && (!worst || r.right > worst[1])) {
      worst = [el.tagName + '#' + el.id + '.' + el.className, r.right];
    }
  }
  return worst; })()"""


def _width(page):
    return page.evaluate("document.scrollingElement.scrollWidth")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_lab_is_wider_than_a_phone_and_its_main_chart_comes_first(browser, live_server, lang):
    with guarded_context(browser, PHONE) as page:
        for lab, selector in MAIN_CHART.items():
            page.goto(f"{live_server}/labs/{lab}?lang={lang}")
            until(page, f"{DRAWN}(document.querySelector({selector!r}))")
            page.wait_for_timeout(300)  # a first frame may still be laying out tables
            assert _width(page) <= 390, (lab, _width(page), page.evaluate(CULPRIT))
            top = page.evaluate(f"document.querySelector({selector!r}).getBoundingClientRect().top + scrollY")
            assert top <= 1.5 * PHONE["height"], (lab, top)
            form = page.evaluate("document.querySelector('#lab-controls > *').getBoundingClientRect().top + scrollY")
            assert top < form, (lab, top, form)  # the chart first, the settings after the views
            screenshot(page, f"phone_{lab}_{lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_index_join_and_class_pages_fit_a_phone(browser, live_server, lang):
    with guarded_context(browser, PHONE) as page:
        for path in ("/join", "/"):
            page.goto(f"{live_server}{path}?lang={lang}")
            assert _width(page) <= 390, (path, page.evaluate(CULPRIT))
        page.click("[data-action=teach]")
        page.wait_for_url("**/class/*")
        until(page, "document.getElementById('join-qr').naturalWidth > 0")
        assert _width(page) <= 390, page.evaluate(CULPRIT)
        screenshot(page, f"phone_class_{lang}")


def test_histogram_column_titles_do_not_overlap_on_a_phone(browser, live_server):
    with guarded_context(browser, PHONE) as page:
        page.goto(f"{live_server}/labs/initialization?lang=en")
        until(page, "document.querySelectorAll('#histograms .annotation-text').length >= 3")
        boxes = page.evaluate("""[...document.querySelectorAll('#histograms .annotation')]
            .filter((a) => a.querySelector('text b, text')?.textContent && a.getBoundingClientRect().top
                           < document.querySelector('#histograms').getBoundingClientRect().top + 120)
            .map((a) => { const r = a.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; })""")
        assert len(boxes) >= 3
        boxes.sort()
        for (_, r1, t1, b1), (l2, _, t2, b2) in zip(boxes, boxes[1:], strict=False):
            overlap_y = min(b1, b2) > max(t1, t2)
            assert not (overlap_y and r1 > l2 + 1), (boxes,)  # "xavier_normal" ran into "kaiming_normal(fan_in,"
