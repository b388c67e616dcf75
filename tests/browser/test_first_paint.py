"""The page's frame comes before Plotly (issue 14 item 13): with Plotly's bundle held back, a lab page
shows its layout, headings, filled form and status, and queues its drawing; once the bundle arrives
the charts are drawn by the real library, a page's 3D scenes by the 3D bundle, run after its 2D charts.
Speed is measured by bench/bench_first_paint.py."""

import pytest

from app.web.assets import BUNDLES, plotly_bundle
from tests.browser.conftest import guarded_context, until, until_reported


@pytest.mark.parametrize(("slug", "field", "chart", "scene"), [
    ("initialization", "#activation", "#histograms", None),
    ("optimizers", "#surface", "#contour", "#surface3d"),
])
def test_the_frame_is_painted_before_plotly_and_the_charts_follow_it(browser, live_server, slug, field, chart, scene):
    with guarded_context(browser) as page:
        held: list[object] = []
        released = False

        def hold(route: object) -> None:
            if released:
                route.continue_()  # type: ignore[attr-defined]
            else:
                held.append(route)

        page.route("**/vendor/plotly/**", hold)
        page.goto(f"{live_server}/labs/{slug}", wait_until="domcontentloaded")  # "load" awaits the held bundle
        until(page, "document.querySelector('[data-status-line]').textContent.trim().length > 0")
        until(page, f"document.querySelector('{field}').options.length > 1")  # the form, from the lab's spec
        assert page.evaluate("performance.getEntriesByName('first-contentful-paint').length") == 1
        assert page.evaluate("window.Plotly.standIn") is True
        assert page.locator(".main-svg").count() == 0
        assert page.locator("h2").first.is_visible()
        # the bundle is asked for after the first paint (a screen refresh later, or 250 ms): it may not be yet
        until_reported(page, lambda: held, "the page asked for Plotly's bundle")
        assert [r.request.url for r in held] == [live_server + plotly_bundle(BUNDLES[0]).url]  # type: ignore[attr-defined]
        page.wait_for_timeout(300)  # frames arrive meanwhile; their drawing waits for Plotly
        released = True
        for route in held:
            route.continue_()  # type: ignore[attr-defined]
        until(page, f"document.querySelector('{chart} .main-svg') !== null")
        assert page.evaluate("window.Plotly.standIn") is None
        assert page.evaluate(f"document.querySelector('{chart}').data.length") > 0
        bundles = [BUNDLES[0]]
        if scene:  # drawn by the 3D bundle's Plotly, which knows its trace type
            until(page, f"document.querySelector('{scene}')._fullData?.[0]?.type === 'surface'")
            assert page.evaluate(f"document.querySelector('{scene}')._fullData[0].visible") is True
            bundles.append(BUNDLES[1])
        assert page.evaluate("[...new Set(performance.getEntriesByType('resource').map(r => r.name)"
                             ".filter(name => name.includes('/vendor/')))]") == [
            live_server + plotly_bundle(name).url for name in bundles]
