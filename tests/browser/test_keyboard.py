"""The keyboard on every live lab: Space plays and pauses, → steps once, and neither acts while a form
field has the focus; every chart's numbers can be opened as a table built from its traces."""

import pytest

from tests.browser.conftest import settled, until

LABS = ["initialization", "optimizers", "losses", "backprop", "descent", "training", "landscape"]
STATUS = "document.querySelector('[data-status-line]').dataset.status"
STEP = "Number(document.querySelector('[data-status-line]').dataset.step)"
SLOW = 2  # the speed slider's stop for 5 steps/s: a run is still going when the next key arrives


def wait_status(page, status):
    until(page, f"{STATUS} === '{status}'", timeout=60)


@pytest.mark.parametrize("lab", LABS)
def test_space_plays_and_pauses_and_the_right_arrow_steps(page, live_server, lab):
    page.goto(f"{live_server}/labs/{lab}?lang=en")
    wait_status(page, "paused")
    page.eval_on_selector("[data-action=speed]",
                          f"el => {{ el.value = '{SLOW}'; el.dispatchEvent(new Event('input')); }}")
    page.locator("body").press("Space")
    wait_status(page, "running")
    page.locator("body").press("Space")
    wait_status(page, "paused")
    before = page.evaluate(STEP)
    page.locator("body").press("ArrowRight")
    until(page, f"{STEP} === {before + 1}")
    page.wait_for_timeout(300)
    assert page.evaluate(STEP) == before + 1 and page.evaluate(STATUS) == "paused"
    # In a form field the keys are the field's (the caret moves): the run is left alone.
    field = page.locator("#lab-controls input[type=number]").first
    field.focus()
    field.press("ArrowRight")
    field.press("Space")
    page.wait_for_timeout(500)
    assert page.evaluate(STEP) == before + 1 and page.evaluate(STATUS) == "paused"


TABLE_VS_TRACE = """(gd) => {
  const table = gd.chartTable.querySelector('table');
  const head = [...table.tHead.rows[0].cells].map((c) => c.textContent);
  const rows = [...table.tBodies[0].rows].map((r) => [...r.cells].map((c) => c.textContent));
  const trace = gd.data.find((t) => t.visible !== false && (t.y?.length || t.z?.length));
  return { head, rows, x: Array.from(trace.x ?? []), y: Array.from(trace.y ?? []), grid: Array.isArray(trace.z?.[0]) };
}"""


def _number(text):
    return None if text == "—" else float(text)


@pytest.mark.parametrize("lab,chart", [("descent", "#loss-update"), ("initialization", "#loss-chart"),
                                       ("optimizers", "#loss-chart"), ("losses", "#curve-loss")])
def test_a_chart_opens_as_a_table_of_its_values(page, live_server, lab, chart):
    page.goto(f"{live_server}/labs/{lab}?lang=zh")
    wait_status(page, "paused")
    for _ in range(3):
        page.locator("body").press("ArrowRight")
    until(page, f"{STEP} >= 3")
    until(page, f"!!document.querySelector('{chart}')?.chartTable")
    summary = page.evaluate_handle(f"document.querySelector('{chart}').chartTable.querySelector('summary')")
    assert summary.evaluate("s => s.textContent").startswith("数据表")  # "数据表 · <title>" under a row
    summary.click()
    until(page, f"!!document.querySelector('{chart}').chartTable.querySelector('table tbody tr')")

    def table_is_the_trace():
        seen = page.eval_on_selector(chart, TABLE_VS_TRACE)
        assert not seen["grid"] and len(seen["head"]) >= 2
        xs = [_number(r[0]) for r in seen["rows"]]
        ys = [_number(r[1]) for r in seen["rows"]]
        assert len(seen["rows"]) == len(seen["x"]) or len(seen["rows"]) <= 121  # a long curve is sampled
        assert xs and all(x is not None for x in xs)
        for x, y in zip(xs, ys, strict=True):  # each row is a point of the trace, to five significant digits
            i = min(range(len(seen["x"])), key=lambda k: abs(seen["x"][k] - x))
            assert seen["x"][i] == pytest.approx(x, rel=1e-4, abs=1e-12)
            assert y == pytest.approx(seen["y"][i], rel=1e-4, abs=1e-12)

    # the table is rebuilt a screen refresh after each redraw: the last step's may land between two reads
    settled(page, table_is_the_trace)
