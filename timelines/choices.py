"""Enumerations of the timelines app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordType(models.TextChoices):
    EVENT = "event", _("Event")
    MEASURE = "measure", _("Measure")
    CASE = "case", _("Case")
    SUMMARY = "summary", _("Summary only")
    ALL = "all", _("Whole dispute")


class Milestone(models.TextChoices):
    """What a timeline entry marks. Events keep their own kind; these are the other entries."""

    MEASURE_ANNOUNCED = "measure_announced", _("Measure announced")
    MEASURE_IN_FORCE = "measure_in_force", _("Measure in force")
    RATE_CHANGE = "rate_change", _("Rate change")
    MEASURE_AMENDED = "measure_amended", _("Measure amended")
    MEASURE_SUSPENDED = "measure_suspended", _("Measure suspended")
    MEASURE_RESUMED = "measure_resumed", _("Measure resumed")
    MEASURE_ENDED = "measure_ended", _("Measure ended")
    CASE_OPENED = "case_opened", _("Case opened")


class ScheduledChange(models.TextChoices):
    """What happens to a measure on a coming date (the state of play's ``next_changes``)."""

    TAKES_EFFECT = "takes_effect", _("takes effect")
    SUSPENDED = "suspended", _("is suspended")
    RESUMES = "resumes", _("resumes")
    RATE_CHANGES = "rate_changes", _("changes rate")
    ENDS = "ends", _("ends")
