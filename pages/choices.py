"""Choices of the pages (how they draw, not what they filter)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Lanes(models.TextChoices):
    """How the dispute page's interactive timeline sorts its items into lanes (``?group_by=``)."""

    SIDE = "side", _("by side")
    KIND = "kind", _("by kind")


class Alignment(models.TextChoices):
    """How the compare page lines disputes up (``?align=``)."""

    DAY0 = "day0", _("on each dispute’s first measure (day 0)")
    CALENDAR = "calendar", _("on calendar dates")
