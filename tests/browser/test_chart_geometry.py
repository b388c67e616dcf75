"""Charts whose parts do not lie on each other (issue 14, item 6), measured on what is drawn, on every lab,
at a projector's 1280×720 and a phone's 390×844, in English and Chinese, with a run started.

Before (main at 5cc77ae): the modebar (the chart's toolbar, shown on hover) covered the centred title
of nearly every chart ("Training loss (cross-entropy) · Step 59", "3D surface"), the horizontal legend,
placed a fraction of the plot's height below it, ran over the x-axis title on every chart that has one
("Step", "Epoch", "Layer"), and a Fashion-MNIST confusion matrix's class names were cut at the figure's
left and bottom edges.
"""

import gzip
import json
import struct
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest

from tests.browser.changed_server import changed_server
from tests.browser.conftest import guarded_context, until
from tests.conftest import screenshot

LABS = ["initialization", "optimizers", "descent", "losses", "backprop", "training", "landscape"]
SIZES = {"projector": {"width": 1280, "height": 720}, "phone": {"width": 390, "height": 844}}
FASHION = {"dataset": "fashion", "samples": 40, "hidden": [8], "epochs": 5, "batch_size": 20}
STATUS = "document.querySelector('[data-status-line]').dataset.status"
STEP = "Number(document.querySelector('[data-status-line]').dataset.step)"
CHARTS = "[...document.querySelectorAll('.js-plotly-plot')].filter((gd) => gd.getClientRects().length)"
# every shown chart drawn as it stays (chart_fit.js marks one being fitted to its box)
SETTLED = f"{CHARTS}.every((gd) => gd._fullLayout && !gd.dataset.fit)"
# What lies on what, in every shown chart: [chart, what, text].
OVERLAPS = "(() => { const charts = " + CHARTS + """;
  const box = (el) => el.getBoundingClientRect();
  const meet = (a, b) => a.width > 0 && b.width > 0 && a.left < b.right - 1 && b.left < a.right - 1
    && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const found = [];
  for (const gd of charts) {
    const name = gd.id || gd.closest('[id]').id;
    const title = gd.querySelector('.gtitle');
    const modebar = gd.querySelector('.modebar');  // drawn, if transparent until hovered
    const lines = title ? [...title.querySelectorAll('tspan.line')] : [];  // a title's lines, or its one line
    for (const line of lines.length ? lines : title ? [title] : []) {
      if (modebar && meet(box(line), box(modebar))) found.push([name, 'modebar over title', line.textContent]);
    }
    const legend = gd.querySelector('.legend');
    for (const axisTitle of gd.querySelectorAll('[class^=x][class$=title]')) {
      if (legend && /^x\\d*title$/.test(axisTitle.getAttribute('class')) && meet(box(legend), box(axisTitle))) {
        found.push([name, 'legend over x-axis title', axisTitle.textContent]);
      }
    }
    // an axis title clear of its own tick labels (the first subplot's axes)
    for (const [title, ticks] of [['.ytitle', '.subplot.xy .yaxislayer-above .ytick text'],
                                  ['.xtitle', '.subplot.xy .xaxislayer-above .xtick text']]) {
      const t = gd.querySelector(title);
      if (!t) continue;
      const r = box(t);
      const near = { left: r.left - 3, right: r.right + 3, top: r.top - 3, bottom: r.bottom + 3, width: r.width };
      for (const tick of gd.querySelectorAll(ticks)) {
        if (meet(near, box(tick))) { found.push([name, 'axis title on its tick labels', t.textContent]); break; }
      }
    }
    const svg = box(gd.querySelector('.main-svg'));
    for (const text of gd.querySelectorAll('.cartesianlayer .xtick text, .cartesianlayer .ytick text, .gtitle')) {
      const r = box(text);
      const out = r.left < svg.left - 1 || r.right > svg.right + 1 || r.top < svg.top - 1 || r.bottom > svg.bottom + 1;
      if (r.width && out) {
        found.push([name, 'cut at the figure edge', text.textContent]);
      }
    }
  }
  return found;
})()"""


def overlaps(page) -> list:
    until(page, SETTLED)
    return page.evaluate(OVERLAPS)


def run_a_few_frames(page) -> None:
    """Step the page's paused run three times, each step a frame drawn (no race with a run's end)."""
    until(page, f"{STATUS} === 'paused'")
    for k in range(1, 4):
        page.click("[data-action=step]")
        until(page, f"{STEP} >= {k} && {STATUS} === 'paused'")


def settle_at(page, size) -> None:
    """The viewport at `size`, once every chart has been redrawn to its new width."""
    page.set_viewport_size(SIZES[size])
    until(page, f"{CHARTS}.every((gd) => Math.abs(gd._fullLayout.width - gd.clientWidth) <= 1)")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("lab", LABS)
def test_no_chart_draws_its_title_legend_or_ticks_on_something_else(browser, live_server, lab, lang):
    """Every chart of the lab (the Training lab's three scenes), at each size in turn."""
    found = []
    with guarded_context(browser, SIZES["projector"]) as page:
        page.set_default_timeout(60000)
        page.goto(f"{live_server}/labs/{lab}?lang={lang}")
        run_a_few_frames(page)
        for tab in ("train", "polynomial", "vanishing") if lab == "training" else ("",):
            if tab:
                page.click(f"#view-tabs [data-tab={tab}]")
                until(page, f"document.getElementById('tab-{tab}').getClientRects().length")
            for size in SIZES:
                settle_at(page, size)
                found += [(size, tab, *problem) for problem in overlaps(page)]
    assert found == []


def idx(array: np.ndarray) -> bytes:
    return bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


@pytest.fixture(scope="module")
def fashion_server(tmp_path_factory) -> str:
    """A server offering a Fashion-MNIST folder: 40 training and 20 test images of noise, 10 classes."""
    folder = tmp_path_factory.mktemp("fashion")
    rng = np.random.default_rng(0)
    for part, n in (("train", 40), ("t10k", 20)):
        (folder / f"{part}-images-idx3-ubyte.gz").write_bytes(
            gzip.compress(idx(rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))))
        (folder / f"{part}-labels-idx1-ubyte").write_bytes(idx(np.arange(n, dtype=np.uint8) % 10))
    script = f"import os, sys\nimport uvicorn\nos.environ['GRADLAB_FASHION_MNIST_DIR'] = {str(Path(folder))!r}\n"
    with changed_server(script) as url:
        yield url


@pytest.mark.parametrize("size", SIZES)
def test_the_confusion_matrix_shows_every_class_name_whole(browser, fashion_server, size):
    with guarded_context(browser, SIZES[size]) as page:
        page.set_default_timeout(60000)
        page.goto(f"{fashion_server}/labs/training?lang=en#{quote(json.dumps(FASHION))}")
        run_a_few_frames(page)
        until(page, "document.getElementById('view-0').data?.[0]?.type === 'heatmap'"
                    " && document.getElementById('view-0').data[0].x.includes('Ankle boot')")
        found = overlaps(page)
        ticks = page.evaluate("[...document.querySelectorAll('#view-0 .ytick text')].map((t) => t.textContent)")
        assert "T-shirt/top" in ticks and "Ankle boot" in ticks
        screenshot(page, f"confusion_fashion_{size}")
    assert found == []
