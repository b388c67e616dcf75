"""Every page works under the strict Content-Security-Policy (issue 13 item 10): no inline script or
style is refused, Plotly draws, and the API documentation runs its one hashed script.

The shared ``page`` fixture bypasses the policy (Playwright's wait_for_function evaluates code), so
these pages open in contexts of their own, under the real policy."""

from collections.abc import Iterator

import pytest

from app.web.registry import PAGES

PATHS = ["/", *(f"/labs/{p.slug}" for p in PAGES)]


@pytest.fixture
def strict_page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})  # type: ignore[attr-defined]
    context.set_default_timeout(60_000)  # type: ignore[attr-defined]  # a shared 2-core machine
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors under the policy: {errors}"


def _violations(page: object) -> list[str]:
    """Every CSP refusal on ``page``: directive, where, and the refused text's first characters."""
    found: list[str] = []
    page.add_init_script(  # type: ignore[attr-defined]
        "document.addEventListener('securitypolicyviolation', e => console.log('CSP refused ' + "
        "e.violatedDirective + ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber + ' ' + e.sample))")
    page.on("console", lambda m: found.append(m.text) if m.text.startswith("CSP refused") else None)  # type: ignore[attr-defined]
    return found


@pytest.mark.parametrize("path", PATHS)
def test_pages_run_under_the_strict_policy(strict_page, live_server, path):
    refused = _violations(strict_page)
    response = strict_page.goto(live_server + path)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    if path != "/":
        strict_page.wait_for_selector(".js-plotly-plot .main-svg")
        strict_page.wait_for_timeout(1500)  # frames arrive and charts redraw
    assert refused == []


def test_the_api_documentation_runs_its_own_script(strict_page, live_server):
    refused = _violations(strict_page)
    strict_page.goto(live_server + "/docs")
    strict_page.wait_for_selector(".swagger-ui .opblock")
    assert refused == []
