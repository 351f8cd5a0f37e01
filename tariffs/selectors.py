"""Reads of the tariffs app that the API and the pages share: the query shapes of measures.

``measures_listed`` is what a list of measures shows (who imposed each, on whom, in which dispute);
``measures_for_display`` adds the collections both a measure's API answer and its page show. Links
between measures are left to the caller: the API lists them by id, a page with the measure at the far end.
"""

from django.db.models import Prefetch, QuerySet

from .models import Measure, MeasureCitation, MeasureLink


def measure_citations() -> Prefetch:
    """A measure's citations, each with its source."""
    return Prefetch("citations", queryset=MeasureCitation.objects.select_related("source"))


def links_in() -> Prefetch:
    """The links pointing at a measure, each with the measure it comes from and its source."""
    return Prefetch("links_in", queryset=MeasureLink.objects.select_related("from_measure", "source"))


def links_out() -> Prefetch:
    """A measure's links to others, each with the measure it points to and its source."""
    return Prefetch("links_out", queryset=MeasureLink.objects.select_related("to_measure", "source"))


def measures_listed(queryset: QuerySet[Measure] | None = None) -> QuerySet[Measure]:
    """``queryset`` (all measures by default) with the imposing actor, the dispute and the targets."""
    queryset = Measure.objects.all() if queryset is None else queryset
    return queryset.select_related("imposed_by", "dispute").prefetch_related("applies_to")


def measures_for_display(queryset: QuerySet[Measure] | None = None) -> QuerySet[Measure]:
    """``measures_listed`` plus each measure's rate periods, product lines, cases and cited sources."""
    return measures_listed(queryset).prefetch_related("rate_periods", "product_lines", "cases", measure_citations())
