"""Read models built from disputes and tariffs: what analysts and journalists read."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from disputes.choices import Confidence, DatePrecision
from disputes.models import Case, Dispute, Event
from tariffs.models import Measure

from .choices import RecordType


class TimelineEntry(models.Model):
    """One dated line of a dispute's timeline: an event, a measure milestone or a case step.

    Denormalised for reading: titles, actors and sources are copied in. ``key`` identifies the
    entry within its dispute across rebuilds, and ``fingerprint`` lets a refresh skip what is
    unchanged. Entries cascade with their record, so a deleted record leaves the timeline at once.
    """

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="timeline_entries")
    key = models.CharField(max_length=120)
    record_type = models.CharField(max_length=8, choices=RecordType.choices)
    record_id = models.BigIntegerField()
    event = models.ForeignKey(Event, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    date = models.DateField(_("date"))
    date_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    end_date = models.DateField(null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=24)
    side = models.CharField(_("side"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=300)
    subject = models.CharField(
        _("subject"), max_length=300, blank=True, help_text=_("The record's own title, without the milestone.")
    )
    text = models.TextField(_("text"), blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    subject_fr = models.CharField(_("subject (French)"), max_length=300, blank=True)
    text_fr = models.TextField(_("text (French)"), blank=True)
    rate_percent = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    confidence = models.CharField(max_length=6, choices=Confidence.choices, default=Confidence.HIGH)
    scheduled = models.BooleanField(
        _("scheduled"),
        default=False,
        help_text=_("Dated after the day of the last refresh: expected, not something that happened."),
    )
    actors = models.JSONField(default=list, help_text=_("Slugs of the actors involved."))
    sources = models.JSONField(default=list, help_text=_("The cited sources, copied for reading."))
    fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["date", "record_type", "record_id", "key"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        constraints = [
            models.UniqueConstraint(fields=["dispute", "key"], name="timelines_entry_unique_key"),
        ]
        indexes = [
            models.Index(fields=["dispute", "date", "record_type", "record_id"], name="timelines_entry_order_idx"),
            models.Index(fields=["dispute", "record_type", "record_id"], name="timelines_entry_record_idx"),
            models.Index(fields=["dispute", "kind"], name="timelines_entry_kind_idx"),
        ]

    def __str__(self):
        return f"{self.date.isoformat()} {self.title}"


class DisputeSummary(models.Model):
    """A dispute at a glance on ``as_of``: measures in force per side, counts, series, a paragraph."""

    dispute = models.OneToOneField(Dispute, on_delete=models.CASCADE, related_name="dispute_summary")
    as_of = models.DateField(_("as of"))
    data = models.JSONField(default=dict)
    # ``data`` with its long lists cut to what the dispute page shows (summaries.glance_of): at 100k events
    # ``data`` is most of a megabyte, read on every view of the page.
    glance = models.JSONField(default=dict)
    text_en = models.TextField(_("summary (English)"), blank=True)
    text_fr = models.TextField(_("summary (French)"), blank=True)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        ordering = ["dispute"]
        verbose_name = _("dispute summary")
        verbose_name_plural = _("dispute summaries")

    def __str__(self):
        return f"{self.dispute} as of {self.as_of.isoformat()}"


class RefreshRequest(models.Model):
    """A record whose timeline entries are out of date, waiting for the next refresh.

    Written in the same transaction as the edit, so it commits (or rolls back) with it; a refresh
    deletes the rows it handled in its own transaction, so a killed refresh leaves them for the next.
    ``record_type=all`` asks for a full rebuild.
    """

    # A plain id, not a foreign key: a request may be written while its dispute is being deleted.
    dispute_id = models.BigIntegerField()
    record_type = models.CharField(max_length=8, choices=RecordType.choices)
    record_id = models.BigIntegerField(default=0)
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute_id", "record_type", "record_id"], name="timelines_refreshrequest_unique"
            ),
        ]

    def __str__(self):
        return f"{self.dispute_id}:{self.record_type}:{self.record_id}"


class RefreshState(models.Model):
    """Per dispute: whether a refresh is queued (so a burst of edits queues one), and the last run."""

    dispute_id = models.BigIntegerField(unique=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_changes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["dispute_id"]

    def __str__(self):
        return f"refresh state of {self.dispute_id}"
