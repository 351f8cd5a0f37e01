"""``/compare/?d=<slug>&d=<slug>[&d=<slug>]&align=day0|calendar``: two or three disputes side by side.

For each dispute: its escalation steps (every measure in order of announcement, with the side that imposed it, its
type, its first rate and when that rate took effect), each step's day counted from the dispute's first measure
(day 0: the first announcement), and the days from a measure to each measure that answered it (a link that
retaliates against it or responds to it), with their median. Steps line up either on day 0 or on calendar dates.
Five queries, whatever the number of disputes picked, measures or links.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from disputes.models import Dispute
from disputes.selectors import Side, disputes_for_display, side_of_country, sides_of
from tariffs.choices import LinkType, MeasureType
from tariffs.models import Measure, MeasureLink, RatePeriod

from .choices import Alignment

#: Link types by which one measure answers another (``from_measure`` answers ``to_measure``).
ANSWER_TYPES = (LinkType.RETALIATES_AGAINST, LinkType.RESPONDS_TO)
MIN_DISPUTES, MAX_DISPUTES = 2, 3


class CompareForm(forms.Form):
    """The disputes picked (``d``, two or three slugs, each once) and the alignment (``align``, day0 by default).

    The messages name the choices, never the value sent: a link must not put its words on the page."""

    d = forms.MultipleChoiceField(
        label=_("Disputes"),
        required=False,
        error_messages={"invalid_choice": _("Pick disputes from the list: one of the slugs given is unknown.")},
    )
    align = forms.ChoiceField(
        label=_("Align"),
        choices=Alignment.choices,
        required=False,
        error_messages={"invalid_choice": _("Align on day 0 (day0) or on calendar dates (calendar).")},
    )

    def __init__(self, data=None, *, disputes: list[Dispute]):
        super().__init__(data)
        self.disputes = {dispute.slug: dispute for dispute in disputes}
        self.fields["d"].choices = [(dispute.slug, dispute.title) for dispute in disputes]

    def clean_d(self):
        slugs = self.cleaned_data["d"]
        if len(set(slugs)) != len(slugs):
            raise forms.ValidationError(_("Pick each dispute once."), code="repeated")
        if not MIN_DISPUTES <= len(slugs) <= MAX_DISPUTES:
            raise forms.ValidationError(_("Pick two or three disputes."), code="count")
        return slugs

    def picked(self) -> list[Dispute]:
        """The disputes asked for, in the order given; empty when the form is invalid."""
        return [self.disputes[slug] for slug in self.cleaned_data["d"]] if self.is_valid() else []

    def alignment(self) -> str:
        """The alignment asked for when it is one of the choices (even if the disputes are not), else day 0."""
        self.is_valid()  # cleans each field once; an unbound form has nothing cleaned
        return getattr(self, "cleaned_data", {}).get("align") or Alignment.DAY0.value


@dataclass
class Answer:
    """``measure`` answered the step's measure ``days`` after it was announced (negative: announced before)."""

    measure: Measure
    type: str
    type_label: str
    days: int
    contested: bool


@dataclass
class Step:
    measure: Measure
    side: Side | None
    type_label: str
    day: int  #: days since the dispute's first announcement (day 0)
    first_period: RatePeriod | None  #: the first period with a rate, else the first period
    answers: list[Answer] = field(default_factory=list)

    @property
    def date(self) -> dt.date:
        return self.measure.announced_on

    @property
    def first_rate(self) -> Decimal | None:
        return self.first_period.rate_percent if self.first_period else None


@dataclass
class DisputeColumn:
    dispute: Dispute
    sides: list[Side]
    steps: list[Step]
    day0: dt.date | None
    answer_days: list[int]

    @property
    def median_days_to_answer(self) -> float | int | None:
        """The median of the days from a measure to its answers; None when no measure was answered."""
        if not self.answer_days:
            return None
        median = statistics.median(self.answer_days)
        return int(median) if median == int(median) else median

    @property
    def answers(self) -> list[tuple[Step, Answer]]:
        return [(step, answer) for step in self.steps for answer in step.answers]


@dataclass
class Row:
    """One line of the aligned table: a day number (day0) or a date (calendar), and each dispute's steps on it."""

    key: int | dt.date
    cells: list[list[Step]]


def _first_period(periods: list[RatePeriod]) -> RatePeriod | None:
    with_rate = [period for period in periods if period.rate_percent is not None]
    return (with_rate or periods or [None])[0]


def columns(disputes: list[Dispute]) -> list[DisputeColumn]:
    """Each dispute (with prefetched parties) as a column of escalation steps with its answers (three queries)."""
    ids = [dispute.pk for dispute in disputes]
    periods = Prefetch("rate_periods", queryset=RatePeriod.objects.order_by("valid_from"))
    measures = list(
        Measure.objects.filter(dispute_id__in=ids)
        .select_related("imposed_by")
        .prefetch_related(periods)
        .order_by("announced_on", "id")
    )
    links = list(
        MeasureLink.objects.filter(type__in=ANSWER_TYPES, to_measure__dispute_id__in=ids)
        .select_related("from_measure__dispute")
        .order_by("from_measure__announced_on", "from_measure_id", "type")
    )
    type_labels = dict(MeasureType.choices)
    link_labels = dict(LinkType.choices)
    answers: dict[int, list[Answer]] = {}
    by_id = {measure.pk: measure for measure in measures}
    for link in links:
        answered = by_id[link.to_measure_id]
        days = (link.from_measure.announced_on - answered.announced_on).days
        answer = Answer(link.from_measure, link.type, str(link_labels.get(link.type, link.type)), days, link.contested)
        answers.setdefault(link.to_measure_id, []).append(answer)
    result = []
    for dispute in disputes:
        sides = [side for side, _members in sides_of(dispute.parties.all())]
        own = [measure for measure in measures if measure.dispute_id == dispute.pk]
        day0 = own[0].announced_on if own else None
        steps = []
        for measure in own:
            side_slug = side_of_country(sides, str(measure.imposed_by.country))
            steps.append(
                Step(
                    measure=measure,
                    side=next((side for side in sides if side.slug == side_slug), None),
                    type_label=str(type_labels.get(measure.type, measure.type)),
                    day=(measure.announced_on - day0).days,
                    first_period=_first_period(list(measure.rate_periods.all())),
                    answers=answers.get(measure.pk, []),
                )
            )
        answer_days = [answer.days for step in steps for answer in step.answers]
        result.append(DisputeColumn(dispute, sides, steps, day0, answer_days))
    return result


def aligned_rows(cols: list[DisputeColumn], alignment: str) -> list[Row]:
    """The steps of every column on shared lines: by day number from each day 0, or by calendar date."""
    keys: dict[int | dt.date, list[list[Step]]] = {}
    for index, column in enumerate(cols):
        for step in column.steps:
            key = step.day if alignment == Alignment.DAY0 else step.date
            keys.setdefault(key, [[] for _ in cols])[index].append(step)
    return [Row(key, cells) for key, cells in sorted(keys.items())]


def comparison(disputes: list[Dispute], alignment: str) -> dict:
    """What the compare page and the API show for the picked ``disputes`` (parties prefetched)."""
    cols = columns(disputes)
    return {"columns": cols, "rows": aligned_rows(cols, alignment), "alignment": alignment}


def every_dispute() -> list[Dispute]:
    """Every dispute with its parties, in the order of the disputes list (two queries)."""
    return list(disputes_for_display().order_by("-started_on", "slug"))


def compare(request):
    """The picker, and the comparison once two or three disputes are picked; a bad pick is a 400 saying why."""
    disputes = every_dispute()
    asked = "d" in request.GET or "align" in request.GET
    form = CompareForm(request.GET if asked else None, disputes=disputes)
    picked = form.picked() if asked else []
    context = {
        "form": form,
        "disputes": disputes,
        "chosen": request.GET.getlist("d"),
        "picked": picked,
        "alignments": Alignment.choices,
    }
    if picked:
        context.update(comparison(picked, form.alignment()))
    else:
        context["alignment"] = form.alignment()
    return render(request, "pages/compare.html", context, status=400 if asked and not form.is_valid() else 200)
