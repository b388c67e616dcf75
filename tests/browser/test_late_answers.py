"""An answer that arrives after a newer one is not drawn: two quick restarts ask the server twice, and on
a busy server (one-shot computations run side by side) the older question may be answered last. The
pages drew whichever came last: the old scene under the new run's paths.

Each test holds the first answer back until the second is drawn, then lets it through."""

import json
import time
from urllib.parse import quote

from tests.browser.conftest import until
from tests.browser.test_initialization_form import hash_state, set_number
from tests.conftest import post_json

# Counts the answers each path's handlers have seen, once the page's code after `await response.json()`
# has run (a timer fires after those microtasks).
COUNT_ANSWERS = """(() => {
  window.answered = {};
  const json = Response.prototype.json;
  Response.prototype.json = async function () {
    const body = await json.call(this);
    const path = new URL(this.url).pathname;
    setTimeout(() => { window.answered[path] = (window.answered[path] ?? 0) + 1; });
    return body;
  };
})()"""


def hold_first(page, pattern):
    """Hold back the first request matching `pattern` (its route is returned to let it go); the others pass."""
    held = []
    page.route(pattern, lambda route: held.append(route) if not held else route.continue_())
    return held


def wait_held(page, held, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not held:  # route handlers run while Playwright waits
        assert time.monotonic() < deadline, "the request was never made"
        page.wait_for_timeout(50)


def answered(path):
    return f"(window.answered['{path}'] ?? 0)"


DESCENT = {"variants": ["batch", "minibatch"], "batch_size": 10, "epochs": 2, "lr": 0.05, "samples": 100, "seed": 0}
FIT_POINTS = "document.getElementById('fit').data?.[0].x.length"


def test_descent_draws_the_scene_of_the_last_restart_not_the_last_answer(page, live_server):
    page.add_init_script(COUNT_ANSWERS)
    page.goto(f"{live_server}/labs/descent?lang=en#{quote(json.dumps({'config': DESCENT, 'view': {}}))}")
    until(page, f"{FIT_POINTS} === 100")
    held = hold_first(page, "**/api/descent/scene")
    set_number(page, "#samples", 50)
    page.click("[data-action=start]")
    wait_held(page, held)
    set_number(page, "#samples", 200)
    page.click("[data-action=start]")
    until(page, f"{FIT_POINTS} === 200 && {answered('/api/descent/scene')} === 2")
    held[0].continue_()  # the first restart's scene (50 points) arrives last
    until(page, f"{answered('/api/descent/scene')} === 3")
    assert page.evaluate(FIT_POINTS) == 200


OPTIMIZERS = {"mode": "race", "surface": "saddle_bounded", "start": [-1.5, 0.01], "steps": 100,
              "optimizers": [{"name": "sgd", "lr": 0.02}]}
CONTOUR_X = "document.getElementById('contour').data?.[0].x"


def test_optimizers_draw_the_surface_of_the_last_edit_not_the_last_answer(page, live_server):
    grid = {name: post_json(f"{live_server}/api/optimizers/grid", {"surface": {"name": name}, "resolution": 61})
            for name in ("rosenbrock", "himmelblau")}
    assert grid["rosenbrock"]["x"] != grid["himmelblau"]["x"]
    page.add_init_script(COUNT_ANSWERS)
    page.goto(f"{live_server}/labs/optimizers?lang=en#{quote(json.dumps({'config': OPTIMIZERS, 'view': {}}))}")
    until(page, f"{answered('/api/optimizers/grid')} === 1 && {CONTOUR_X}?.length === 61")
    held = hold_first(page, "**/api/optimizers/grid")
    page.select_option("#surface", "rosenbrock")
    wait_held(page, held)
    page.select_option("#surface", "himmelblau")
    until(page, f"{answered('/api/optimizers/grid')} === 2 && document.getElementById('contour').data[0].x[0]"
                f" === {grid['himmelblau']['x'][0]}")
    held[0].continue_()  # Rosenbrock's grid arrives last
    until(page, f"{answered('/api/optimizers/grid')} === 3")
    page.click("[data-action=step]")  # the next frame draws the surface the page holds
    until(page, "document.getElementById('contour').layout.title.text.endsWith(' 1')")
    assert page.evaluate(CONTOUR_X) == grid["himmelblau"]["x"]
    heights = "document.getElementById('contour').data.find((trace) => trace.type === 'heatmap')"
    assert page.evaluate(f"{heights}.customdata") == grid["himmelblau"]["z"]


TRAINING = {"dataset": "moons", "samples": 100, "hidden": [4], "epochs": 2, "batch_size": 32, "lr": 0.01}


def open_training(page, live_server, state):
    page.add_init_script(COUNT_ANSWERS)
    page.goto(f"{live_server}/labs/training?lang=en#{quote(json.dumps(state))}")


def test_training_draws_the_scene_of_the_last_restart_not_the_last_answer(page, live_server):
    open_training(page, live_server, {"config": {**TRAINING, "compare": "weight_decay=0.01"}, "view": {"tab": "train"}})
    until(page, f"{answered('/api/training/scene')} === 1 && document.getElementById('view-1').data?.length > 0")
    held = hold_first(page, "**/api/training/scene")
    page.click("[data-action=start]")  # the comparison again: two views
    wait_held(page, held)
    page.fill("#compare", "")
    page.dispatch_event("#compare", "change")
    page.click("[data-action=start]")  # no comparison: one view
    until(page, f"{answered('/api/training/scene')} === 2 && document.getElementById('view-1').parentElement.hidden")
    held[0].continue_()  # the comparison's scene arrives last
    until(page, f"{answered('/api/training/scene')} === 3")
    assert page.is_hidden("#view-1")


def test_training_draws_the_vanishing_answer_of_the_last_edit(page, live_server):
    open_training(page, live_server, {"config": TRAINING, "view": {"tab": "vanishing"}})
    until(page, f"{answered('/api/training/vanishing')} === 1")
    van = json.loads(page.evaluate("JSON.stringify(JSON.parse(decodeURIComponent(location.hash.slice(1))).view.van)"))
    layers = {depth: post_json(f"{live_server}/api/training/vanishing", {**van, "depth": depth})["layers"]
              for depth in (12, 4)}
    assert layers[12] != layers[4]
    held = hold_first(page, "**/api/training/vanishing")
    set_number(page, "#van-depth", 12)  # the deeper question, asked first
    wait_held(page, held)
    set_number(page, "#van-depth", 4)
    until(page, f"{answered('/api/training/vanishing')} === 2")
    assert page.evaluate("document.getElementById('van-chart').data[0].x") == layers[4]
    held[0].continue_()  # the deep net's answer arrives last
    until(page, f"{answered('/api/training/vanishing')} === 3")
    assert page.evaluate("document.getElementById('van-chart').data[0].x") == layers[4]


def test_a_late_surface_does_not_move_the_caret_out_of_a_selection_being_typed_over(page, live_server):
    """The start's x committed as typed ("-1000000.0"), then selected to be typed over (as a double-click,
    or Playwright's fill, does) while the restart's surface is on its way: its arrival used to rewrite the
    field as "-1000000", which moved the caret to the end, and the new number was appended to the old."""
    page.add_init_script(COUNT_ANSWERS)
    page.goto(f"{live_server}/labs/optimizers?lang=en#{quote(json.dumps({'config': OPTIMIZERS, 'view': {}}))}")
    until(page, f"{answered('/api/optimizers/grid')} === 1 && document.getElementById('contour').data?.length > 0")
    held = hold_first(page, "**/api/optimizers/grid")
    set_number(page, "#start-x", "-1000000.0")
    wait_held(page, held)
    page.eval_on_selector("#start-x", "el => { el.focus(); el.select(); }")
    held[0].continue_()
    until(page, f"{answered('/api/optimizers/grid')} === 2")
    page.keyboard.insert_text("0.5")
    page.dispatch_event("#start-x", "change")
    assert page.input_value("#start-x") == "0.5"
    assert hash_state(page)["config"]["start"][0] == 0.5
