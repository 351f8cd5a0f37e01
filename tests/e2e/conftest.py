"""A real browser (Debian's Chromium, driven by Playwright) against the live server."""

import os
import shutil

import pytest

from tests import first_case

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]

# Playwright's sync API runs an event loop in this thread; the ORM calls it makes are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if shutil.which("chromium") or os.path.exists(CHROMIUM):
        return
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason="needs Chromium: apt-get install chromium"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def site(transactional_db, live_server):
    """The live server with the first case loaded and its timeline built (copied back if a test emptied it)."""
    first_case.ensure_loaded()
    return live_server.url


@pytest.fixture
def tab(browser):
    """A fresh page that axe-core can be injected into (the page's CSP is bypassed) and that records console errors
    and warnings and page errors."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda msg: page.problems.append(msg.text) if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    yield page
    context.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and failed requests."""
    context = browser.new_context(locale="en-CA")
    tab = context.new_page()
    tab.problems = []
    tab.on(
        "console",
        lambda msg: (
            tab.problems.append(f"console {msg.type}: {msg.text}") if msg.type in ("error", "warning") else None
        ),
    )
    tab.on("pageerror", lambda exc: tab.problems.append(f"page error: {exc}"))
    tab.on("requestfailed", lambda req: tab.problems.append(f"request failed: {req.url}"))
    yield tab
    context.close()
