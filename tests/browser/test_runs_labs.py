"""Every live lab's page returns to its run after a reload and can be watched read-only from its
"show my run" link: the shared player and each page's `applyConfig` (a watched run's config into the form).
"""

import pytest

from tests.browser.conftest import guarded_context, until
from tests.browser.test_runs_page import STATUS, Wire, wait_status

LABS = ["initialization", "losses", "backprop", "optimizers", "descent", "training", "landscape"]


@pytest.mark.parametrize("lab", LABS)
def test_a_lab_page_reattaches_after_a_reload_and_can_be_watched(page, browser, live_server, lab):
    page.set_default_timeout(60000)
    wire = Wire(page)
    page.goto(f"{live_server}/labs/{lab}?lang=en")
    wait_status(page, "paused")
    started = wire.of_type("started")
    assert len(started) == 1
    page.reload()
    wait_status(page, "paused")
    assert len(wire.of_type("started")) == 1  # the reload started nothing
    attached = wire.of_type("attached", socket=1)
    assert [(a["run_id"], a["control"]) for a in attached] == [(started[0]["run_id"], True)]
    until(page, f"{STATUS} === 'paused' && !document.getElementById('form-error').textContent")
    page.click(".share summary")
    link = page.input_value("[data-share-url]")
    with guarded_context(browser) as neighbour:  # it fails on any JavaScript error of the watching page
        neighbour.set_default_timeout(60000)
        watcher = Wire(neighbour)
        neighbour.goto(link)
        wait_status(neighbour, "paused")
        assert neighbour.is_visible("[data-watch-banner]") and neighbour.is_disabled("[data-action=toggle]")
        assert neighbour.evaluate("document.getElementById('lab-controls').inert")
        assert [a["control"] for a in watcher.of_type("attached")] == [False]
        assert not watcher.of_type("started") and not watcher.of_type("error")
        assert neighbour.inner_text("#form-error") == ""
