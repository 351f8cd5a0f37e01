"""Query vocabulary of the tariffs app. "In force on D" is answered here and nowhere else.

The models are found by name (``apps.get_model``): models.py imports this module, so importing
it back would make a cycle.
"""

import datetime as dt

from django.apps import apps
from django.db import models
from django.db.models import (
    Case,
    CharField,
    DateField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Left, Length
from django.db.models.lookups import Exact

from .choices import MeasureStatus, RateState
from .rate_periods import covering


def _expression(value, output_field):
    """``value`` in a statement: as it is when it is an expression already (a prepared read's placeholder,
    ``core.api.prepared.Late``), else a model's primary key or the value itself, as a parameter."""
    if hasattr(value, "resolve_expression"):
        return value
    return Value(value.pk if isinstance(value, models.Model) else value, output_field=output_field)


class RatePeriodQuerySet(models.QuerySet):
    def covering(self, day: dt.date):
        return self.filter(covering(day))

    def in_force_on(self, day: dt.date):
        return self.covering(day).filter(state=RateState.IN_FORCE)


class MeasureQuerySet(models.QuerySet):
    def _periods_in_force_on(self, day):
        RatePeriod = apps.get_model("tariffs", "RatePeriod")

        return RatePeriod.objects.filter(measure=OuterRef("pk")).in_force_on(day)

    def in_force(self, *, on: dt.date):
        """Measures with a period in state "in force" that covers ``on``."""
        return self.filter(Exists(self._periods_in_force_on(on)))

    def with_rate_on(self, day: dt.date, *, exporter=None):
        """Annotate ``rate_on_date``: the ad valorem rate in force on ``day`` (None if none).

        For ``exporter`` (an Actor) its own period covering ``day`` if it has one, otherwise the residual
        period; without an exporter, the residual rate. The SQL form of ``rate_periods.rate_for``. The day and
        the exporter asked are annotated too (``rate_day``, ``rate_exporter_id``), for what is derived from them.
        """
        RatePeriod = apps.get_model("tariffs", "RatePeriod")

        groups = Q(exporter__isnull=True) if exporter is None else Q(exporter__isnull=True) | Q(exporter=exporter)
        applying = (
            RatePeriod.objects.filter(measure=OuterRef("pk"))
            .covering(day)
            .filter(groups)
            .order_by(F("exporter").asc(nulls_last=True))  # the exporter's own period before the residual one
            .annotate(
                rate_if_in_force=Case(
                    When(state=RateState.IN_FORCE, then=F("rate_percent")),
                    default=Value(None),
                    output_field=DecimalField(max_digits=7, decimal_places=3),
                )
            )
        )
        return self.annotate(
            rate_on_date=Subquery(applying.values("rate_if_in_force")[:1]),
            rate_day=_expression(day, DateField()),
            rate_exporter_id=_expression(exporter, IntegerField()),
        )

    def with_status_on(self, day: dt.date):
        """Annotate ``status_on_date``: the status on ``day`` (None before ``announced_on``).

        The SQL form of ``rate_periods.status_on``; a test checks both agree on every measure.
        """
        RatePeriod = apps.get_model("tariffs", "RatePeriod")

        periods = RatePeriod.objects.filter(measure=OuterRef("pk"))
        covering_day = periods.covering(day)
        status = Case(
            When(announced_on__gt=day, then=Value(None)),
            When(Exists(covering_day.filter(state=RateState.IN_FORCE)), then=Value(MeasureStatus.IN_FORCE)),
            When(Exists(covering_day), then=Value(MeasureStatus.SUSPENDED)),
            When(
                ~Exists(periods),
                then=Case(
                    When(status=MeasureStatus.PROPOSED, then=Value(MeasureStatus.PROPOSED)),
                    default=Value(MeasureStatus.ANNOUNCED),
                ),
            ),
            # Announced, no period started yet.
            When(~Exists(periods.filter(valid_from__lte=day)), then=Value(MeasureStatus.ANNOUNCED)),
            # Between two windows.
            When(Exists(periods.filter(valid_from__gt=day)), then=Value(MeasureStatus.SUSPENDED)),
            default=Value(MeasureStatus.ENDED),
            output_field=CharField(),
        )
        return self.annotate(status_on_date=status)

    def in_dispute(self, dispute):
        return self.filter(dispute=dispute)

    def imposed_by(self, actor):
        return self.filter(imposed_by=actor)

    def applies_to(self, actor):
        return self.filter(applies_to=actor)

    def search(self, text: str):
        """Measures matching ``text`` in title, summary or product description, or a cited source's title."""
        from core.search import search

        MeasureCitation = apps.get_model("tariffs", "MeasureCitation")

        return search(
            self, text, fields=("title", "summary", "product_description"),
            citations=MeasureCitation.objects.all(), cited_field="measure",
        )  # fmt: skip

    def with_hs_prefix(self, prefix: str):
        """Measures with a product line whose HS code starts with ``prefix``.

        Written as "the code's first len(prefix) characters are the prefix", which reads the same whether the
        prefix is a value or a prepared read's placeholder (``LIKE`` would escape a value, not a placeholder).
        """
        ProductLine = apps.get_model("tariffs", "ProductLine")

        prefix = _expression(prefix, CharField())
        starts = Exact(Left("hs_code", Length(prefix)), prefix)
        return self.filter(Exists(ProductLine.objects.filter(measure=OuterRef("pk")).filter(starts)))
