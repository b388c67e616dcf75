"""A chart's data table, shelved under its row, is labelled with the chart's title as it is now: the
Losses lab's "Fitted lines · Step 3" chart kept the label "Data table · Fitted lines · Step 0"."""

from tests.browser.conftest import until

STEP = "Number(document.querySelector('[data-status-line]').dataset.step)"
TITLE = "document.getElementById('fit-chart').layout.title.text"
SUMMARY = "document.getElementById('fit-chart').chartTable.querySelector('summary').textContent"


def test_a_shelved_table_is_labelled_with_the_chart_title_of_the_step_shown(page, live_server):
    page.set_default_timeout(60000)
    page.goto(f"{live_server}/labs/losses?lang=en")
    until(page, "document.querySelector('[data-status-line]').dataset.status === 'paused'")
    until(page, "!!document.getElementById('fit-chart')?.chartTable")
    for _ in range(3):
        page.locator("body").press("ArrowRight")
    until(page, f"{STEP} >= 3 && {TITLE}.endsWith('Step ' + {STEP})")
    until(page, f"{SUMMARY} === 'Data table · ' + {TITLE}")
    assert page.evaluate(SUMMARY).endswith(f"Step {page.evaluate(STEP)}")
