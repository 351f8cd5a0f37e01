"""Shared fixtures: a small cast of users, the Canada–China dataset, and the service switch.

Tests marked ``postgres`` or ``redis`` need the real services. Without them they are skipped,
unless TRADEWATCH_REQUIRE_SERVICES=1 (set by CI), which turns any skip into a failure.
"""

import os

import pytest
from django.conf import settings

from tests import first_case

REQUIRE_SERVICES = os.environ.get("TRADEWATCH_REQUIRE_SERVICES") == "1"


def _on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "postgres" in item.keywords and not _on_postgres():
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…"))
        if "redis" in item.keywords and not settings.CELERY_BROKER_URL:
            item.add_marker(pytest.mark.skip(reason="needs Redis: set CELERY_BROKER_URL=redis://…"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = (
            f"Skipped while TRADEWATCH_REQUIRE_SERVICES=1 (a required service is missing): {report.longrepr}"
        )


@pytest.fixture(scope="session", autouse=True)
def _prepared_reads_checked_at_every_read():
    """Every prepared list read (core/api/prepared.py) is compared with the ORM's statement for the same request:
    a difference fails the test that made the read."""
    settings.PREPARED_READS_CHECK = "every"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the first case and build its timeline once per run; each test then runs in a
    transaction that is rolled back."""
    with django_db_blocker.unblock():
        first_case.load()


def _empties_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    uses = set(getattr(item, "fixturenames", ()))
    return bool(marker and marker.kwargs.get("transaction")) or bool(uses & {"transactional_db", "live_server"})


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test that committed data (its teardown empties every table), put the first case back for the tests
    this worker runs next (tests/first_case.py)."""
    yield
    if nextitem is not None and _empties_the_database(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            first_case.ensure_loaded()


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language():
    """A request or a test may leave a language active in this thread; the next test starts in the default one."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def canada_china(db):
    from disputes.models import Dispute

    return Dispute.objects.get(slug="canada-china")


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser("owner", "owner@example.org", "correct horse battery")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


# The shared cache's Redis database, beside the broker's (TRADEWATCH_TEST_CACHE_DB lets parallel runs use their own).
CACHE_DB = os.environ.get("TRADEWATCH_TEST_CACHE_DB", "5")


@pytest.fixture
def shared_redis_cache(settings):
    """The default cache in the real Redis, as every web process shares it in production; emptied around the test."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + f"/{CACHE_DB}",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    settings.DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    cache.clear()
    yield
    cache.clear()
