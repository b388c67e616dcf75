"""The Training page's network view in headless Chromium: neurons and edges counted, maps that change
as training runs, hover and keyboard showing a neuron's weights (checked against the model built here),
feature inputs, and screenshots at three sizes in both languages."""

import json
from urllib.parse import quote

import pytest
import torch

from app.labs.training import TrainingConfig, TrainingRun
from tests.conftest import ARTIFACTS

SMALL = {"dataset": "moons", "samples": 200, "hidden": [6, 5], "epochs": 200, "batch_size": 16, "lr": 0.03}


def open_lab(page, live_server, state=SMALL, lang="en"):
    page.goto(f"{live_server}/labs/training?lang={lang}#{quote(json.dumps(state))}")
    page.wait_for_function("document.querySelectorAll('#net-graph .neuron canvas').length > 0")


def snapshot(page):
    """Every neuron canvas's pixels and every edge's width: what the student sees change."""
    return page.evaluate("""() => ({
        maps: [...document.querySelectorAll('#net-graph .neuron canvas')].map(c => c.toDataURL()),
        widths: [...document.querySelectorAll('#net-graph .edge-line')].map(l => l.getAttribute('stroke-width')),
    })""")


def test_the_view_draws_every_neuron_and_edge_and_changes_as_it_trains(page, live_server):
    open_lab(page, live_server, {**SMALL, "lr": 0.3})  # steps large enough to move every 8-bit map
    assert page.locator("#net-graph .neuron").count() == 2 + 6 + 5 + 2  # inputs, two hidden layers, outputs
    assert page.locator("#net-graph .edge").count() == 2 * 6 + 6 * 5 + 5 * 2
    before = snapshot(page)
    page.evaluate("""() => { const s = document.querySelector('#player [data-action=speed]');
        s.value = '6'; s.dispatchEvent(new Event('input')); }""")  # 100 steps/s: frames are seen mid-run
    page.click("[data-action=toggle]")
    page.wait_for_function("document.getElementById('loss-chart').data[0].x.length >= 3")
    middle = snapshot(page)
    page.wait_for_function("document.getElementById('loss-chart').data[0].x.length >= 12")
    after = snapshot(page)
    for key in ("maps", "widths"):
        assert before[key][2:] != middle[key][2:] != after[key][2:]  # hidden maps and edges move
    assert before["maps"][:2] == after["maps"][:2]  # the input maps are the plane itself
    assert "kB" in page.inner_text("#net-summary")


def test_hover_and_keyboard_show_a_neurons_weights(page, live_server):
    open_lab(page, live_server)  # paused at step 0: the untrained model, as built here
    run = TrainingRun(TrainingConfig(**{**SMALL, "hidden": tuple(SMALL["hidden"])}))
    weights = run.trainees[0].layers[1].weight.detach()
    page.hover("#net-graph .neuron[data-col='2'][data-row='3']")
    assert page.inner_text("#neuron-title") == "Layer 2, neuron 4"
    cells = page.eval_on_selector_all("#neuron-weights tbody tr", "rows => rows.map(r => r.cells[1].textContent)")
    assert [float(c) for c in cells] == pytest.approx(weights[3].tolist(), rel=1e-3)
    stats = page.inner_text("#neuron-stats")
    assert "bias" in stats and "zero (dead) on" in stats
    # the keyboard reaches the same panel
    page.focus("#net-graph .neuron[data-col='1'][data-row='0']")
    assert page.inner_text("#neuron-title") == "Layer 1, neuron 1"
    edge = page.locator("#net-graph .edge").first
    edge.hover(force=True)
    assert page.is_visible("#net-tip")
    w = run.trainees[0].layers[0].weight[0, 0].item()
    assert f"weight {w:.4g}"[:12] in page.inner_text("#net-tip")


def test_features_are_input_maps_and_reach_the_code(page, live_server):
    state = {**SMALL, "dataset": "circle", "hidden": [], "features": ["x1_squared", "x2_squared", "sin_x1"]}
    open_lab(page, live_server, state)
    assert page.locator("#net-graph .neuron").count() == 3 + 2
    assert page.locator("#net-graph .edge").count() == 3 * 2
    assert page.is_checked("input[name=features][value=x1_squared]")
    assert not page.is_checked("input[name=features][value=x1]")
    page.wait_for_function("document.getElementById('code').textContent.includes('def features(x)')")
    page.select_option("#dataset", "digits")
    assert page.is_hidden("#features-box")


def test_a_deep_network_says_what_is_not_drawn(page, live_server):
    open_lab(page, live_server, {**SMALL, "hidden": [40] * 12, "epochs": 2})
    text = page.inner_text("#net-graph")
    assert "2 layers not drawn" in text and "+24 not drawn" in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_screenshots_at_three_sizes(page, live_server, lang):
    state = {**SMALL, "hidden": [8, 8], "dropout": 0.2, "batch_norm": True, "features": ["x1", "x2", "x1_x2"]}
    for width, height in ((1440, 900), (1280, 720), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        open_lab(page, live_server, state, lang)
        page.click("[data-action=step]")
        page.wait_for_function("document.querySelector('#neuron-stats').textContent.length > 0")
        page.hover("#net-graph .neuron[data-col='1'][data-row='2']")
        page.locator("#network").scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        path = str(ARTIFACTS / f"training_network_{lang}_{width}.png")
        if width < 500:  # the site's sticky header fills a phone's screen (reported): unstick it, show the view
            page.add_style_tag(content=".topbar { position: static; }")
            page.locator("#network").screenshot(path=path)
        else:
            page.screenshot(path=path)  # the view as seen on a laptop or a projector
        assert page.locator("#net-graph .neuron").count() == 3 + 8 + 8 + 2
        if lang == "zh":
            assert "网络结构" in page.inner_text("#network")


def test_weights_in_the_panel_are_float32_exact(page, live_server):
    """The page decodes the edges' float32 bytes: the table shows the model's weight, not a rounding of it."""
    open_lab(page, live_server)
    decoded = page.evaluate("""async () => {
        const { decodeFloats } = await import('/static/js/labs/training_maps.js');
        return Array.from(decodeFloats('AACAPwAAAMA='));
    }""")
    assert decoded == torch.tensor([1.0, -2.0]).tolist()
