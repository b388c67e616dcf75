"""The Optimiser page in headless Chromium: paths grow, the state panel is the API's, scenes run."""

import json
from urllib.parse import quote

from tests.browser.conftest import until
from tests.conftest import post_json, screenshot

RACERS = [{"name": "sgd", "lr": 0.02}, {"name": "momentum", "lr": 0.02}, {"name": "adam", "lr": 0.02}]
STATE = {"mode": "race", "surface": "saddle_bounded", "start": [-1.5, 0.01], "steps": 100000, "optimizers": RACERS}


def open_lab(page, live_server, state=STATE, lang="en"):
    page.goto(f"{live_server}/labs/optimizers?lang={lang}#{quote(json.dumps(state))}")
    page.wait_for_function("document.querySelector('[data-status-line]').dataset.status === 'paused'")
    page.wait_for_function("document.querySelectorAll('#state-panel .state-card').length > 0")


DRAWN_STEP = "Number(document.getElementById('contour').layout.title.text.split(' ').pop())"
# the contour's step in either language ("Contour · step 12", "等高线 · 第 12 步"), against the step reached
ALL_DRAWN = ("Number(document.getElementById('contour').layout?.title?.text?.match(/\\d+/g)?.at(-1)) === "
             "Number(document.querySelector('[data-status-line]').dataset.step)")


def finished_and_drawn(page):
    """The run finished and its last frame drawn: the drawing comes a screen refresh after the status."""
    until(page, "document.querySelector('[data-status-line]').dataset.status === 'finished'")
    until(page, ALL_DRAWN)
PATHS = "document.getElementById('contour').data.filter(t => t.mode === 'lines+markers')"


def drawn_step(page):
    return int(page.evaluate("document.getElementById('contour').layout.title.text").rsplit(" ", 1)[1])


def path_ends(page):
    """The last drawn step of each racer's path on the contour."""
    return page.evaluate(f"{PATHS}.map(t => t.customdata[t.customdata.length - 1])")


def test_a_race_is_drawn_and_its_paths_grow_between_frames(page, live_server):
    open_lab(page, live_server)
    assert drawn_step(page) == 0 and path_ends(page) == [0, 0, 0]
    assert page.evaluate("document.getElementById('contour').data[0].type") == "contour"
    page.click("[data-action=toggle]")
    page.wait_for_function(f"{DRAWN_STEP} >= 5")
    first = path_ends(page)
    page.wait_for_function(f"{DRAWN_STEP} > {first[0] + 20}")
    second = path_ends(page)
    assert all(b > a > 0 for a, b in zip(first, second, strict=True)), (first, second)
    losses = page.evaluate("document.getElementById('loss-chart').data.map(t => t.x.length)")
    assert len(losses) == 3 and min(losses) > 5
    arrows = page.evaluate("document.getElementById('contour').layout.annotations.length")
    assert arrows >= 3  # a −gradient and a step arrow per racer still moving
    assert "torch.optim.Adam, {'lr': 0.02}" in page.inner_text("#code")
    screenshot(page, "optimizers-race")


def test_the_state_panel_shows_the_apis_numbers_for_the_same_step(page, live_server):
    open_lab(page, live_server)
    for k in range(1, 4):
        page.click("[data-action=step]")
        page.wait_for_function(f"document.getElementById('contour').layout.title.text.endsWith(' {k}')")
    body = {"surface": {"name": "saddle_bounded"}, "start": [-1.5, 0.01], "steps": 3, "optimizers": RACERS}
    api = post_json(f"{live_server}/api/optimizers/trajectories", body)["trajectories"]
    for i, trajectory in enumerate(api):
        card = page.locator(f"#state-panel .state-card[data-racer='{i}']")
        point = [float(v) for v in card.locator("tr[data-q=point] td[data-value]").evaluate_all(
            "cells => cells.map(c => c.dataset.value)")]
        value = float(card.locator("tr[data-q=value] td[data-value]").get_attribute("data-value"))
        assert point == trajectory["points"][3] and value == trajectory["values"][3]
        step = [float(v) for v in card.locator("tr[data-q=update] td[data-value]").evaluate_all(
            "cells => cells.map(c => c.dataset.value)")]
        assert step == [a - b for a, b in zip(trajectory["points"][3], trajectory["points"][2], strict=True)]
    adam = page.locator("#state-panel .state-card[data-racer='2']")
    assert adam.locator("tr[data-q=m_hat]").count() == 1 and adam.locator("tr[data-q=v_hat]").count() == 1
    assert page.locator("#state-panel .state-card[data-racer='1'] tr[data-q=momentum_buffer]").count() == 1


def test_a_scene_opens_asks_its_question_and_runs(page, live_server):
    open_lab(page, live_server)
    page.click("[data-action=speed-max]")  # 200 steps at the classroom pace would take 20 s
    page.click("#scenes button[data-scene=ravine]")
    finished_and_drawn(page)
    assert "SGD zig-zags" in page.inner_text("#scene-question")
    assert page.input_value("#surface") == "ravine" and page.input_value("#start-x") == "-9"
    assert drawn_step(page) == 200
    names = page.evaluate(f"{PATHS}.map(t => t.name)")
    # the server's labels ("momentum lr=0.45 ...") with the optimiser by the page's name for it
    assert names == ["SGD lr=0.45", "SGD + Momentum lr=0.45 momentum=0.5", "SGD + Nesterov lr=0.2 momentum=0.7"]
    assert "scene" in page.evaluate("decodeURIComponent(location.hash)")


def test_the_swarm_scene_counts_basins(page, live_server):
    open_lab(page, live_server)
    page.click("[data-action=speed-max]")  # 300 steps at the lab's classroom pace would take 30 s
    page.click("#scenes button[data-scene=himmelblau]")
    finished_and_drawn(page)
    rows = page.locator("#swarm-counts tbody tr")
    assert rows.count() == 2
    counts = [int(c) for c in rows.nth(1).locator("td").all_inner_texts()[1:]]
    assert sum(counts) == 2500 and min(counts[:4]) > 400
    assert page.evaluate("document.getElementById('basins').data[0].x.length") == 625
    screenshot(page, "optimizers-swarm")


def test_clicking_the_contour_moves_the_start(page, live_server):
    open_lab(page, live_server)
    box = page.locator("#contour .nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.25)
    page.wait_for_function("document.getElementById('start-x').value !== '-1.5'")
    x, y = float(page.input_value("#start-x")), float(page.input_value("#start-y"))
    assert 0.5 < x < 1.5 and 0.5 < y < 1.5
    page.wait_for_function(f"document.getElementById('state-panel').textContent.includes('{page.input_value('#start-x')}')")


def test_a_bad_formula_points_at_the_offending_text(page, live_server):
    open_lab(page, live_server)
    page.select_option("#surface", "custom")
    page.fill("#expression", "x^2 + foo(y)")
    page.press("#expression", "Enter")
    page.dispatch_event("#expression", "change")
    page.wait_for_function("document.getElementById('form-error').textContent.includes('foo')")
    assert "'foo' at position 7" in page.inner_text("#form-error")
    page.fill("#expression", "x^2 + 3*y^2")
    page.dispatch_event("#expression", "change")
    page.wait_for_function("document.getElementById('form-error').textContent === ''")
    page.wait_for_function("document.getElementById('code').textContent.includes('x ** 2 + 3 * y ** 2')")


def test_the_ewa_panel_and_chinese(page, live_server):
    open_lab(page, live_server, lang="zh")
    page.wait_for_function("document.getElementById('ewa-chart').data?.length === 5")
    assert "优化方法" in page.inner_text(".labs-nav [aria-current=page]")
    assert "谁能越过鞍点?" in page.inner_text("#scenes") and "指数加权平均" in page.inner_text("body")
    page.fill("#ewa-beta", "0.98")
    page.dispatch_event("#ewa-beta", "input")
    page.wait_for_function("document.getElementById('ewa-window').textContent.includes('50')")
    page.uncheck("#ewa-bias")
    page.wait_for_function("document.getElementById('ewa-chart').data.length === 4")
    screenshot(page, "optimizers-zh")


def test_a_learning_rate_changed_mid_run_reaches_the_optimizer(page, live_server):
    open_lab(page, live_server)
    page.click("[data-action=step]")
    page.wait_for_function("document.getElementById('contour').layout.title.text.endsWith(' 1')")
    lr = "#racers .racer-card[data-racer='0'] input[data-key=lr]"
    page.fill(lr, "0.3")
    page.dispatch_event(lr, "change")
    label = "document.querySelector(\"#state-panel .state-card[data-racer='0'] h4\").textContent"
    page.wait_for_function(f"{label} === 'SGD lr=0.3'")
    page.click("[data-action=step]")
    page.wait_for_function("document.getElementById('contour').layout.title.text.endsWith(' 2')")
    body = {"surface": {"name": "saddle_bounded"}, "start": [-1.5, 0.01], "steps": 1, "optimizers": [RACERS[0]]}
    one = post_json(f"{live_server}/api/optimizers/trajectories", body)["trajectories"][0]["points"][-1]
    x = float(page.locator("#state-panel .state-card[data-racer='0'] tr[data-q=point] td[data-value]").first
              .get_attribute("data-value"))
    assert x == one[0] - 0.3 * 2 * one[0]  # the second step used lr 0.3: x ← x − lr·2x
    assert "{'lr': 0.3}" in page.inner_text("#code")


def test_a_diverged_racer_is_marked_where_it_left_and_the_others_run_on(page, live_server):
    # SGD at lr 0.5 leaves Rosenbrock within a few steps; Adam beside it races on
    state = {"mode": "race", "surface": "rosenbrock", "start": [-1.5, 2.0], "steps": 60,
             "optimizers": [{"name": "sgd", "lr": 0.5}, {"name": "adam", "lr": 0.05}]}
    page.set_viewport_size({"width": 390, "height": 844})
    open_lab(page, live_server, state, lang="zh")
    page.click("[data-action=speed-max]")
    page.click("[data-action=toggle]")
    finished_and_drawn(page)
    marks = page.evaluate("document.getElementById('contour').data.filter((d) => d.mode === 'markers+text')"
                          ".map((d) => d.text[0])")
    assert len(marks) == 1 and marks[0].startswith("第 ") and "步后离开曲面" in marks[0]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
