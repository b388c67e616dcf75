"""The Training page in headless Chromium: boundaries that change, curves that grow, the scenes, uploads."""

import json
import math
from urllib.parse import quote

from tests.conftest import screenshot

SMALL = {"dataset": "moons", "samples": 200, "hidden": [8, 8], "epochs": 200, "batch_size": 16, "lr": 0.01}


def open_lab(page, live_server, state=SMALL, lang="en"):
    page.goto(f"{live_server}/labs/training?lang={lang}#{quote(json.dumps(state))}")
    page.wait_for_function("document.getElementById('view-0').data?.length > 0")


def heatmap(page, view=0):
    return page.evaluate(f"document.getElementById('view-{view}').data[0].z.flat()")


def epochs_drawn(page):
    return page.evaluate("document.getElementById('loss-chart').data[0].x.length")


def test_training_draws_a_boundary_that_changes_and_curves_that_grow(page, live_server):
    open_lab(page, live_server)
    assert page.evaluate("document.getElementById('view-0').data[0].type") == "heatmap"
    before = heatmap(page)
    assert len(before) == 61 * 61 and epochs_drawn(page) == 1  # paused at step 0: the untrained model
    page.evaluate(  # 100 steps/s, so frames are seen mid-run
        """() => { const s = document.querySelector('#player [data-action=speed]');
        s.value = '6'; s.dispatchEvent(new Event('input')); }""")
    page.click("[data-action=toggle]")
    page.wait_for_function("document.getElementById('loss-chart').data[0].x.length >= 3")
    middle, grown = heatmap(page), epochs_drawn(page)
    page.wait_for_function(f"document.getElementById('loss-chart').data[0].x.length > {grown + 2}")
    after = heatmap(page)
    assert before != middle != after
    assert len(page.evaluate("document.getElementById('acc-chart').data")) == 2  # train and test accuracy
    # one line per layer (the legend and the colour bar are traces of their own)
    assert page.evaluate("document.getElementById('grad-chart').data.filter(d => d.showlegend === false"
                         " && d.mode === 'lines').length") == 3
    assert "epoch" in page.inner_text("#progress").lower()
    assert "nn.Linear(2, 8)" in page.inner_text("#code")
    screenshot(page, "training_en")


def test_a_comparison_draws_two_boundaries_and_changes_live(page, live_server):
    open_lab(page, live_server, {**SMALL, "weight_decay": 0.05, "compare": "weight_decay=0"})
    assert page.is_visible("#view-1")
    title = page.evaluate("document.getElementById('view-1').layout.title.text")
    assert title == "Compared: weight_decay=0"
    page.fill("#lr", "0.05")
    page.dispatch_event("#lr", "change")
    page.wait_for_timeout(500)
    page.click("[data-action=step]")
    # a layer's norms, one named series per layer and run (a first measurement alone is drawn as a dot;
    # the legend's and the depth colour bar's traces are not series)
    page.wait_for_function("Number(document.querySelector('[data-status-line]').dataset.step) >= 1"
                           " && document.getElementById('grad-chart').data?.filter(d => d.showlegend === false"
                           " && d.name && d.x?.length >= 1).length === 6")


def test_digits_show_a_confusion_matrix_and_wrong_images(page, live_server):
    open_lab(page, live_server, {"dataset": "digits", "hidden": [16], "epochs": 1, "batch_size": 64})
    page.click("[data-action=toggle]")
    page.wait_for_function("document.querySelector('[data-status-line]').dataset.status === 'finished'")
    page.wait_for_function("document.getElementById('view-0').data?.[0]?.type === 'heatmap'"
                           " && document.querySelectorAll('#images-0 canvas').length > 0")
    counts = page.evaluate("document.getElementById('view-0').data[0].customdata")
    notes = page.evaluate("document.getElementById('view-0').layout.annotations.map(a => [a.text, a.font.color])")
    assert len(counts) == 10 and all(len(row) == 10 for row in counts)
    assert [text for text, _ in notes] == [str(v) for row in counts for v in row]
    # each count in the colour that reads on its cell: white on the dark (many), dark on the light (few, zero)
    top = max(math.log1p(v) for row in counts for v in row)
    assert [colour for _, colour in notes] == ["#fff" if math.log1p(v) / top > 0.5 else "#1d2433"
                                               for row in counts for v in row]


def test_polynomial_view_draws_error_against_degree(page, live_server):
    open_lab(page, live_server, {**SMALL, "tab": "polynomial", "degree": 3})
    page.wait_for_function("document.getElementById('poly-errors').data?.length === 5")
    traces = page.evaluate("document.getElementById('poly-errors').data.map(t => [t.name, t.x.length])")
    assert traces[:4] == [["train, 15 points", 20], ["test, 15 points", 20], ["train, 100 points", 20],
                          ["test, 100 points", 20]]
    small_test = page.evaluate("document.getElementById('poly-errors').data[1].y")
    assert small_test[19] > 100 * small_test[2]  # degree 20 over-fits the 15 points
    page.fill("#poly-degree", "15")
    page.dispatch_event("#poly-degree", "input")
    assert "degree 15" in page.evaluate("document.getElementById('poly-fit-small').layout.title.text")
    screenshot(page, "training_polynomial")


def test_vanishing_view_and_chinese(page, live_server):
    open_lab(page, live_server, {**SMALL, "tab": "vanishing"}, lang="zh")
    page.wait_for_function("document.getElementById('van-chart').data?.length === 3")
    first = page.evaluate("document.getElementById('van-chart').data.map(t => t.y[0])")
    assert first[0] < 1e-4 * first[1]  # sigmoid's first layer against ReLU + Kaiming
    text = page.inner_text("body")
    assert "梯度消失" in text and "训练多层感知机" in text
    screenshot(page, "training_zh")


def test_upload_a_csv_and_train_on_it(page, live_server, tmp_path):
    rows = "\n".join(f"{i},{(i * 7) % 11},{'red' if i % 3 else 'blue'}" for i in range(60))
    path = tmp_path / "points.csv"
    path.write_text("x1,x2,colour\n" + rows + "\n")
    open_lab(page, live_server)
    page.select_option("#dataset", "csv")
    assert page.is_visible("#csv-file")
    page.set_input_files("#csv-file", str(path))
    page.wait_for_function("document.getElementById('upload-info').textContent.includes('60 rows')")
    page.click("[data-action=start]")
    page.wait_for_function("document.getElementById('view-0').layout?.xaxis.range[1] > 50")
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n1,2,a\n3,oops,b\n" + "1,1,a\n" * 10)
    page.set_input_files("#csv-file", str(bad))
    page.wait_for_function("document.getElementById('form-error').textContent.includes('not a number')")
    assert "row 3, column 'x2'" in page.inner_text("#form-error")


def test_a_preset_fills_the_form_from_the_server_and_says_what_to_look_for(page, live_server):
    open_lab(page, live_server, lang="zh")
    page.click("button[data-preset=weight_decay]")
    assert page.input_value("#dataset") == "xor" and page.input_value("#samples") == "300"
    assert page.input_value("#compare") == "weight_decay=0"
    look = page.text_content("#preset-look")
    assert page.is_visible("#preset-look") and "权重衰减" in look and "255" in look
