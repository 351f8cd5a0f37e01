"""What an event's public history shows (the revision engine is ``core.revisions``)."""

from django.db import models

from core.revisions import Children, HistorySpec

from .models import EventCitation, EventParticipant


def _participant_text(values: dict, texts: dict[str, str]) -> str:
    return f"{texts['actor']} ({texts['role']})"


def _citation_text(values: dict, texts: dict[str, str]) -> str:
    details = ", ".join(t for t in (texts["field"], texts["locator"]) if t)
    return f"{texts['id']} ({details})" if details else texts["id"]


def sources_of(model: type[models.Model], parent: str) -> Children:
    """A record's citations as the API lists them under ``sources`` (each source by its id)."""
    fields = {"source": "id", "field_name": "field", "locator": "locator", "quote": "quote"}
    return Children("sources", model, parent, fields, _citation_text)


EVENT_REVISIONS = HistorySpec(
    fields={
        name: name
        for name in (
            "dispute",
            "reference",
            "date",
            "date_precision",
            "end_date",
            "kind",
            "level",
            "title",
            "summary",
            "location",
            "outcome",
            "case",
            "case_stage",
            "confidence",
            "title_fr",
            "summary_fr",
            "outcome_fr",
        )
    },  # fmt: skip
    children=(
        Children("participants", EventParticipant, "event", {"actor": "actor", "role": "role"}, _participant_text),
        sources_of(EventCitation, "event"),
    ),
)
