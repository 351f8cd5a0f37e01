"""Choices of the pages (how they draw, not what they filter)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Lanes(models.TextChoices):
    """How the dispute page's interactive timeline sorts its items into lanes (``?group_by=``)."""

    SIDE = "side", _("by side")
    KIND = "kind", _("by kind")
