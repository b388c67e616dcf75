"""The top bar on a projector (1280×720): the seven labs on one line, in English and Chinese.

Before: at 1280 px "Loss landscape" wrapped to a second line, and the bar took 75 px of a 720 px screen.
"""

import pytest

from tests.browser.conftest import guarded_context, until


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_labs_fit_on_one_line_of_the_top_bar_at_1280(browser, live_server, lang):
    with guarded_context(browser, {"width": 1280, "height": 720}) as page:
        page.goto(f"{live_server}/labs/landscape?lang={lang}")
        until(page, "document.querySelectorAll('.labs-nav a').length === 7")
        tops = page.evaluate("[...document.querySelectorAll('.labs-nav a')].map((a) => a.getBoundingClientRect().top)")
        assert max(tops) - min(tops) < 2, tops
        assert page.evaluate("document.querySelector('.topbar').getBoundingClientRect().height") <= 50
