"""Trade measures: who imposes what on whom, on which products, at which rate, when."""

import datetime as dt
from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.change_sets import ChangeSetRecord
from core.dates import ends_before_start, in_range, validate_date_in_range, window_condition
from core.formatting import plain_decimal
from core.hs_codes import HS_CODE_PATTERN, HS_CODES_OR_EMPTY_PATTERN, HS_CODES_PATTERN
from core.permalinks import record_url
from disputes.choices import Confidence, DatePrecision
from disputes.models import FR_HELP, Actor, Case, Citation, Dispute, Event, Source, TimestampedModel

from . import rate_periods
from .choices import (
    ExemptionKind,
    ExposureBasis,
    HsCodeBasis,
    LinkType,
    MeasureStatus,
    MeasureType,
    RateKind,
    RateState,
    StackedOn,
    TradeFlow,
)
from .querysets import MeasureQuerySet, RatePeriodQuerySet

hs_code_validator = RegexValidator(HS_CODE_PATTERN, _("An HS code is 2 to 10 digits, without dots or spaces."))
hs_codes_validator = RegexValidator(
    HS_CODES_OR_EMPTY_PATTERN, _("HS codes are 2 to 10 digits each, separated by single spaces.")
)


class Measure(TimestampedModel):
    """One instrument × one product group × one rate schedule.

    An announcement that creates several measures groups them through ``announcement``.
    """

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="measures")
    reference = models.CharField(
        _("reference"), max_length=40, blank=True, help_text=_("Identifier in the source dataset, e.g. M09-oil.")
    )
    imposed_by = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="measures_imposed", verbose_name=_("imposed by")
    )
    applies_to = models.ManyToManyField(Actor, related_name="measures_targeting", verbose_name=_("applies to"))
    type = models.CharField(_("type"), max_length=20, choices=MeasureType.choices)
    title = models.CharField(_("title"), max_length=300)
    product_description = models.TextField(_("product description"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True, help_text=FR_HELP)
    product_description_fr = models.TextField(_("product description (French)"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    legal_instrument_name = models.CharField(_("legal instrument"), max_length=300, blank=True)
    legal_instrument_number = models.CharField(_("instrument number"), max_length=80, blank=True)
    legal_instrument_url = models.URLField(_("instrument URL"), max_length=500, blank=True)
    announced_on = models.DateField(_("announced on"), validators=[validate_date_in_range])
    announced_on_precision = models.CharField(
        _("announcement date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MeasureStatus.choices,
        default=MeasureStatus.ANNOUNCED,
        help_text=_("Derived from the rate periods and kept current every night; only “proposed” is set by hand."),
    )
    announcement = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures_announced",
        verbose_name=_("announcing event"),
    )
    related_events = models.ManyToManyField(
        Event, blank=True, related_name="measures_concerned", verbose_name=_("related events")
    )
    cases = models.ManyToManyField(Case, blank=True, related_name="measures", verbose_name=_("challenged in cases"))
    confidence = models.CharField(_("confidence"), max_length=6, choices=Confidence.choices, default=Confidence.HIGH)

    objects = MeasureQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[applies_to], bases=[ChangeSetRecord])

    class Meta:
        ordering = ["announced_on", "id"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "reference"], condition=~Q(reference=""), name="tariffs_measure_unique_reference"
            ),
            models.CheckConstraint(condition=in_range("announced_on"), name="tariffs_measure_announced_on_in_range"),
        ]
        indexes = [
            models.Index(fields=["dispute", "announced_on", "id"], name="tariffs_measure_dispute_idx"),
            models.Index(fields=["imposed_by", "status"], name="tariffs_measure_imposer_idx"),
            models.Index(fields=["type"], name="tariffs_measure_type_idx"),
            models.Index(fields=["status"], name="tariffs_measure_status_idx"),
            models.Index(fields=["announced_on", "id"], name="tariffs_measure_announced_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return record_url("measure", self.pk, in_language=True)

    def period_on(self, day: dt.date, *, exporter=None):
        """The period that applies on ``day`` (in force or suspended) to ``exporter`` (an Actor, its id, or None for
        the residual rate), or None (uses prefetched periods)."""
        return rate_periods.period_for(self.rate_periods.all(), day, _actor_id(exporter))

    def is_in_force_on(self, day: dt.date) -> bool:
        """True if any period in state "in force" covers ``day`` (whichever exporter it is for)."""
        return rate_periods.in_force_on(self.rate_periods.all(), day)

    def status_on(self, day: dt.date, *, periods=None) -> str | None:
        """The status on ``day`` (a ``MeasureStatus`` value), None before the announcement.

        From ``periods`` when given (e.g. those of a past revision), else from the prefetched periods.
        """
        periods = list(self.rate_periods.all() if periods is None else periods)
        return rate_periods.status_on(periods, day, announced_on=self.announced_on, current=self.status)

    def rate_on(self, day: dt.date, *, exporter=None) -> Decimal | None:
        """The ad valorem rate in force on ``day`` for ``exporter`` (its own period, else the residual rate), or
        the residual rate when no exporter is named; None when not in force or without a rate."""
        return rate_periods.rate_for(self.rate_periods.all(), day, _actor_id(exporter))

    def total_on(self, day: dt.date, *, exporter=None) -> rate_periods.Total:
        """The total duty on ``day`` (the rate plus what it is stacked on), or None with the reason why not."""
        return rate_periods.total_for(self.rate_periods.all(), day, _actor_id(exporter))


def _actor_id(actor) -> int | None:
    return actor if actor is None or isinstance(actor, int) else actor.pk


class ProductLine(models.Model):
    """An HS code a measure covers, marked official or inferred."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="product_lines")
    hs_code = models.CharField(_("HS code"), max_length=10, validators=[hs_code_validator])
    description = models.CharField(_("description"), max_length=300, blank=True)
    description_fr = models.CharField(_("description (French)"), max_length=300, blank=True)
    basis = models.CharField(_("basis"), max_length=8, choices=HsCodeBasis.choices, default=HsCodeBasis.OFFICIAL)

    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["measure", "hs_code"]
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        constraints = [
            models.UniqueConstraint(fields=["measure", "hs_code"], name="tariffs_productline_unique_code"),
            models.CheckConstraint(
                condition=Q(hs_code__regex=HS_CODE_PATTERN), name="tariffs_productline_hs_code_digits"
            ),
        ]
        indexes = [models.Index(fields=["hs_code"], name="tariffs_productline_hs_idx")]

    def __str__(self):
        return self.hs_code


class RatePeriod(models.Model):
    """A dated window of a measure, in force or suspended, with its ad valorem rate.

    ``valid_to`` is inclusive and may be empty (open-ended). Periods of one measure never overlap:
    validation checks it everywhere and, on PostgreSQL, an exclusion constraint enforces it.
    """

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="rate_periods")
    valid_from = models.DateField(_("valid from"), validators=[validate_date_in_range])
    valid_to = models.DateField(
        _("valid to"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("Last day; empty if open-ended."),
    )
    rate_percent = models.DecimalField(
        _("rate (%)"),
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Ad valorem; may exceed 100. Empty for measures without a rate."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RateKind.choices, default=RateKind.STANDARD)
    state = models.CharField(_("state"), max_length=10, choices=RateState.choices, default=RateState.IN_FORCE)
    note = models.CharField(_("note"), max_length=300, blank=True)
    exporter = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rate_periods_as_exporter",
        verbose_name=_("exporter"),
        help_text=_("The exporter or group this rate is for; empty for the residual rate (everyone else)."),
    )
    on_top_of = models.CharField(
        _("on top of"),
        max_length=10,
        choices=StackedOn.choices,
        blank=True,
        default=StackedOn.NOT_STATED,
        help_text=_("What the rate is added to, as the sources say."),
    )
    on_top_of_measure = models.ForeignKey(
        Measure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rate_periods_stacked_on",
        verbose_name=_("on top of measure"),
        help_text=_("When the rate is added to another measure: that measure."),
    )
    base_rate = models.DecimalField(
        _("base rate (%)"),
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("The MFN rate the sources give, when the rate is added to it; empty if they do not give it."),
    )

    objects = RatePeriodQuerySet.as_manager()
    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["measure", "valid_from"]
        verbose_name = _("rate period")
        verbose_name_plural = _("rate periods")
        constraints = [
            models.CheckConstraint(
                condition=window_condition("valid_from", "valid_to"),
                name="tariffs_rateperiod_valid_window",
            ),
            models.CheckConstraint(
                condition=Q(rate_percent__isnull=True) | Q(rate_percent__gte=0),
                name="tariffs_rateperiod_rate_not_negative",
            ),
            models.UniqueConstraint(
                fields=["measure", "valid_from"],
                condition=Q(exporter__isnull=True),
                name="tariffs_rateperiod_unique_start",
            ),
            models.UniqueConstraint(
                fields=["measure", "exporter", "valid_from"],
                condition=Q(exporter__isnull=False),
                name="tariffs_rateperiod_unique_exporter_start",
            ),
            models.CheckConstraint(
                condition=(Q(on_top_of=StackedOn.MEASURE) & Q(on_top_of_measure__isnull=False))
                | (~Q(on_top_of=StackedOn.MEASURE) & Q(on_top_of_measure__isnull=True)),
                name="tariffs_rateperiod_stacked_measure_named",
            ),
            models.CheckConstraint(
                condition=Q(base_rate__isnull=True) | (Q(on_top_of=StackedOn.MFN) & Q(base_rate__gte=0)),
                name="tariffs_rateperiod_base_rate_on_mfn",
            ),
            models.CheckConstraint(
                condition=~Q(on_top_of_measure=F("measure")), name="tariffs_rateperiod_not_stacked_on_itself"
            ),
            models.CheckConstraint(condition=in_range("valid_from"), name="tariffs_rateperiod_valid_from_in_range"),
            models.CheckConstraint(
                condition=in_range("valid_to", nullable=True), name="tariffs_rateperiod_valid_to_in_range"
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="tariffs_rateperiod_window_idx")]

    def __str__(self):
        end = self.valid_to.isoformat() if self.valid_to else "…"
        rate = f"{plain_decimal(self.rate_percent)}%" if self.rate_percent is not None else _("no rate")
        return f"{self.valid_from.isoformat()} – {end}: {rate} ({self.get_state_display()})"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if ends_before_start(self.valid_from, self.valid_to):
            errors["valid_to"] = _("“Valid to” cannot be before “valid from”.")
        if self.on_top_of == StackedOn.MEASURE and self.on_top_of_measure_id is None:
            errors["on_top_of_measure"] = _("Name the measure this rate is added to.")
        if self.on_top_of != StackedOn.MEASURE and self.on_top_of_measure_id is not None:
            errors["on_top_of"] = _("Choose “another measure” to stack this rate on a measure.")
        if self.base_rate is not None and self.on_top_of != StackedOn.MFN:
            errors["base_rate"] = _("A base rate is the MFN rate: give it only for a rate on top of the MFN tariff.")
        if self.on_top_of_measure_id is not None and self.on_top_of_measure_id == self.measure_id:
            errors["on_top_of_measure"] = _("A rate cannot be stacked on its own measure.")
        if errors:
            raise ValidationError(errors)

    def is_residual(self) -> bool:
        return self.exporter_id is None


class MeasureLink(models.Model):
    """A typed, directed link: ``from_measure`` <type> ``to_measure`` (e.g. M09 retaliates against M03)."""

    from_measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="links_out")
    to_measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="links_in")
    type = models.CharField(_("type"), max_length=20, choices=LinkType.choices)
    contested = models.BooleanField(_("contested"), default=False, help_text=_("One side denies this link."))
    note = models.TextField(_("note"), blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="measure_links", verbose_name=_("source"))
    locator = models.CharField(_("locator"), max_length=200, blank=True)
    quote = models.TextField(_("quote"), blank=True)

    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["from_measure", "type", "to_measure"]
        verbose_name = _("measure link")
        verbose_name_plural = _("measure links")
        constraints = [
            models.CheckConstraint(condition=~Q(from_measure=F("to_measure")), name="tariffs_measurelink_no_self_link"),
            models.UniqueConstraint(fields=["from_measure", "to_measure", "type"], name="tariffs_measurelink_unique"),
        ]

    def __str__(self):
        return f"{self.from_measure} {self.get_type_display().lower()} {self.to_measure}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.from_measure_id and self.from_measure_id == self.to_measure_id:
            raise ValidationError({"to_measure": _("A measure cannot be linked to itself.")})


class MeasureCitation(Citation):
    """A source for a measure (or one of its fields, e.g. the rate)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="citations")
    cited_field = "measure"

    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["measure", "id"]
        verbose_name = _("measure citation")
        verbose_name_plural = _("measure citations")
        constraints = [
            models.UniqueConstraint(fields=["measure", "source", "field_name"], name="tariffs_measurecitation_unique"),
        ]


class MeasureExemption(models.Model):
    """Goods or cases a measure does not apply to, or a remission of it (CUSMA-compliant goods, goods in transit,
    a remission order), with the instrument that says so and its sources."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="exemptions")
    kind = models.CharField(_("kind"), max_length=20, choices=ExemptionKind.choices)
    description = models.TextField(_("description"))
    description_fr = models.TextField(_("description (French)"), blank=True, help_text=FR_HELP)
    valid_from = models.DateField(_("valid from"), null=True, blank=True, validators=[validate_date_in_range])
    valid_to = models.DateField(
        _("valid to"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("Last day; empty if open-ended or not known."),
    )
    instrument = models.CharField(_("instrument"), max_length=300, blank=True)

    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["measure", "valid_from", "id"]
        verbose_name = _("exemption or remission")
        verbose_name_plural = _("exemptions and remissions")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | window_condition("valid_from", "valid_to"),
                name="tariffs_measureexemption_valid_window",
            ),
            models.CheckConstraint(condition=~Q(description=""), name="tariffs_measureexemption_has_description"),
            models.UniqueConstraint(fields=["measure", "kind", "description"], name="tariffs_measureexemption_unique"),
            models.CheckConstraint(
                condition=in_range("valid_from", nullable=True), name="tariffs_measureexemption_valid_from_in_range"
            ),
            models.CheckConstraint(
                condition=in_range("valid_to", nullable=True), name="tariffs_measureexemption_valid_to_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if ends_before_start(self.valid_from, self.valid_to):
            raise ValidationError({"valid_to": _("“Valid to” cannot be before “valid from”.")})

    def applies_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class MeasureExemptionCitation(Citation):
    """A source for an exemption or remission."""

    exemption = models.ForeignKey(MeasureExemption, on_delete=models.CASCADE, related_name="citations")
    cited_field = "exemption"

    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["exemption", "id"]
        verbose_name = _("exemption citation")
        verbose_name_plural = _("exemption citations")
        constraints = [
            models.UniqueConstraint(
                fields=["exemption", "source", "field_name"], name="tariffs_measureexemptioncitation_unique"
            ),
        ]


class ExposureFigure(TimestampedModel):
    """A dated, sourced figure of trade at stake. Figures are added, never overwritten."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="exposure_figures")
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    measure = models.ForeignKey(
        Measure, on_delete=models.SET_NULL, null=True, blank=True, related_name="exposure_figures"
    )
    product = models.CharField(_("product"), max_length=200, blank=True)
    flow = models.CharField(_("what it measures"), max_length=12, choices=TradeFlow.choices)
    description = models.CharField(_("description"), max_length=400)
    description_fr = models.CharField(_("description (French)"), max_length=400, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The year, or the first year of a period."))
    year_to = models.PositiveSmallIntegerField(
        _("last year"), null=True, blank=True, help_text=_("For a multi-year average: the last year of the period.")
    )
    basis = models.CharField(_("basis"), max_length=20, choices=ExposureBasis.choices, default=ExposureBasis.ONE_YEAR)
    hs_codes = models.CharField(
        _("HS codes"),
        max_length=200,
        blank=True,
        validators=[hs_codes_validator],
        help_text=_("The products the figure covers, as HS codes separated by spaces (e.g. 1205 1514 2306)."),
    )
    measures = models.ManyToManyField(
        Measure,
        blank=True,
        related_name="covering_exposure_figures",
        help_text=_("Every measure whose products the figure covers (the single measure above is one of them)."),
    )
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217, e.g. CAD"))
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=2, null=True, blank=True)
    quantity_unit = models.CharField(_("quantity unit"), max_length=20, blank=True, help_text=_("e.g. tonnes"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="exposure_figures")
    confidence = models.CharField(_("confidence"), max_length=6, choices=Confidence.choices, default=Confidence.MEDIUM)

    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["dispute", "year", "id"]
        verbose_name = _("exposure figure")
        verbose_name_plural = _("exposure figures")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=False) | Q(quantity__isnull=False),
                name="tariffs_exposure_has_a_figure",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | ~Q(currency=""), name="tariffs_exposure_amount_has_currency"
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | ~Q(quantity_unit=""), name="tariffs_exposure_quantity_has_unit"
            ),
            models.CheckConstraint(condition=Q(year__gte=1900) & Q(year__lte=2100), name="tariffs_exposure_year_range"),
            models.CheckConstraint(
                condition=Q(year_to__isnull=True) | Q(year_to__gt=F("year")), name="tariffs_exposure_period_ends_later"
            ),
            # An average is always shown as a period, so it must have one; a single year's value has none.
            models.CheckConstraint(
                condition=Q(basis=ExposureBasis.MULTI_YEAR_AVERAGE, year_to__isnull=False)
                | (~Q(basis=ExposureBasis.MULTI_YEAR_AVERAGE) & Q(year_to__isnull=True)),
                name="tariffs_exposure_average_has_period",
            ),
            models.CheckConstraint(
                condition=Q(hs_codes="") | Q(hs_codes__regex=HS_CODES_PATTERN),
                name="tariffs_exposure_hs_codes_digits",
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def period(self) -> str:
        """The year, or the period of an average ("2020–2024"): an average never reads as one year."""
        return f"{self.year}–{self.year_to}" if self.year_to else str(self.year)

    @property
    def hs_code_list(self) -> list[str]:
        return self.hs_codes.split()
