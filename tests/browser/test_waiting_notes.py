"""A chart with nothing to draw yet says what it waits for, inside its plot area, in the page's language,
and says it no more once its first line is drawn.

Before: a fresh Training page (paused at step 0) showed its loss and accuracy charts as bare axes (the
untrained model's epoch-0 point alone draws no line), and the Loss-landscape page its line chart and
its training curves, until training had gone on."""

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.browser.conftest import settled, until

I18N = Path(__file__).resolve().parents[2] / "static" / "i18n"
STRINGS = {lab: json.loads((I18N / f"{lab}.json").read_text()) for lab in ("training", "landscape")}
STATUS = "document.querySelector('[data-status-line]').dataset.status"
# 100 training points in batches of 16: some seven steps to the first epoch's point
TRAINING = {"dataset": "moons", "samples": 200, "hidden": [8, 8], "epochs": 50, "batch_size": 16, "lr": 0.01}
LANDSCAPE = {"hidden": [8, 8], "epochs": 2, "grid": 9}


def note(lab, lang, key):
    return STRINGS[lab][lang][f"{lab}.{key}"]


def notes_drawn(page, chart):
    """The texts of the chart's annotations as drawn in its SVG, each with the blanks its line breaks
    took out removed (a note is broken into lines that fit the plot)."""
    return page.evaluate(f"""[...document.querySelectorAll('#{chart} .annotation-text')]
      .map((a) => a.textContent.replace(/\\s+/g, ''))""")


def squeezed(text):
    return "".join(text.split())


def inside_plot_area(page, chart):
    """The note's box lies inside the plot area (Plotly's drag layer spans it): clear of the axes."""
    return page.evaluate(f"""(() => {{
      const a = document.querySelector('#{chart} .annotation-text').getBoundingClientRect();
      const p = document.querySelector('#{chart} .nsewdrag').getBoundingClientRect();
      return a.width > 0 && a.left >= p.left && a.right <= p.right && a.top >= p.top && a.bottom <= p.bottom;
    }})()""")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_training_curves_wait_for_play_then_the_first_epoch(page, live_server, lang):
    page.goto(f"{live_server}/labs/training?lang={lang}#{quote(json.dumps(TRAINING))}")
    until(page, f"{STATUS} === 'paused' && document.getElementById('loss-chart').data?.length > 0")
    paused = note("training", lang, "wait_epoch_play")
    for chart in ("loss-chart", "acc-chart"):
        until(page, f"{json.dumps(squeezed(paused))} === "
              f"document.querySelector('#{chart} .annotation-text')?.textContent.replace(/\\s+/g, '')")
        assert notes_drawn(page, chart) == [squeezed(paused)]
        assert inside_plot_area(page, chart)
    assert page.evaluate("document.getElementById('loss-chart').data[0].x.length") == 1  # epoch 0 alone
    # one step a second: the first epoch takes seven, time to see the note say that it is coming
    page.eval_on_selector("[data-action=speed]", "(el) => { el.value = 0; el.dispatchEvent(new Event('input')); }")
    page.click("[data-action=toggle]")
    running = note("training", lang, "wait_epoch")
    until(page, f"{STATUS} === 'running'")
    settled(page, lambda: _says_only(page, running))
    until(page, "document.getElementById('loss-chart').data[0].x.length >= 2")
    settled(page, lambda: _says_nothing(page))
    assert page.evaluate("document.getElementById('loss-chart').data[0].x[1]") == 1  # the first epoch's point


def _says_only(page, text):
    for chart in ("loss-chart", "acc-chart"):
        assert notes_drawn(page, chart) == [squeezed(text)], chart


def _says_nothing(page):
    for chart in ("loss-chart", "acc-chart"):
        assert notes_drawn(page, chart) == [], chart


def test_training_curves_of_a_run_that_diverged_before_its_first_epoch_say_so(page, live_server):
    diverging = {"dataset": "curve", "samples": 200, "hidden": [8], "epochs": 5, "batch_size": 4,
                 "optimizer": "sgd", "lr": 1e6}
    page.goto(f"{live_server}/labs/training#{quote(json.dumps(diverging))}")
    until(page, f"{STATUS} === 'paused' && document.getElementById('loss-chart').data?.length > 0")
    page.click("[data-action=toggle]")
    until(page, f"['finished', 'diverged'].includes({STATUS})")
    ended = note("training", "en", "wait_epoch_ended")
    settled(page, lambda: _notes_are(page, "loss-chart", [squeezed(ended)]))
    assert page.evaluate("document.getElementById('loss-chart').data[0].x.length") == 1  # no epoch measured


def _notes_are(page, chart, texts):
    assert notes_drawn(page, chart) == texts


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_landscape_line_and_curves_wait_for_training(page, live_server, lang):
    state = {"config": LANDSCAPE, "view": {"preset": ""}}
    page.goto(f"{live_server}/labs/landscape?lang={lang}#{quote(json.dumps(state))}")
    until(page, f"{STATUS} === 'paused'")
    line, curves = note("landscape", lang, "wait_line"), note("landscape", lang, "wait_epoch")
    until(page, f"{json.dumps(squeezed(line))} === "
          "document.querySelector('#line-chart .annotation-text')?.textContent.replace(/\\s+/g, '')")
    until(page, f"{json.dumps(squeezed(curves))} === "
          "document.querySelector('#curve-chart .annotation-text')?.textContent.replace(/\\s+/g, '')")
    assert notes_drawn(page, "line-chart") == [squeezed(line)]
    assert notes_drawn(page, "curve-chart") == [squeezed(curves)]
    assert inside_plot_area(page, "line-chart") and inside_plot_area(page, "curve-chart")
    # no marks of α = 0 and α = 1 across an empty plot
    assert page.evaluate("document.getElementById('line-chart').layout.shapes.length") == 0
    page.click("[data-action=toggle]")
    until(page, "document.getElementById('curve-chart').data[0].x.length >= 2")
    settled(page, lambda: _notes_are(page, "curve-chart", []))
    until(page, "document.getElementById('line-chart').data.length > 0")
    settled(page, lambda: _lacks(page, "line-chart", line))
    assert page.evaluate("document.getElementById('line-chart').layout.shapes.length") == 2


def _lacks(page, chart, text):
    drawn = notes_drawn(page, chart)
    assert squeezed(text) not in drawn, drawn


COMMON = json.loads((I18N / "common.json").read_text())
# the chart of each lab that a fresh run, paused at step 0, has nothing to draw in
STEP_CHARTS = {"initialization": "loss-chart", "losses": "fit-history", "backprop": "train-loss",
               "descent": "loss-update", "training": "grad-chart"}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("lab", sorted(STEP_CHARTS))
def test_a_curve_drawn_step_by_step_says_so_until_its_first_line(page, live_server, lab, lang):
    chart = STEP_CHARTS[lab]
    page.goto(f"{live_server}/labs/{lab}?lang={lang}")
    until(page, f"{STATUS} === 'paused' && document.getElementById('{chart}').data !== undefined")
    text = squeezed(COMMON[lang]["common.wait_first_step"])
    until(page, f"{json.dumps([text])}.join() === [...document.querySelectorAll('#{chart} .annotation-text')]"
                ".map((a) => a.textContent.replace(/\\s+/g, '')).join()")
    assert inside_plot_area(page, chart)
    page.click("[data-action=toggle]")  # Play: the curve begins
    until(page, f"document.querySelectorAll('#{chart} .scatterlayer .trace path.js-line, "
                f"#{chart} .scatterlayer .trace .points path').length > 0")
    until(page, f"document.querySelectorAll('#{chart} .annotation-text').length === 0")
