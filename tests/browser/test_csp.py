"""Every page works under its real Content-Security-Policy: no violation, no script error, charts drawn."""

import pytest

from app.web.registry import PAGES

PATHS = ["/", *(f"/labs/{page.slug}" for page in PAGES)]


@pytest.mark.parametrize("path", PATHS)
def test_a_page_runs_under_its_own_policy(browser, live_server, path):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        response = page.goto(f"{live_server}{path}?lang=en")
        assert response is not None and "default-src 'self'" in response.headers["content-security-policy"]
        if path != "/":
            page.wait_for_selector(".js-plotly-plot", timeout=30_000)  # Plotly drew under the policy
        page.wait_for_timeout(500)
    finally:
        context.close()
    assert not problems, problems
