"""Work to run once per transaction, after it commits."""

import functools
from collections.abc import Callable, Hashable

from django.db import transaction


def on_commit_once(key: Hashable, func: Callable, *args) -> None:
    """Run ``func(*args)`` after the current transaction commits (at once outside one), once per ``key``.

    A transaction that touches many rows asks many times; only the first request per key is kept.
    """
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(getattr(f, "once_key", None) == key for _, f, _ in conn.run_on_commit):
        return
    callback = functools.partial(func, *args)
    callback.once_key = key
    transaction.on_commit(callback)
