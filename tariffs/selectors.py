"""Reads of the tariffs app that the API and the pages share: the query shapes of measures.

``measures_listed`` is what a list of measures shows (who imposed each, on whom, in which dispute);
``measures_for_display`` adds the collections both a measure's API answer and its page show; ``measure_in_full``
adds what only one measure's answer or page shows (exemptions). Links between measures are left to the caller:
the API lists them by id, a page with the measure at the far end.
"""

from django.db.models import Prefetch, QuerySet

from .models import Measure, MeasureCitation, MeasureExemption, MeasureExemptionCitation, MeasureLink, RatePeriod


def measure_citations() -> Prefetch:
    """A measure's citations, each with its source."""
    return Prefetch("citations", queryset=MeasureCitation.objects.select_related("source"))


def rate_periods() -> tuple:
    """A measure's rate periods, each with its exporter and the measure it is stacked on (and that one's periods,
    for the total on a date: one more query only when some rate is stacked on a measure)."""
    periods = RatePeriod.objects.select_related("exporter", "on_top_of_measure__dispute")
    return Prefetch("rate_periods", queryset=periods), "rate_periods__on_top_of_measure__rate_periods"


def exemptions() -> tuple:
    """A measure's exemptions and remissions, each with its cited sources."""
    return (
        Prefetch("exemptions", queryset=MeasureExemption.objects.all()),
        Prefetch("exemptions__citations", queryset=_exemption_citations()),
    )


def exemptions_of(measure_ids) -> QuerySet[MeasureExemption]:
    """The exemptions and remissions of the measures ``measure_ids``, in their order, each with its cited sources."""
    return MeasureExemption.objects.filter(measure_id__in=measure_ids).prefetch_related(
        Prefetch("citations", queryset=_exemption_citations())
    )


def _exemption_citations() -> QuerySet[MeasureExemptionCitation]:
    return MeasureExemptionCitation.objects.select_related("source")


def links_in() -> Prefetch:
    """The links pointing at a measure, each with the measure it comes from (and its dispute) and its source."""
    return Prefetch("links_in", queryset=MeasureLink.objects.select_related("from_measure__dispute", "source"))


def links_out() -> Prefetch:
    """A measure's links to others, each with the measure it points to (and its dispute) and its source."""
    return Prefetch("links_out", queryset=MeasureLink.objects.select_related("to_measure__dispute", "source"))


def measures_listed(queryset: QuerySet[Measure] | None = None) -> QuerySet[Measure]:
    """``queryset`` (all measures by default) with the imposing actor, the dispute and the targets."""
    queryset = Measure.objects.all() if queryset is None else queryset
    return queryset.select_related("imposed_by", "dispute").prefetch_related("applies_to")


def measures_for_display(queryset: QuerySet[Measure] | None = None) -> QuerySet[Measure]:
    """``measures_listed`` plus each measure's rate periods, product lines, cases and cited sources."""
    return measures_listed(queryset).prefetch_related(*rate_periods(), "product_lines", "cases", measure_citations())


def measure_in_full(queryset: QuerySet[Measure] | None = None) -> QuerySet[Measure]:
    """``measures_for_display`` plus what only one measure's answer or page shows: its exemptions."""
    return measures_for_display(queryset).prefetch_related(*exemptions())
