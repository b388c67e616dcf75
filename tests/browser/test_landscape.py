"""The Loss-landscape page in headless Chromium: a surface that fills in, a path that grows, PCA's
explained variance, a comparison in one colour scale, English and Chinese, three screen sizes."""

import json
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from tests.browser.conftest import until
from tests.conftest import screenshot

PCA = {"directions": "pca", "epochs": 6, "grid": 41, "hidden": [16, 16]}
COMPARE = {"hidden": [8, 8, 8], "epochs": 3, "grid": 9, "compare": {"residual": True}}
RECORD = """() => {
  window.seen = { rows: [], path: [] };
  new MutationObserver(() => {
    const c = document.getElementById('contour-0');
    if (!c) return;
    window.seen.rows.push(Number(c.dataset.rows));
    window.seen.path.push(Number(c.dataset.path));
  }).observe(document.getElementById('contours'), { attributes: true, subtree: true,
    attributeFilter: ['data-rows', 'data-path'] });
}"""
DONE = "document.querySelector('[data-status-line]').dataset.status === 'finished'"
STRINGS = json.loads((Path(__file__).resolve().parents[2] / "static" / "i18n" / "landscape.json").read_text())


def finished_and_drawn(page, lang="en"):
    """The run finished and its last frame drawn (a screen refresh after its status): the page says so."""
    page.wait_for_function(DONE)
    done = STRINGS[lang]["landscape.phase.done"]
    until(page, f"document.getElementById('progress').textContent === {json.dumps(done)}")


def open_lab(page, live_server, config, lang="en"):
    state = {"config": config, "view": {"preset": ""}}
    page.goto(f"{live_server}/labs/landscape?lang={lang}#{quote(json.dumps(state))}")
    page.wait_for_function("document.querySelector('[data-status-line]').dataset.status === 'paused'")


def play(page, speed_index=None):
    if speed_index is not None:  # steps per second from the player's list: slow enough to watch
        page.eval_on_selector("[data-action=speed]", f"(el) => {{ el.value = {speed_index}; }}")
    page.click("[data-action=toggle]")


def test_a_live_run_grows_its_path_then_fills_in_its_surface(page, live_server):
    open_lab(page, live_server, PCA)
    page.evaluate(RECORD)
    page.eval_on_selector("[data-action=speed]", "(el) => { el.value = 3; el.dispatchEvent(new Event('input')); }")
    page.click("[data-action=toggle]")
    finished_and_drawn(page)
    seen = page.evaluate("window.seen")
    path, rows = seen["path"], seen["rows"]
    assert path == sorted(path) and path[0] <= 3 and path[-1] == 7  # initial weights + 6 epochs
    assert rows == sorted(rows) and rows[-1] == 41
    assert len({r for r in rows if 0 < r < 41}) >= 2  # seen part-way more than once: it fills in
    assert "PCA explains" in page.inner_text("#facts")
    explained = page.inner_text("[data-explained]")
    pc1 = float(explained.split("%")[0].split()[-1])
    assert 50 < pc1 <= 100
    page.wait_for_function("document.getElementById('surface-0').data")  # scenes come after the 2D charts
    assert page.evaluate("document.getElementById('surface-0').data[0].type") == "surface"
    assert "torch.linalg.svd" in page.inner_text("#code") and "vmap" in page.inner_text("#code")
    screenshot(page, "landscape-pca-en")


def test_a_comparison_draws_two_surfaces_in_one_colour_scale(page, live_server):
    open_lab(page, live_server, COMPARE)
    play(page)
    finished_and_drawn(page)
    page.wait_for_function("[0, 1].every((i) => document.getElementById('surface-' + i).data)")  # after the 2D ones
    scales = page.evaluate("""[0, 1].map((i) => {
      const c = document.getElementById('contour-' + i).data[0];
      const s = document.getElementById('surface-' + i).data[0];
      return [c.zmin, c.zmax, s.cmin, s.cmax];
    })""")
    assert scales[0] == scales[1] and scales[0][0] < scales[0][1]
    assert scales[0][0] == scales[0][2] and scales[0][1] == scales[0][3]
    titles = [page.evaluate(f"document.getElementById('contour-{i}').layout.title.text") for i in (0, 1)]
    assert titles[0].startswith("this run") and titles[1].startswith("Residual connections = on")
    assert page.locator("[data-roughness]").count() == 2
    assert page.locator("[data-sharpness]").count() == 2 and "‖θ‖" in page.inner_text("#facts")
    assert page.evaluate("document.getElementById('line-chart').data.length") == 4  # train and test, twice


def test_a_preset_says_what_to_look_for(page, live_server):
    open_lab(page, live_server, COMPARE)
    page.click("#presets [data-preset=pca]")
    assert "two principal directions" in page.inner_text("#preset-look")
    assert page.input_value("#directions") == "pca"
    page.wait_for_function("document.querySelector('[data-status-line]').dataset.status === 'running'")
    page.click("#presets [data-preset=batch_none]")
    assert "raw Gaussian directions" in page.inner_text("#preset-look")
    assert page.input_value("#normalization") == "none" and page.input_value("#span") == "0.25"
    assert page.input_value("#compare-field") == "batch_size" and page.input_value("#compare-value") == "200"


def test_the_page_in_chinese(page, live_server):
    open_lab(page, live_server, {**COMPARE, "directions": "pca"}, lang="zh")
    assert "损失地形" in page.inner_text("aside")
    play(page)
    finished_and_drawn(page, "zh")
    assert "完成" in page.inner_text("#progress")
    assert "主成分解释了路径方差" in page.inner_text("#facts")
    assert page.evaluate("document.getElementById('contour-1').layout.title.text").startswith("残差连接 = 开")
    screenshot(page, "landscape-compare-zh")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1280, 720), (390, 844)])
def test_screens(page, live_server, lang, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_lab(page, live_server, {**COMPARE, "directions": "pca"}, lang=lang)
    play(page)
    finished_and_drawn(page, lang)
    # the lab's own panels and charts fit the screen (the shared header is the layout's own)
    widest = page.evaluate("Math.max(...[...document.querySelectorAll('.sidebar, .content, .panel, .chart')]"
                           ".map((e) => e.getBoundingClientRect().right))")
    assert widest <= width + 0.5
    screenshot(page, f"landscape-{lang}-{width}")


def test_the_form_follows_the_spec_and_a_hand_edited_hash_is_cleaned(page, live_server):
    open_lab(page, live_server, {"grid": 10_000, "hidden": [4, 100_000], "bogus": 1, "normalization": "batch"})
    assert page.input_value("#grid") == "61"  # clamped to this server's max_landscape_grid
    assert page.input_value("#hidden") == "4, 128"
    assert page.input_value("#normalization") == "filter"
    options = page.eval_on_selector_all("#dataset option", "(os) => os.map((o) => o.value)")
    assert options == ["moons", "circles", "spiral", "digits", "xor", "gauss", "curve"]
    page.select_option("#directions", "pca")
    page.select_option("#compare-field", "batch_size")
    page.fill("#compare-value", "8")
    page.dispatch_event("#compare-value", "change")
    state = json.loads(unquote(page.evaluate("location.hash.slice(1)")))
    assert "bogus" not in state["config"] and state["config"]["directions"] == "pca"
    assert state["config"]["compare"] == {"batch_size": 8}
    assert page.is_disabled("#normalization")  # PCA directions are not normalised
