"""The browser fixtures: Debian's chromium through Playwright, and a page that must stay offline.

Package-scoped: Playwright's sync API keeps an event loop running in the main thread while it is
open, which would stop later tests from calling asyncio.run.
"""

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import CHROMIUM_FLAGS


def chromium_path() -> str:
    path = os.environ.get("GRADLAB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Debian's chromium is required for the browser tests: apt-get install chromium")
    return path


BROWSER_TEST_TIMEOUT_S = 600


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """pytest-timeout's 300 s is a hang guard; on a loaded 2-core machine a long browser test (a class of
    five pages) outlasted it, and its interruption inside a Playwright call broke the shared browser for
    every later test. A browser test without a timeout of its own gets 600 s."""
    for item in items:
        if item.nodeid.startswith("tests/browser/") and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(BROWSER_TEST_TIMEOUT_S))


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield b
        b.close()


def until(page: object, expression: str, timeout: float = 60.0) -> None:
    """Poll a JavaScript expression until it is truthy, with evaluate: unlike wait_for_function (which
    compiles its predicate with eval), it works under the pages' real Content-Security-Policy too."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression):  # type: ignore[attr-defined]
                return
        except Exception as exc:  # a navigation replaced the page's context: ask the new one
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {expression}")
        page.wait_for_timeout(50)  # type: ignore[attr-defined]


def until_reported(page: object, condition: Callable[[], object], what: str, timeout: float = 60.0) -> None:
    """Wait for a condition on what Playwright reports to Python (socket messages, held routes, downloads):
    its events are delivered only while Playwright is waiting, so wait in small steps, bounded by the clock."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {what}")
        page.wait_for_timeout(50)  # type: ignore[attr-defined]


def settled(page: object, check: Callable[[], None], timeout: float = 60.0) -> None:
    """Run `check` (assertions on what is drawn) until it passes: a redraw queued for the next screen
    refresh may still land between two reads. It fails with the check's own message at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            check()
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        page.wait_for_timeout(100)  # type: ignore[attr-defined]


@contextmanager
def guarded_context(browser: object, viewport: dict[str, int] | None = None) -> Iterator[object]:
    """A page in a browser context of its own (another laptop); requests must stay on 127.0.0.1
    (classrooms may be offline) and the page must raise no JavaScript error."""
    # The pages' strict CSP forbids eval, which Playwright's wait_for_function needs; test_csp.py
    # loads every page under the real policy.
    context = browser.new_context(viewport=viewport or {"width": 1400, "height": 1000},  # type: ignore[attr-defined]
                                  bypass_csp=True)
    # Playwright's own waits (click, wait_for_function, ...) get 60 s, not 30: the CI machine is shared
    context.set_default_timeout(60_000)  # type: ignore[attr-defined]
    page = context.new_page()
    outside: list[str] = []
    errors: list[str] = []

    def guard(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost") and not url.startswith("data:"):
            outside.append(url)
            route.abort()  # type: ignore[attr-defined]
        else:
            route.continue_()  # type: ignore[attr-defined]

    page.route("**/*", guard)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.outside_requests = outside  # type: ignore[attr-defined]
    page.js_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(browser: object, live_server: str) -> Iterator[object]:
    """A fresh page; every request must stay on 127.0.0.1 (classrooms may be offline)."""
    with guarded_context(browser) as page:
        yield page
