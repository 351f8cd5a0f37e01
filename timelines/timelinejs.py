"""A dispute's timeline as a Knight Lab TimelineJS3 document, for newsrooms to embed.

The document follows TimelineJS3's JSON format (https://timeline.knightlab.com/docs/json-format.html):

- ``title``: a slide for the dispute (title, summary, link to its page);
- ``events``: one slide per timeline entry, ``unique_id`` being the entry's stable ``key``.
  ``start_date``/``end_date`` are date parts honouring the entry's precision (a month-precision
  entry has no ``day``); ``group`` is the name of the entry's side, HTML-escaped twice (entries of
  both sides or of neither share one group); ``text`` carries the HTML-escaped headline and text,
  the cited sources as links and a link to the record's page;
- ``media``: the first cited source. TimelineJS3 picks a media type by matching ``media.url``
  against patterns, and a plain web page address falls through to its image type (the page would be
  loaded as an ``<img>``; a ``.pdf`` address would be framed). So ``media.url`` is a
  ``<blockquote>`` with the source's title (TimelineJS3's blockquote type, drawn locally, nothing
  fetched), ``media.link`` is the source's address and ``media.credit`` its publisher and date;
- ``eras``: the dispute's escalation phases (see :func:`escalation_phases`).

Everything here is pure except :func:`measure_windows` and :func:`measure_links`, which read with
one query each, so a document costs the same number of queries whatever the number of entries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils import formats
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import shifted
from core.permalinks import record_url
from disputes.choices import DatePrecision
from disputes.selectors import Side, dispute_sides, side_of_country
from tariffs.choices import RateState
from tariffs.models import MeasureLink, RatePeriod


@dataclass(frozen=True)
class MeasureWindow:
    """When one measure was active: from its announcement to the last day of its last in-force period."""

    measure_id: int
    side: str
    start: dt.date
    end: dt.date | None  # None: still in force (an open-ended period)


@dataclass(frozen=True)
class Phase:
    """One escalation phase: a stretch of time with measures active, and how many per side."""

    number: int
    start: dt.date
    end: dt.date | None  # None: still going
    measures: tuple[tuple[str, int], ...]  # (side slug, number of measures), most first


# --- reads ---------------------------------------------------------------------------------------


def measure_windows(dispute, sides: Sequence[Side]) -> list[MeasureWindow]:
    """The active window of each measure of ``dispute`` that was ever in force (one query).

    A window starts on the earlier of the announcement and the first in-force day, and ends on the
    last day of the last in-force period (``None`` when a period is open-ended). Measures never in
    force (proposed, announced only, suspended throughout) have no window.
    """
    rows = (
        RatePeriod.objects.filter(measure__dispute=dispute, state=RateState.IN_FORCE)
        .order_by("measure_id", "valid_from")
        .values("measure_id", "measure__announced_on", "measure__imposed_by__country", "valid_from", "valid_to")
    )
    periods: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        periods[row["measure_id"]].append(row)
    windows = []
    for measure_id, in_force in periods.items():
        first = in_force[0]
        ends = [period["valid_to"] for period in in_force]
        windows.append(
            MeasureWindow(
                measure_id=measure_id,
                side=side_of_country(sides, first["measure__imposed_by__country"]),
                start=min(first["measure__announced_on"], first["valid_from"]),
                end=None if None in ends else max(ends),
            )
        )
    return windows


def measure_links(dispute) -> list[tuple[int, int]]:
    """(from, to) measure ids of every link between the measures of ``dispute`` (one query)."""
    return list(
        MeasureLink.objects.filter(from_measure__dispute=dispute)
        .order_by("id")
        .values_list("from_measure_id", "to_measure_id")
    )


# --- escalation phases ---------------------------------------------------------------------------


def escalation_phases(windows: Iterable[MeasureWindow], links: Iterable[tuple[int, int]]) -> list[Phase]:
    """The escalation phases of a dispute, in date order, numbered from 1.

    Derived from the data, nothing hard-coded:

    1. each measure that was ever in force has an active window (:func:`measure_windows`);
    2. measures joined by a ``MeasureLink`` of any type (retaliates against, responds to, amends,
       suspends, …) form one chain, active from its first measure's start to its last one's end,
       so an answer announced after the measure it answers had lapsed still continues that phase;
    3. chains whose windows overlap or touch (the next starts on or before the day after the
       previous ends) merge into one phase. A phase still in force has no end.

    For Canada–China this gives two phases: China's canola and meat suspensions (March 2019 to
    April 2022) and the electric-vehicle surtaxes and China's answers (from August 2024, still going).
    """
    windows = list(windows)
    parent = {window.measure_id: window.measure_id for window in windows}

    def root(measure_id: int) -> int:
        while parent[measure_id] != measure_id:
            parent[measure_id] = parent[parent[measure_id]]
            measure_id = parent[measure_id]
        return measure_id

    for source, target in links:
        if source in parent and target in parent:
            parent[root(source)] = root(target)

    chains: dict[int, list[MeasureWindow]] = defaultdict(list)
    for window in windows:
        chains[root(window.measure_id)].append(window)
    spans = sorted(
        (
            (
                min(w.start for w in members),
                None if any(w.end is None for w in members) else max(w.end for w in members),
                members,
            )
            for members in chains.values()
        ),
        key=lambda span: (span[0], min(w.measure_id for w in span[2])),
    )

    merged: list[tuple[dt.date, dt.date | None, list[MeasureWindow]]] = []
    for start, end, members in spans:
        if merged and (merged[-1][1] is None or start <= shifted(merged[-1][1], 1)):
            last_start, last_end, last_members = merged[-1]
            end = None if end is None or last_end is None else max(end, last_end)
            merged[-1] = (last_start, end, last_members + members)
        else:
            merged.append((start, end, list(members)))

    phases = []
    for number, (start, end, members) in enumerate(merged, start=1):
        per_side = Counter(window.side for window in members)
        ordered = tuple(sorted(per_side.items(), key=lambda item: (-item[1], item[0])))
        phases.append(Phase(number=number, start=start, end=end, measures=ordered))
    return phases


# --- the document --------------------------------------------------------------------------------


def date_parts(day: dt.date, precision: str = DatePrecision.DAY) -> dict[str, int]:
    """TimelineJS date parts of ``day``: the year, the month unless the precision is the year, the day
    only when the precision is the day."""
    parts = {"year": day.year}
    if precision != DatePrecision.YEAR:
        parts["month"] = day.month
    if precision == DatePrecision.DAY:
        parts["day"] = day.day
    return parts


# Patterns TimelineJS3 (3.9) tries before its blockquote type and that can match anywhere in
# ``media.url``: a source title naming one of them would be embedded as a video, PDF, map or frame.
MEDIA_TRIGGERS = re.compile(
    r"youtu\.be|google|documentcloud\.org/|imgur\.com/|\.pdf|spotify|iframe|twitter-tweet", re.IGNORECASE
)


def inert_html(text: str) -> str:
    """``text`` escaped for HTML, with the first character of any media-type trigger written as a
    character reference: the browser shows the same text, TimelineJS3 sees no pattern."""
    return MEDIA_TRIGGERS.sub(lambda match: f"&#{ord(match[0][0])};{match[0][1:]}", escape(text))


def _distinct_sources(sources: Iterable[dict]) -> list[dict]:
    """One item per source (a source cited for several fields appears once), in citation order."""
    seen, kept = set(), []
    for source in sources:
        if source["id"] not in seen:
            seen.add(source["id"])
            kept.append(source)
    return kept


def _published(source: dict) -> str:
    if not source.get("published_on"):
        return ""
    return formats.date_format(dt.date.fromisoformat(source["published_on"]), "DATE_FORMAT")


def _credit(source: dict) -> str:
    return ", ".join(part for part in (source.get("publisher", ""), _published(source)) if part)


def _source_html(source: dict):
    title = source.get("title") or source.get("url") or _("Source")
    credit = _credit(source)
    suffix = format_html(" ({})", credit) if credit else ""
    if source.get("url"):
        return format_html('<a href="{}">{}</a>{}', source["url"], title, suffix)
    return format_html("{}{}", title, suffix)


def _media(source: dict) -> dict:
    quote = source.get("quote", "")
    media = {
        "url": f"<blockquote><p>{inert_html(quote or source.get('title') or '')}</p></blockquote>",
        "credit": escape(_credit(source)),
    }
    if quote:
        media["caption"] = escape(source.get("title", ""))
    if source.get("url"):
        media["link"] = source["url"]
        media["link_target"] = "_blank"
    return media


def _slide(entry, group: str, absolute_url: Callable[[str], str]) -> dict:
    sources = _distinct_sources(entry.sources)
    paragraphs = []
    if entry.scheduled:
        paragraphs.append(format_html('<p class="tw-scheduled"><strong>{}</strong></p>', _("Scheduled")))
    if entry.text:
        paragraphs.append(format_html("<p>{}</p>", entry.text))
    if sources:
        listed = format_html_join("; ", "{}", ((_source_html(source),) for source in sources))
        paragraphs.append(format_html('<p class="tw-sources">{}: {}</p>', _("Sources"), listed))
    record = absolute_url(record_url(entry.record_type, entry.record_id))
    paragraphs.append(
        format_html('<p class="tw-record"><a href="{}">{}</a></p>', record, _("The record on TradeWatch"))
    )
    slide = {
        "unique_id": entry.key,
        "start_date": date_parts(entry.date, entry.date_precision),
        "text": {"headline": escape(entry.title), "text": "".join(paragraphs)},
        # TimelineJS strips the tags of a group name by decoding it as HTML, then writes what is left
        # into the page as HTML: escaped twice, the name survives both as the text it is.
        "group": escape(escape(group)),
    }
    if entry.end_date and entry.end_date != entry.date:
        slide["end_date"] = date_parts(entry.end_date, entry.date_precision)
    if sources:
        slide["media"] = _media(sources[0])
    return slide


def _era(phase: Phase, start: dt.date, end: dt.date, names: dict[str, str]) -> dict:
    total = sum(count for _side, count in phase.measures)
    other = _("other")  # outside the f-string, where makemessages can see it
    per_side = ", ".join(f"{names.get(side) or other} {count}" for side, count in phase.measures)
    headline = ngettext(
        "Phase %(number)d: %(count)d measure (%(sides)s)",
        "Phase %(number)d: %(count)d measures (%(sides)s)",
        total,
    ) % {"number": phase.number, "count": total, "sides": per_side}
    return {"start_date": date_parts(start), "end_date": date_parts(end), "text": {"headline": escape(headline)}}


def timeline_document(
    dispute, entries: Sequence, sides: Sequence[Side], phases: Sequence[Phase], *, absolute_url: Callable[[str], str]
) -> dict:
    """The TimelineJS3 document of ``entries`` (timeline entries of ``dispute``, already filtered).

    Eras are the ``phases`` that overlap the entries' dates, cut to them: an era outside the slides
    would stretch TimelineJS's time axis, and a phase still going ends on the last slide's date.
    An era that would last a single day is left out (TimelineJS needs an end after the start).
    """
    names = {side.slug: side.name for side in sides}
    neither = _("Both sides or neither")
    events = [_slide(entry, names.get(entry.side) or neither, absolute_url) for entry in entries]
    eras = []
    if entries:
        first = min(entry.date for entry in entries)
        last = max(entry.end_date or entry.date for entry in entries)
        for phase in phases:
            start, end = max(phase.start, first), min(phase.end or last, last)
            if start < end:
                eras.append(_era(phase, start, end, names))
    page = absolute_url(record_url("dispute", dispute.slug))
    summary = format_html("<p>{}</p>", dispute.summary) if dispute.summary else ""
    return {
        "title": {
            "unique_id": f"dispute:{dispute.slug}",
            "text": {
                "headline": escape(dispute.title),
                "text": summary
                + format_html(
                    '<p class="tw-record"><a href="{}">{}</a></p>', page, _("The dispute on TradeWatch")
                ),  # fmt: skip
            },
        },
        "events": events,
        "eras": eras,
        "scale": "human",
    }


def dispute_document(dispute, entries: Iterable, *, absolute_url: Callable[[str], str] = str) -> dict:
    """The TimelineJS3 document of ``dispute`` for ``entries`` (its timeline, filtered or not).

    Reads the sides, the measures' windows and their links: three queries, whatever the entries.
    """
    sides = dispute_sides(dispute)
    phases = escalation_phases(measure_windows(dispute, sides), measure_links(dispute))
    return timeline_document(dispute, list(entries), sides, phases, absolute_url=absolute_url)
