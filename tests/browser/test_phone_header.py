"""A phone (390 px): the header stays a header, and the language switch is not clipped."""

import pytest


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_header_is_two_rows_at_most_on_a_phone(page, live_server, lang):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/labs/initialization?lang={lang}")
    height = page.evaluate("document.querySelector('.topbar').getBoundingClientRect().height")
    assert height < 110  # it grew to 280 px with every lab name stacked a character per line
    switch = page.evaluate(
        "[...document.querySelectorAll('.lang-switch a')].map((a) => a.getBoundingClientRect().height)")
    assert max(switch) < 40  # "简体中文" on one line
    assert page.evaluate("document.querySelector('.topbar').scrollWidth") <= 390
