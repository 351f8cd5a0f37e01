"""The published data's version: a token in the shared cache that changes whenever the data does.

Every write to a recorded model writes a history row; each history row changes the token (at once
and again on commit, so a response built from uncommitted rows is never kept under the new token).
The timeline refresh changes it after rebuilding the read models. The response cache (tradewatch/response_cache.py)
keys its entries by this token, so a change makes every cached answer unreachable at once.

``current()`` is None when the cache cannot be reached: callers then build answers afresh.
"""

import uuid

from django.core.cache import cache
from django.db import connection

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


#: Values this process computed, by (data version, key): a new version makes them unreachable.
_remembered: dict = {}
REMEMBERED_KEPT = 1024


def remembered(key: tuple, compute, *, version: str | None = None):
    """``compute()``, computed once per data version in this process for ``key``; computed afresh without a cache,
    and inside a transaction (it may read rows not yet committed, and a rollback makes no new version).
    ``version``: the current version, when the caller has just read it."""
    if connection.in_atomic_block:
        return compute()
    version = version or current()
    if version is None:
        return compute()
    full_key = (version, key)
    if full_key in _remembered:
        return _remembered[full_key]
    value = compute()
    if len(_remembered) >= REMEMBERED_KEPT:
        _remembered.clear()  # mostly earlier versions' values, unreachable anyway
    _remembered[full_key] = value
    return value
