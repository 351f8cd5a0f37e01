"""The base domain: who acts, in which dispute, what happened, and where each fact comes from."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from core.change_sets import ChangeSetRecord
from core.dates import ends_before_start, in_range, validate_date_in_range, window_condition
from core.permalinks import record_url

from .choices import (
    ActorKind,
    CaseForum,
    CaseStage,
    Confidence,
    DatePrecision,
    DisputeStatus,
    EventKind,
    EventLevel,
    ParticipantRole,
    PartyRole,
    SourceKind,
)
from .querysets import ActorQuerySet, EventQuerySet

FR_HELP = _("Shown on French pages and in French API answers; empty: the English text is shown.")

iso_alpha2 = RegexValidator(r"^[A-Z]{2}$", _("Use the two capital letters of ISO 3166-1 (e.g. CA, CN)."))


class TimestampedModel(models.Model):
    """Adds the created_at / updated_at pair every public record carries."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Actor(TimestampedModel):
    """A state, government body, official, organisation, company, association or subnational government."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True, help_text=FR_HELP)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    short_name_fr = models.CharField(_("short name (French)"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ActorKind.choices)
    code = models.CharField(
        _("ISO code"),
        max_length=2,
        blank=True,
        validators=[iso_alpha2],
        help_text=_("ISO 3166-1 alpha-2 code; states only."),
    )
    country = CountryField(_("country"), blank=True, help_text=_("The state this actor belongs to."))
    office = models.CharField(_("office"), max_length=200, blank=True, help_text=_("For officials."))
    office_fr = models.CharField(_("office (French)"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    objects = ActorQuerySet.as_manager()
    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="disputes_actor_unique_code"),
            models.CheckConstraint(
                condition=Q(code="") | Q(kind=ActorKind.STATE),
                name="disputes_actor_code_only_for_states",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ActorKind.STATE) | (~Q(code="") & Q(country=F("code"))),
                name="disputes_actor_state_has_code",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="disputes_actor_not_own_parent"),
        ]
        indexes = [models.Index(fields=["kind"], name="disputes_actor_kind_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return record_url("actor", self.slug, in_language=True)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.kind == ActorKind.STATE:
            if not self.code:
                errors["code"] = _("A state needs its ISO 3166-1 alpha-2 code.")
            elif self.code not in dict(countries):
                errors["code"] = _("%(code)s is not an ISO 3166-1 country code.") % {"code": self.code}
            elif self.country and self.country != self.code:
                errors["country"] = _("A state's country is the state itself (%(code)s).") % {"code": self.code}
            else:
                self.country = self.code
        elif self.code:
            errors["code"] = _("Only states have an ISO code; set the country instead.")
        if self.code and Actor.objects.filter(code=self.code).exclude(pk=self.pk).exists():
            errors["code"] = _("Another actor already has the ISO code %(code)s.") % {"code": self.code}
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = _("An actor cannot be its own parent.")
        if errors:
            raise ValidationError(errors)


class Source(TimestampedModel):
    """A document that a fact comes from: a gazette, a readout, a WTO document, a news report."""

    url = models.URLField(_("URL"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True, validators=[validate_date_in_range])
    language = models.CharField(_("language"), max_length=8, blank=True, help_text=_("e.g. en, fr, zh"))
    kind = models.CharField(_("kind"), max_length=12, choices=SourceKind.choices, default=SourceKind.NEWS)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["-published_on", "title", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="disputes_source_unique_url"),
            models.CheckConstraint(
                condition=in_range("published_on", nullable=True), name="disputes_source_published_on_in_range"
            ),
        ]
        indexes = [models.Index(fields=["published_on"], name="disputes_source_published_idx")]

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.url and Source.objects.filter(url=self.url).exclude(pk=self.pk).exists():
            raise ValidationError({"url": _("A source with this address is already recorded; cite that one.")})

    def __str__(self):
        parts = [self.publisher, self.title]
        label = ": ".join(p for p in parts if p)
        return f"{label} ({self.published_on.isoformat()})" if self.published_on else label


class Dispute(TimestampedModel):
    """A trade dispute between governments, with its parties and their sides."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True, help_text=FR_HELP)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.ACTIVE)
    started_on = models.DateField(_("started on"), validators=[validate_date_in_range])
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=[validate_date_in_range])
    related_disputes = models.ManyToManyField("self", verbose_name=_("related disputes"), blank=True)

    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["-started_on", "slug"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.CheckConstraint(
                condition=window_condition("started_on", "ended_on"),
                name="disputes_dispute_valid_window",
            ),
            models.CheckConstraint(condition=in_range("started_on"), name="disputes_dispute_started_on_in_range"),
            models.CheckConstraint(
                condition=in_range("ended_on", nullable=True), name="disputes_dispute_ended_on_in_range"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return record_url("dispute", self.slug, in_language=True)

    def clean(self):
        from django.core.exceptions import ValidationError

        if ends_before_start(self.started_on, self.ended_on):
            raise ValidationError({"ended_on": _("A dispute cannot end before it starts.")})


class DisputeParty(models.Model):
    """An actor taking part in a dispute, on one side (e.g. ``canada`` or ``china``)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="dispute_parties")
    side = models.SlugField(
        _("side"), max_length=40, help_text=_("A short label shared by the actors on one side, e.g. canada.")
    )
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices, default=PartyRole.PRINCIPAL)

    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["dispute", "side", "id"]
        verbose_name = _("dispute party")
        verbose_name_plural = _("dispute parties")
        constraints = [
            models.UniqueConstraint(fields=["dispute", "actor"], name="disputes_party_unique_actor"),
        ]

    def __str__(self):
        return f"{self.actor} ({self.side})"


class Case(TimestampedModel):
    """A formal proceeding inside a dispute: a WTO dispute or a trade-remedy investigation."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="cases")
    forum = models.CharField(_("forum"), max_length=24, choices=CaseForum.choices)
    reference = models.CharField(_("reference"), max_length=40, help_text=_("e.g. DS627"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True, help_text=FR_HELP)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    complainant = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="cases_as_complainant",
        null=True,
        blank=True,
        help_text=_("Empty for an investigation opened by the authority itself."),
    )
    respondent = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="cases_as_respondent")
    stage = models.CharField(_("stage"), max_length=28, choices=CaseStage.choices)
    initiated_on = models.DateField(_("initiated on"), validators=[validate_date_in_range])
    url = models.URLField(_("URL"), max_length=500, blank=True)

    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["initiated_on", "reference", "id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="disputes_case_unique_reference"),
            models.CheckConstraint(condition=~Q(complainant=F("respondent")), name="disputes_case_distinct_parties"),
            models.CheckConstraint(condition=in_range("initiated_on"), name="disputes_case_initiated_on_in_range"),
        ]
        indexes = [models.Index(fields=["dispute", "stage"], name="disputes_case_stage_idx")]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self):
        return record_url("case", self.pk, in_language=True)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.complainant_id and self.complainant_id == self.respondent_id:
            raise ValidationError({"respondent": _("The respondent must differ from the complainant.")})


class Event(TimestampedModel):
    """Something that happened or is scheduled: a call, a meeting, an announcement, a WTO step.

    ``date`` holds the first day of the period when ``date_precision`` is month or year.
    """

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="events")
    reference = models.CharField(
        _("reference"), max_length=40, blank=True, help_text=_("Identifier in the source dataset, e.g. F057.")
    )
    date = models.DateField(_("date"), validators=[validate_date_in_range])
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    end_date = models.DateField(_("end date"), null=True, blank=True, validators=[validate_date_in_range])
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    level = models.CharField(_("level"), max_length=12, choices=EventLevel.choices, blank=True)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True, help_text=FR_HELP)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_fr = models.TextField(_("outcome (French)"), blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="events", null=True, blank=True, verbose_name=_("case")
    )
    case_stage = models.CharField(
        _("case stage reached"),
        max_length=28,
        choices=CaseStage.choices,
        blank=True,
        help_text=_("For a step in a case: the stage this event moved the case to."),
    )
    confidence = models.CharField(_("confidence"), max_length=6, choices=Confidence.choices, default=Confidence.HIGH)
    participants = models.ManyToManyField(
        Actor, through="EventParticipant", related_name="events", verbose_name=_("participants")
    )

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=window_condition("date", "end_date"),
                name="disputes_event_valid_window",
            ),
            models.UniqueConstraint(
                fields=["dispute", "reference"],
                condition=~Q(reference=""),
                name="disputes_event_unique_reference",
            ),
            models.CheckConstraint(
                condition=Q(case_stage="") | Q(case__isnull=False),
                name="disputes_event_case_stage_needs_case",
            ),
            models.CheckConstraint(condition=in_range("date"), name="disputes_event_date_in_range"),
            models.CheckConstraint(
                condition=in_range("end_date", nullable=True), name="disputes_event_end_date_in_range"
            ),
        ]
        indexes = [
            models.Index(fields=["dispute", "date", "id"], name="disputes_event_dispute_idx"),
            models.Index(fields=["kind", "date"], name="disputes_event_kind_date_idx"),
            models.Index(fields=["date", "id"], name="disputes_event_date_idx"),
        ]

    def __str__(self):
        return f"{self.date.isoformat()} {self.title}"

    def get_absolute_url(self):
        return record_url("event", self.pk, in_language=True)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if ends_before_start(self.date, self.end_date):
            errors["end_date"] = _("The end date cannot be before the date.")
        if self.date and self.date_precision == DatePrecision.MONTH and self.date.day != 1:
            errors["date"] = _("With month precision, enter the first day of the month.")
        if self.date and self.date_precision == DatePrecision.YEAR and (self.date.month, self.date.day) != (1, 1):
            errors["date"] = _("With year precision, enter 1 January of the year.")
        if self.case_stage and not self.case_id:
            errors["case_stage"] = _("A case stage needs a case.")
        if self.case_id and self.dispute_id and self.case.dispute_id != self.dispute_id:
            errors["case"] = _("The case belongs to another dispute.")
        if errors:
            raise ValidationError(errors)


class EventParticipant(models.Model):
    """An actor taking part in an event, in a role."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(
        _("role"), max_length=12, choices=ParticipantRole.choices, default=ParticipantRole.PARTICIPANT
    )

    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["event", "actor"], name="disputes_participant_unique_actor"),
        ]
        indexes = [models.Index(fields=["actor", "event"], name="disputes_participant_actor_idx")]

    def __str__(self):
        return f"{self.actor} ({self.get_role_display()})"


class Citation(models.Model):
    """Ties a source to a record, or to one named field of it, with an optional locator and quote.

    Concrete citations live next to what they cite (``EventCitation`` here, ``MeasureCitation`` in
    tariffs) so that each has a real foreign key the database can enforce.
    """

    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name=_("source"))
    field_name = models.CharField(
        _("field"),
        max_length=60,
        blank=True,
        help_text=_("Leave empty when the source supports the whole record."),
    )
    locator = models.CharField(_("locator"), max_length=200, blank=True, help_text=_("Page, paragraph, article."))
    quote = models.TextField(_("quote"), blank=True)

    #: Name of the foreign key to the cited record, set by each concrete citation.
    cited_field = ""

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.source}" + (f" [{self.field_name}]" if self.field_name else "")

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.field_name:
            cited_model = self._meta.get_field(self.cited_field).related_model
            # Own fields, many-to-many fields and child rows such as a measure's rate_periods.
            names = {f.name for f in cited_model._meta.get_fields()} - {"citations"}
            if self.field_name not in names:
                raise ValidationError(
                    {
                        "field_name": _("%(model)s has no field named “%(field)s”.")
                        % {"model": cited_model._meta.verbose_name, "field": self.field_name}
                    }
                )


class EventCitation(Citation):
    """A source for an event (or one of its fields)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="citations")
    cited_field = "event"

    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("event citation")
        verbose_name_plural = _("event citations")
        constraints = [
            models.UniqueConstraint(fields=["event", "source", "field_name"], name="disputes_eventcitation_unique"),
        ]


class CaseCitation(Citation):
    """A source for a case (or one of its fields)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="citations")
    cited_field = "case"

    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        ordering = ["case", "id"]
        verbose_name = _("case citation")
        verbose_name_plural = _("case citations")
        constraints = [
            models.UniqueConstraint(fields=["case", "source", "field_name"], name="disputes_casecitation_unique"),
        ]
