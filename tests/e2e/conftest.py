"""A real browser (Debian's Chromium, driven by Playwright) against the live server."""

import contextlib
import io
import os
import shutil

import pytest

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


#: The first case's rows, table by table (PostgreSQL COPY), taken after its first full load in this run.
_FIRST_CASE: dict[str, bytes] = {}
APPS = ("disputes_", "tariffs_", "timelines_")


@contextlib.contextmanager
def _plain_wait():
    """psycopg2's COPY refuses the wait callback that bounds the app's waits (tradewatch/db_timeouts.py): lift it."""
    import psycopg2.extensions

    callback = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    try:
        yield
    finally:
        psycopg2.extensions.set_wait_callback(callback)


def _first_case_loaded() -> None:
    """Load the first case and build its timeline.

    Each browser test starts from an emptied database (its data must be committed for the live server to see it).
    The first time, the case is loaded through the services and its rows are copied out; afterwards the same rows
    are copied back in, which takes a fraction of a second instead of a full load.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from core import data_version
    from disputes.models import Dispute
    from exchange.dataset_loader import load_dataset
    from timelines.services import refresh_disputes

    if connection.vendor != "postgresql" or not _FIRST_CASE:
        load_dataset("canada-china")
        refresh_disputes(today=timezone.localdate())
        if connection.vendor == "postgresql":
            tables = [t for t in connection.introspection.django_table_names(only_existing=True) if t.startswith(APPS)]
            with _plain_wait(), connection.cursor() as cursor:
                for table in tables:
                    buffer = io.BytesIO()
                    cursor.copy_expert(f'COPY "{table}" TO STDOUT', buffer)
                    _FIRST_CASE[table] = buffer.getvalue()
        return
    if Dispute.objects.filter(slug="canada-china").exists():
        return  # still there: no browser test has emptied the database yet
    # Foreign keys are checked at commit (Django makes them deferrable), so the tables may come back in any order.
    with _plain_wait(), transaction.atomic(), connection.cursor() as cursor:
        for table, rows in _FIRST_CASE.items():
            cursor.copy_expert(f'COPY "{table}" FROM STDIN', io.BytesIO(rows))
    data_version.bump()  # no history row was written: say the data changed, as a load would


@pytest.fixture
def site(transactional_db, live_server):
    """The live server with the first case loaded and its timeline built."""
    _first_case_loaded()
    return live_server.url


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
