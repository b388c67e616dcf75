"""Chart titles on a phone take as few lines as the chart's width allows, broken where a reader would.

Before: room was kept beside every title for the modebar's row of buttons (224 px of a 346 px chart), so
on a 390×844 phone nearly every title wrapped: "每轮的损失" over "(全部数据)", "Loss per" over "update",
though each fits the chart's width several times over.
"""

import pytest

from tests.browser.conftest import guarded_context, until

LABS = ["descent", "optimizers", "losses", "initialization", "landscape", "training", "backprop"]
PHONE = {"width": 390, "height": 844}
CHARTS = "[...document.querySelectorAll('.js-plotly-plot')].filter((gd) => gd.getClientRects().length)"
SETTLED = f"{CHARTS}.length > 0 && {CHARTS}.every((gd) => gd._fullLayout && !gd.dataset.fit)"
# Every shown chart's title: its drawn lines, and the width each line of its given text (the text with its
# own <br>s kept) takes in the title's font on one line, measured as an SVG text beside the title.
TITLES = "(() => " + CHARTS + """.filter((gd) => gd.querySelector('.gtitle')).map((gd) => {
  const title = gd.querySelector('.gtitle');
  const given = gd.layout.title?.text ?? gd.layout.title;
  const source = String(gd.fitArgs?.layout.title?.text ?? gd.fitArgs?.layout.title ?? given);
  const probe = title.cloneNode(false);
  title.parentNode.append(probe);
  const widths = source.split(/<br\\s*\\/?>/i).map((part) => {
    probe.textContent = part.replace(/<[^>]*>/g, '');
    return probe.getComputedTextLength();
  });
  probe.remove();
  const tspans = [...title.querySelectorAll('tspan.line')];
  const svg = gd.querySelector('.main-svg').getBoundingClientRect();
  return { id: gd.id, lines: tspans.length ? tspans.map((t) => t.textContent) : [title.textContent], widths,
           width: svg.width, pad: title.getBoundingClientRect().left - svg.left };
}))()"""
BUTTONS = 32  # a column of modebar buttons (24 px) and a gap at the chart's right edge
CLOSE = tuple(")]）】」』、。，,：:；;！？!?·")
OPEN = tuple("([（【「『")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_titles_on_a_phone_wrap_only_where_they_do_not_fit(browser, live_server, lang):
    found = []
    seen = 0
    with guarded_context(browser, PHONE) as page:
        for lab in LABS:
            page.goto(f"{live_server}/labs/{lab}?lang={lang}")
            until(page, SETTLED)
            for title in page.evaluate(TITLES):
                seen += 1
                room = title["width"] - 2 * title["pad"] - BUTTONS
                # a part that fits the room takes one line; a longer one, as many as a greedy break may need
                allowed = sum(1 if w <= room else int(w // room) + 2 for w in title["widths"])
                if len(title["lines"]) > allowed:
                    found.append((lab, title["id"], "more lines than its width needs", title["lines"], room))
                for before, after in zip(title["lines"], title["lines"][1:], strict=False):
                    a, b = before.rstrip(), after.lstrip()
                    if b.startswith(CLOSE) or a.endswith(OPEN) or (a[-1:].isdigit() and b[:1].isdigit()):
                        found.append((lab, title["id"], "broken at a bad point", title["lines"]))
    assert seen >= 20
    assert found == []
