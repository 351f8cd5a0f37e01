"""``/feeds/changes/``: the latest revisions of events and measures, site-wide, as an Atom feed.

Each entry is one revision (``disputes.history``): it names the record and the fields the edit
changed, from what to what, and links to the record's page as it was then (``?as_of_revision=N``).
It never names the editor. In English, like the other feeds; answers ``If-Modified-Since`` with
304 until a history row changes. A fixed number of queries, whatever the number of entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.http import http_date
from django.utils.translation import gettext as _

from core.api.viewsets import last_change
from core.permalinks import record_url
from core.revisions import HistorySpec, Revision, histories, recently_changed
from disputes.history import EVENT_REVISIONS
from disputes.models import Event
from tariffs.history import MEASURE_REVISIONS
from tariffs.models import Measure

#: How many revisions the feed carries.
CHANGES_LENGTH = 50
RECORDS: tuple[tuple[type, HistorySpec], ...] = ((Event, EVENT_REVISIONS), (Measure, MEASURE_REVISIONS))


@dataclass(frozen=True)
class RecordRevision:
    """A revision with the record it belongs to."""

    model: type
    pk: int
    revision: Revision

    @property
    def title(self) -> str:
        return self.revision.row.title  # as it was then

    @property
    def when(self) -> dt.datetime:
        return self.revision.when


def latest_revisions(limit: int = CHANGES_LENGTH) -> list[RecordRevision]:
    """The ``limit`` latest revisions of events and measures still published, newest first."""
    found = []
    for model, spec in RECORDS:
        # The latest revisions all belong to the records changed last.
        ids = recently_changed(model, spec, limit)
        published = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
        for pk, revisions in histories(model, [pk for pk in ids if pk in published], spec).items():
            found.extend(RecordRevision(model, pk, revision) for revision in revisions[-limit:])
    found.sort(key=lambda item: (item.when, item.model._meta.model_name, item.pk), reverse=True)
    return found[:limit]


def _history_models() -> list[type]:
    return [m for model, spec in RECORDS for m in (model, *(child.model for child in spec.children))]


class ChangesFeed(Feed):
    """Every edit of an event or a measure, newest first."""

    feed_type = Atom1Feed
    language = "en"
    author_name = "TradeWatch"

    def __call__(self, request, *args, **kwargs):
        changed = last_change(_history_models())
        timestamp = int(changed.timestamp()) if changed else None  # HTTP dates count whole seconds
        not_modified = get_conditional_response(request, last_modified=timestamp)
        if not_modified is not None:
            return not_modified
        with translation.override("en"):
            response = super().__call__(request, *args, **kwargs)
        if timestamp is not None:
            response["Last-Modified"] = http_date(timestamp)
        return response

    def title(self):
        return _("TradeWatch: latest changes")

    def subtitle(self):
        return _("Every edit of an event or a measure: what changed, with a link to the record as it was.")

    def link(self):
        return reverse("pages:home")

    def items(self):
        return latest_revisions()

    def item_title(self, item: RecordRevision):
        kind = {"created": _("created"), "deleted": _("deleted")}.get(item.revision.kind, _("changed"))
        noun = _("Event") if item.model is Event else _("Measure")
        return f"{noun} {kind}: {item.title} (" + _("revision %(number)d") % {"number": item.revision.number} + ")"

    def item_description(self, item: RecordRevision):
        revision = item.revision
        if not revision.changes:
            return format_html("<p>{}</p>", _("Recorded.") if revision.kind == "created" else _("No field changed."))
        names = ", ".join(change.label for change in revision.changes)
        changes = format_html_join(
            "",
            "<li>{}: <del>{}</del> → <ins>{}</ins></li>",
            ((change.label, change.old_text or "—", change.new_text or "—") for change in revision.changes),
        )
        return format_html("<p>{} {}</p><ul>{}</ul>", _("Changed:"), names, changes)

    def item_link(self, item: RecordRevision):
        page = record_url(item.model._meta.model_name, item.pk, in_language=True)
        return f"{page}?as_of_revision={item.revision.number}"

    def item_pubdate(self, item: RecordRevision):
        return item.when

    def item_updateddate(self, item: RecordRevision):
        return item.when

    def item_categories(self, item: RecordRevision):
        return (item.model._meta.model_name, item.revision.kind)
