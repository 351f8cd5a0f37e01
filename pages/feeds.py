"""Atom feeds: newly recorded events, one dispute's timeline, the events of one actor.

Feeds are in English whatever the reader's language and link to the English record pages with
absolute addresses. They take the query parameters of the page they mirror (the event list's for
the event feeds, the dispute page's for the dispute feed), so a filtered view can be subscribed to
as it is. Each entry names its sources in its content. A feed costs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import gettext as _

from core.permalinks import record_url
from disputes.models import Actor, Dispute, Event
from timelines.choices import RecordType
from timelines.models import TimelineEntry

from . import subscriptions
from .templatetags.pages_tags import kind_label

#: The newest events an event feed carries.
EVENTS_LENGTH = 50
#: The latest timeline entries (by date, scheduled ones included) a dispute feed carries.
TIMELINE_LENGTH = 100


class AtomWithContent(Atom1Feed):
    """Atom entries that carry an HTML ``<content>`` beside their ``<summary>``."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


@dataclass(frozen=True)
class FeedEntry:
    title: str
    link: str
    guid: str
    summary: str
    content: str
    published: dt.datetime
    updated: dt.datetime
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Channel:
    title: str
    subtitle: str
    link: str
    feed_url: str
    entries: list[FeedEntry]


class TradeWatchFeed(Feed):
    """An Atom feed in English whose ``get_object`` returns a ready ``Channel``."""

    feed_type = AtomWithContent
    language = "en"
    author_name = "TradeWatch"

    def __call__(self, request, *args, **kwargs):
        with translation.override("en"):
            try:
                return super().__call__(request, *args, **kwargs)
            except subscriptions.InvalidFilters as error:
                return error.response()

    def title(self, channel):
        return channel.title

    def subtitle(self, channel):
        return channel.subtitle

    def link(self, channel):
        return channel.link

    def feed_url(self, channel):
        return channel.feed_url

    def feed_guid(self, channel):
        return channel.feed_url

    def items(self, channel):
        return channel.entries

    def item_title(self, entry):
        return entry.title

    def item_description(self, entry):
        return escape(entry.summary)

    def item_link(self, entry):
        return entry.link

    def item_guid(self, entry):
        return entry.guid

    def item_pubdate(self, entry):
        return entry.published

    def item_updateddate(self, entry):
        return entry.updated

    def item_categories(self, entry):
        return entry.categories

    def item_extra_kwargs(self, entry):
        return {"content": entry.content}


def sources_html(sources: list[dict]):
    sources = subscriptions.distinct_sources(sources)
    if not sources:
        return format_html("<p>{}</p>", subscriptions.no_sources_text())
    items = format_html_join(
        "",
        "<li>{}{}{}</li>",
        (
            (
                format_html('<a href="{}">{}</a>', s["url"], s["title"]) if s.get("url") else s["title"],
                f", {s['publisher']}" if s.get("publisher") else "",
                f", {s['published_on']}" if s.get("published_on") else "",
            )
            for s in sources
        ),
    )
    return format_html("<h3>{}</h3><ul>{}</ul>", _("Sources"), items)


def event_entry(event: Event, absolute) -> FeedEntry:
    link = absolute(event.get_absolute_url())
    participants = ", ".join(p.actor.name for p in event.participations.all())
    details = format_html_join(
        "",
        "<p><strong>{}</strong> {}</p>",
        (
            (label, value)
            for label, value in (
                (_("Date:"), subscriptions.when(event.date, event.date_precision, event.end_date)),
                (_("Kind:"), event.get_kind_display()),
                (_("Dispute:"), event.dispute.title),
                (_("Participants:"), participants),
                (_("Location:"), event.location),
            )
            if value
        ),
    )
    outcome = format_html("<p><strong>{}</strong> {}</p>", _("Outcome:"), event.outcome) if event.outcome else ""
    summary = format_html("<p>{}</p>", event.summary) if event.summary else ""
    return FeedEntry(
        title=f"{subscriptions.iso_when(event.date, event.date_precision)} · {event.title}",
        link=link,
        guid=link,
        summary=event.summary or event.title,
        content=format_html("{}{}{}{}", details, summary, outcome, sources_html(subscriptions.event_sources(event))),
        published=event.created_at,
        updated=event.updated_at,
        categories=(str(event.get_kind_display()), event.dispute.title),
    )


def timeline_entry(entry: TimelineEntry, absolute) -> FeedEntry:
    link = absolute(subscriptions.record_path(entry))
    # An event is its own record; a measure or case has several dated entries, told apart by their key.
    guid = link if entry.record_type == RecordType.EVENT else f"{link}#{entry.key.split(':', 2)[-1].replace(':', '-')}"
    content = format_html(
        "<p><strong>{}</strong> {}</p><p><strong>{}</strong> {}</p>{}{}",
        _("Date:"),
        subscriptions.when(entry.date, entry.date_precision, entry.end_date),
        _("Kind:"),
        kind_label(entry.kind),
        format_html("<p>{}</p>", entry.text) if entry.text else "",
        sources_html(entry.sources),
    )
    return FeedEntry(
        title=f"{subscriptions.iso_when(entry.date, entry.date_precision)} · {entry.title}",
        link=link,
        guid=guid,
        summary=entry.text or entry.title,
        content=content,
        published=entry.record_created_at,
        updated=entry.record_updated_at,
        categories=(str(kind_label(entry.kind)),),
    )


class NewEventsFeed(TradeWatchFeed):
    """``/feeds/events/``: events as they are recorded, newest first, in every dispute."""

    def get_object(self, request):
        absolute = request.build_absolute_uri
        events = subscriptions.events(request.GET, Event.objects.all(), EVENTS_LENGTH)
        return Channel(
            title=_("TradeWatch: new events"),
            subtitle=_("Events recorded in TradeWatch, newest first, each with its sources."),
            link=absolute(reverse("pages:home")),
            feed_url=absolute(),
            entries=[event_entry(event, absolute) for event in events],
        )


class DisputeFeed(TradeWatchFeed):
    """``/disputes/{slug}/feed/``: the dispute's events, measure milestones and case steps, latest first."""

    def get_object(self, request, slug):
        dispute = Dispute.objects.get(slug=slug)
        absolute = request.build_absolute_uri
        entries = subscriptions.timeline(dispute, request.GET, TIMELINE_LENGTH)
        query = request.META.get("QUERY_STRING", "")
        page = record_url("dispute", dispute.slug, in_language=True)
        return Channel(
            title=_("TradeWatch: %(dispute)s") % {"dispute": dispute.title},
            subtitle=_("Events, measure milestones and case steps of %(dispute)s, each with its sources.")
            % {"dispute": dispute.title},
            link=absolute(f"{page}?{query}" if query else page),
            feed_url=absolute(),
            entries=[timeline_entry(entry, absolute) for entry in entries],
        )


class ActorFeed(TradeWatchFeed):
    """``/actors/{slug or ISO code}/feed/``: events the actor took part in, newest recorded first."""

    def get_object(self, request, slug):
        actor = Actor.objects.identified_by(slug).first()
        if actor is None:
            raise Http404("No such actor.")
        absolute = request.build_absolute_uri
        events = subscriptions.events(request.GET, Event.objects.involving(actor), EVENTS_LENGTH)
        return Channel(
            title=_("TradeWatch: events with %(actor)s") % {"actor": actor.name},
            subtitle=_("Events %(actor)s took part in, newest recorded first, each with its sources.")
            % {"actor": actor.name},
            link=absolute(actor.get_absolute_url()),
            feed_url=absolute(),
            entries=[event_entry(event, absolute) for event in events],
        )
