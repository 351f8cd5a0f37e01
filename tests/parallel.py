"""Parallel test runs (pytest-xdist): each worker gets Redis databases of its own.

Loaded with ``-p tests.parallel`` (pyproject's addopts), so it runs in each worker before Django's settings are
read. pytest-django already gives each worker its own test database (``<name>_gw1``); this moves worker N's
broker database and shared-cache database N * ``REDIS_DB_STRIDE`` up, so one worker's flushes and queued
refreshes never reach another's. The first worker keeps the databases it was given.
"""

import os
import re

REDIS_DB_STRIDE = 8  # worker 0: broker 0, cache 5; worker 1: broker 8, cache 13 (Redis has 16 by default)
DEFAULT_CACHE_DB = 5  # tests/conftest.py's default


def _worker_number() -> int:
    match = re.fullmatch(r"gw([0-9]+)", os.environ.get("PYTEST_XDIST_WORKER", ""))
    return int(match.group(1)) if match else 0


def _moved(url: str, offset: int) -> str:
    match = re.fullmatch(r"(rediss?://[^/]*)/([0-9]+)", url)
    if not match:
        return url if not url else f"{url.rstrip('/')}/{offset}"
    return f"{match.group(1)}/{int(match.group(2)) + offset}"


def _give_this_worker_its_redis_databases() -> None:
    offset = _worker_number() * REDIS_DB_STRIDE
    if not offset:
        return
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if broker.startswith(("redis://", "rediss://")):
        os.environ["CELERY_BROKER_URL"] = _moved(broker, offset)
    cache_db = int(os.environ.get("TRADEWATCH_TEST_CACHE_DB", DEFAULT_CACHE_DB))
    os.environ["TRADEWATCH_TEST_CACHE_DB"] = str(cache_db + offset)


_give_this_worker_its_redis_databases()
