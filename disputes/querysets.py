"""Query vocabulary of the disputes app.

The models are found by name (``apps.get_model``): models.py imports this module, so importing
it back would make a cycle.
"""

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q


class ActorQuerySet(models.QuerySet):
    def identified_by(self, identifier: str):
        """Actors whose slug or ISO code (any case) is ``identifier``."""
        identifier = identifier.strip()
        return self.filter(Q(slug=identifier.lower()) | Q(code=identifier.upper(), code__gt=""))


class EventQuerySet(models.QuerySet):
    def in_dispute(self, dispute):
        return self.filter(dispute=dispute)

    def involving(self, actor):
        """Events in which ``actor`` took part, in any role."""
        EventParticipant = apps.get_model("disputes", "EventParticipant")

        return self.filter(Exists(EventParticipant.objects.filter(event=OuterRef("pk"), actor=actor)))

    def between(self, after=None, before=None):
        """Events dated within [after, before], both inclusive; either bound may be omitted."""
        qs = self
        if after is not None:
            qs = qs.filter(date__gte=after)
        if before is not None:
            qs = qs.filter(date__lte=before)
        return qs

    def search(self, text: str):
        """Events matching ``text`` in their title, summary or outcome, or in a cited source's title."""
        from core.search import search

        EventCitation = apps.get_model("disputes", "EventCitation")

        return search(
            self, text, fields=("title", "summary"), citations=EventCitation.objects.all(), cited_field="event"
        )

    def scheduled(self, today):
        """Events still to come on ``today``."""
        return self.filter(date__gt=today)
