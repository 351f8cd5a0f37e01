"""``/changes/?since=D``: every event and measure created or edited on or after D, grouped by record (the
changes feed as a page). Each record lists its revisions since D, each linking to the record as it was then.

It reads the same histories as the Atom feed (``pages.changes_feed``, ``disputes.history``). A page of
records costs a fixed number of queries, whatever the number of records or revisions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone

from core.revisions import HistorySpec, Revision, histories

from .analyst_forms import SinceForm
from .changes_feed import RECORDS

PAGE_SIZE = 50
#: The window shown when no date is given.
DEFAULT_DAYS = 7


@dataclass
class ChangedRecord:
    """A record changed since the day asked for, with its revisions since then (oldest first)."""

    kind: str  #: "event" or "measure"
    pk: int
    last: dt.datetime
    revisions: list[Revision]

    @property
    def title(self) -> str:
        return self.revisions[-1].row.title if self.revisions else ""


def _changed_ids(model: type, spec: HistorySpec, since: dt.datetime) -> dict[int, dt.datetime]:
    """Ids of the records of ``model`` whose history (theirs or their children's) moved since ``since``,
    with the time it last moved."""
    sources = [(model, model._meta.pk.name)] + [
        (child.model, child.model._meta.get_field(child.parent).attname) for child in spec.children
    ]
    latest: dict[int, dt.datetime] = {}
    for recorded, key in sources:
        rows = recorded.history.filter(history_date__gte=since).values(key).annotate(last=Max("history_date"))
        for record_id, last in rows.values_list(key, "last"):
            if record_id is not None and (record_id not in latest or last > latest[record_id]):
                latest[record_id] = last
    return latest


def changed_since(since: dt.datetime) -> list[tuple[type, int, dt.datetime]]:
    """Every published event and measure changed since ``since``: (model, id, last change), latest first."""
    found = []
    for model, spec in RECORDS:
        latest = _changed_ids(model, spec, since)
        published = set(model.objects.filter(pk__in=list(latest)).values_list("pk", flat=True))
        found += [(model, pk, last) for pk, last in latest.items() if pk in published]
    found.sort(key=lambda item: (item[2], item[0]._meta.model_name, item[1]), reverse=True)
    return found


def with_revisions(items, since: dt.datetime) -> list[ChangedRecord]:
    """The records of ``items`` with their revisions made since ``since``: one history read per kind of record."""
    specs = dict(RECORDS)
    found = {}
    for model in {model for model, _pk, _last in items}:
        ids = [pk for m, pk, _last in items if m is model]
        found[model] = histories(model, ids, specs[model])
    return [
        ChangedRecord(model._meta.model_name, pk, last, [r for r in found[model].get(pk, []) if r.when >= since])
        for model, pk, last in items
    ]


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the site's time zone (from 2 January of year 1: nothing is older, and
    midnight of 1 January would fall before year 1 in UTC for a zone east of Greenwich)."""
    return timezone.make_aware(dt.datetime.combine(max(day, dt.date(1, 1, 2)), dt.time.min))


def changes(request):
    form = SinceForm(request.GET)
    day = form.day() or timezone.localdate() - dt.timedelta(days=DEFAULT_DAYS)
    since = start_of(day)
    page = Paginator(changed_since(since), PAGE_SIZE).get_page(request.GET.get("page"))
    records = with_revisions(list(page.object_list), since)
    context = {"form": form, "day": day, "page": page, "records": records}
    return render(request, "pages/changes.html", context)
