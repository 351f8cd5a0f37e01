"""Updating every writable resource through the API: PUT and PATCH save the change, record it in
the history, and answer with the record as it now is."""

import pytest

from disputes.models import Actor, Case, Dispute, Event, Source
from tariffs.models import Measure

pytestmark = pytest.mark.django_db


def replacement_of(model, instance) -> tuple[str, dict]:
    """The URL of ``instance`` and a full (PUT) body describing it, as a client would send it."""
    if model is Actor:
        return f"/api/v1/actors/{instance.slug}/", {
            "slug": instance.slug, "name": instance.name, "short_name": instance.short_name, "kind": instance.kind,
            "code": instance.code, "country": instance.country.code if instance.country else "",
            "office": instance.office, "parent": instance.parent.slug if instance.parent else None,
        }  # fmt: skip
    if model is Dispute:
        return f"/api/v1/disputes/{instance.slug}/", {
            "slug": instance.slug, "title": instance.title, "summary": instance.summary, "status": instance.status,
            "started_on": instance.started_on.isoformat(),
        }  # fmt: skip
    if model is Case:
        return f"/api/v1/cases/{instance.pk}/", {
            "dispute": instance.dispute.slug, "forum": instance.forum, "reference": instance.reference,
            "title": instance.title, "summary": instance.summary, "respondent": instance.respondent.slug,
            "complainant": instance.complainant.slug if instance.complainant else None, "stage": instance.stage,
            "initiated_on": instance.initiated_on.isoformat() if instance.initiated_on else None,
        }  # fmt: skip
    if model is Source:
        return f"/api/v1/sources/{instance.pk}/", {
            "document_url": instance.url, "title": instance.title, "publisher": instance.publisher,
            "kind": instance.kind, "language": instance.language,
        }  # fmt: skip
    if model is Event:
        return f"/api/v1/events/{instance.pk}/", {
            "dispute": instance.dispute.slug, "date": instance.date.isoformat(), "kind": instance.kind,
            "level": instance.level, "title": instance.title, "summary": instance.summary,
            "participants": [{"actor": p.actor.slug, "role": p.role} for p in instance.participations.all()],
            "sources": [{"id": c.source_id} for c in instance.citations.all()],
        }  # fmt: skip
    return f"/api/v1/measures/{instance.pk}/", {
        "dispute": instance.dispute.slug, "imposed_by": instance.imposed_by.slug,
        "applies_to": [actor.slug for actor in instance.applies_to.all()], "type": instance.type,
        "title": instance.title, "announced_on": instance.announced_on.isoformat(),
        "rate_periods": list(
            instance.rate_periods.values("valid_from", "valid_to", "rate_percent", "kind", "state", "note")
        ),
        "hs_codes": [line.hs_code for line in instance.product_lines.all()],
        "sources": [{"id": c.source_id} for c in instance.citations.all()],
    }  # fmt: skip


def existing(model):
    if model is Actor:
        return Actor.objects.get(slug="mark-carney")
    if model is Case:
        return Case.objects.filter(complainant__isnull=False).order_by("pk").first()
    return model.objects.order_by("pk").first()


# (model, the text field changed, its name in the API)
WRITABLE = [
    (Actor, "name", "name"),
    (Dispute, "title", "title"),
    (Case, "title", "title"),
    (Event, "title", "title"),
    (Measure, "title", "title"),
    (Source, "title", "title"),
]


@pytest.mark.parametrize(("model", "field", "attr"), WRITABLE, ids=[m.__name__ for m, _, _ in WRITABLE])
def test_patching_a_record_saves_the_change_records_it_and_shows_it(editor, model, field, attr):
    record = existing(model)
    url, _ = replacement_of(model, record)
    revisions = record.history.count()
    response = editor.patch(url, {attr: "Renamed through PATCH"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()[attr] == "Renamed through PATCH"
    record.refresh_from_db()
    assert getattr(record, field) == "Renamed through PATCH"
    assert record.history.count() == revisions + 1
    assert record.history.first().history_type == "~"


@pytest.mark.parametrize(("model", "field", "attr"), WRITABLE, ids=[m.__name__ for m, _, _ in WRITABLE])
def test_replacing_a_record_saves_the_change_records_it_and_shows_it(editor, model, field, attr):
    record = existing(model)
    url, body = replacement_of(model, record)
    revisions = record.history.count()
    response = editor.put(url, {**body, attr: "Replaced through PUT"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()[attr] == "Replaced through PUT"
    record.refresh_from_db()
    assert getattr(record, field) == "Replaced through PUT"
    assert record.history.count() > revisions


def test_an_update_may_not_take_the_slug_of_another_actor(editor):
    response = editor.patch("/api/v1/actors/mark-carney/", {"slug": "li-qiang"}, format="json")
    assert response.status_code == 400
    assert "slug" in {error["attr"] for error in response.json()["errors"]}
    assert Actor.objects.filter(slug="mark-carney").exists()


def test_an_update_may_not_take_the_document_url_of_another_source(editor):
    first, second = Source.objects.exclude(url="").order_by("pk")[:2]
    response = editor.patch(f"/api/v1/sources/{second.pk}/", {"document_url": first.url}, format="json")
    assert response.status_code == 400
    assert "document_url" in {error["attr"] for error in response.json()["errors"]}
