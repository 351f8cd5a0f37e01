"""Change sets: every history row one write makes carries the same id.

A write is one API request, one admin save, one import run, one dataset load or one service call made
outside those. ``change_set()`` opens one (or joins the one already open), and the history rows written
inside it are stamped with its id; a record's revisions are grouped by that id (see ``core.revisions``),
so one edit is one revision however many rows it touches, and two edits are two revisions however close
in time. The change set also counts the rows it wrote, by model and kind, which is what the dataset
loader and the importer report.
"""

from __future__ import annotations

import contextvars
import functools
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


@dataclass
class ChangeSet:
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    #: History rows written, by (model name, "created" | "updated" | "deleted").
    counts: Counter = field(default_factory=Counter)
    #: Why, in a few words (``Imported from measures.csv``), kept as each history row's change reason.
    reason: str = ""

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


_current: contextvars.ContextVar[ChangeSet | None] = contextvars.ContextVar("change_set", default=None)


def current() -> ChangeSet | None:
    return _current.get()


@contextmanager
def change_set(reason: str = "") -> Iterator[ChangeSet]:
    """Open a change set for the writes inside, or join the one already open (giving it ``reason`` if it has none)."""
    open_one = _current.get()
    if open_one is not None:
        open_one.reason = open_one.reason or reason
        yield open_one
        return
    token = _current.set(ChangeSet(reason=reason))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def in_change_set(func: Callable) -> Callable:
    """Run ``func`` inside a change set (the caller's, if one is open)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with change_set():
            return func(*args, **kwargs)

    return wrapper


class ChangeSetMiddleware:
    """One change set per request: everything a request writes is one change."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with change_set():
            return self.get_response(request)


class ChangeSetRecord(models.Model):
    """Base of every history model (``HistoricalRecords(bases=[ChangeSetRecord])``): the change set of the row."""

    change_set = models.UUIDField(_("change set"), null=True, blank=True, db_index=True, editable=False)

    class Meta:
        abstract = True


KINDS = {"+": "created", "~": "updated", "-": "deleted"}


def stamp(sender, history_instance, **kwargs) -> None:
    """Receiver of simple_history's ``pre_create_historical_record``: the row joins the open change set.

    A row written outside any change set is a change of its own.
    """
    open_one = _current.get()
    history_instance.change_set = open_one.id if open_one is not None else uuid.uuid4()
    if open_one is not None and open_one.reason and not history_instance.history_change_reason:
        history_instance.history_change_reason = open_one.reason[:100]


def count(sender, instance, history_instance, **kwargs) -> None:
    """Receiver of ``post_create_historical_record``: the open change set counts the row."""
    open_one = _current.get()
    if open_one is not None:
        open_one.counts[(type(instance).__name__, KINDS.get(history_instance.history_type, "updated"))] += 1
