"""The published data's version: a token in the shared cache that changes whenever the data does.

Every write to a recorded model writes a history row; each history row changes the token (at once
and again on commit, so a response built from uncommitted rows is never kept under the new token).
The timeline refresh changes it after rebuilding the read models. The response cache (tradewatch/response_cache.py)
keys its entries by this token, so a change makes every cached answer unreachable at once.

``current()`` is None when the cache cannot be reached: callers then build answers afresh.
"""

import uuid

from django.core.cache import cache

from .transactions import on_commit_once

KEY = "tradewatch:data-version"


def current() -> str | None:
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(KEY)
    return version


def _new_version() -> None:
    cache.set(KEY, uuid.uuid4().hex, timeout=None)


def bump() -> None:
    """Mark the data as changed, now and once more when the current transaction commits."""
    _new_version()
    on_commit_once(KEY, _new_version)


def bump_on_history(**kwargs) -> None:
    """Receiver of simple_history's ``post_create_historical_record``: every recorded write."""
    bump()
