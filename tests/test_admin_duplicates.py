"""Saving an event like an existing one (same date, kind and participants) asks first and links the other."""

import datetime as dt

import pytest
from django.urls import reverse

from disputes.choices import EventKind
from disputes.models import Event
from tests.factories import ActorFactory, DisputeFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:disputes_event_add")


def _management_forms(client, url):
    """The management data of every inline on the page at ``url`` (rows none), for the inlines a test leaves out."""
    data = {}
    for inline in client.get(url).context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
    return data


def _inline(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


@pytest.fixture
def call():
    """The 5 June 2025 call between the two heads of government, already entered."""
    carney, li = ActorFactory(name="Mark Carney"), ActorFactory(name="Li Qiang")
    event = EventFactory(title="Carney–Li <b>call</b>", date=dt.date(2025, 6, 5), kind=EventKind.LEADER_CALL)
    event.participations.create(actor=carney)
    event.participations.create(actor=li)
    return event


def _new_event(client, event, actors, **extra):
    return {
        **_management_forms(client, ADD),
        "dispute": event.dispute_id,
        "title": "Phone call of the prime ministers",
        "kind": event.kind,
        "date": event.date.isoformat(),
        "date_precision": "day",
        "confidence": "high",
        **_inline("participations", [{"actor": a.pk, "role": "participant"} for a in actors]),
        **_inline("citations", [{"source": SourceFactory().pk}]),
        **extra,
    }


def _actors(event):
    return [p.actor for p in event.participations.order_by("id")]


def test_an_event_like_an_existing_one_is_not_saved_but_asks_and_links_the_other(admin_client, call):
    before = Event.objects.count()

    response = admin_client.post(ADD, _new_event(admin_client, call, reversed(_actors(call))))

    assert response.status_code == 200
    assert Event.objects.count() == before
    form = response.context["adminform"].form
    [error] = form.non_field_errors()
    change_page = reverse("admin:disputes_event_change", args=[call.pk])
    assert f'<a href="{change_page}">Carney–Li &lt;b&gt;call&lt;/b&gt;</a>' in error
    assert 'name="save_anyway"' in response.content.decode()


def test_ticking_save_anyway_saves_the_second_event(admin_client, call):
    before = Event.objects.count()

    response = admin_client.post(ADD, _new_event(admin_client, call, _actors(call), save_anyway="on"))

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert Event.objects.count() == before + 1
    saved = Event.objects.get(title="Phone call of the prime ministers")
    assert {p.actor_id for p in saved.participations.all()} == {a.pk for a in _actors(call)}


@pytest.mark.parametrize(
    "change",
    [
        {"date": "2025-06-06"},
        {"kind": EventKind.STATEMENT},
    ],
    ids=["another day", "another kind"],
)
def test_an_event_differing_in_date_or_kind_saves_without_asking(admin_client, call, change):
    response = admin_client.post(ADD, {**_new_event(admin_client, call, _actors(call)), **change})

    assert response.status_code == 302
    assert Event.objects.filter(title="Phone call of the prime ministers").exists()


def test_an_event_with_other_participants_saves_without_asking(admin_client, call):
    response = admin_client.post(ADD, _new_event(admin_client, call, [*_actors(call), ActorFactory(name="Xi Jinping")]))
    assert response.status_code == 302

    response = admin_client.post(ADD, _new_event(admin_client, call, _actors(call)[:1], title="Carney alone"))
    assert response.status_code == 302


def test_editing_an_event_without_touching_date_kind_or_participants_does_not_ask(admin_client, call):
    twin = EventFactory(title="Entered twice", date=call.date, kind=call.kind, dispute=DisputeFactory())
    for actor in _actors(call):
        twin.participations.create(actor=actor)
    rows = [{"id": p.pk, "actor": p.actor_id, "role": p.role} for p in twin.participations.order_by("id")]
    citations = [{"id": c.pk, "source": c.source_id} for c in twin.citations.all()]
    data = {
        **_management_forms(admin_client, reverse("admin:disputes_event_change", args=[twin.pk])),
        "dispute": twin.dispute_id,
        "title": "Entered twice, summary added",
        "kind": twin.kind,
        "date": twin.date.isoformat(),
        "date_precision": "day",
        "confidence": "high",
        **_inline("participations", rows, initial=len(rows)),
        **_inline("citations", citations, initial=len(citations)),
    }

    response = admin_client.post(reverse("admin:disputes_event_change", args=[twin.pk]), data)

    assert response.status_code == 302
    twin.refresh_from_db()
    assert twin.title == "Entered twice, summary added"


def test_moving_an_event_onto_the_day_of_its_twin_asks(admin_client, call):
    twin = EventFactory(title="Entered twice", date=dt.date(2025, 6, 4), kind=call.kind)
    for actor in _actors(call):
        twin.participations.create(actor=actor)
    rows = [{"id": p.pk, "actor": p.actor_id, "role": p.role} for p in twin.participations.order_by("id")]
    citations = [{"id": c.pk, "source": c.source_id} for c in twin.citations.all()]
    data = {
        **_management_forms(admin_client, reverse("admin:disputes_event_change", args=[twin.pk])),
        "dispute": twin.dispute_id,
        "title": twin.title,
        "kind": twin.kind,
        "date": "2025-06-05",
        "date_precision": "day",
        "confidence": "high",
        **_inline("participations", rows, initial=len(rows)),
        **_inline("citations", citations, initial=len(citations)),
    }

    response = admin_client.post(reverse("admin:disputes_event_change", args=[twin.pk]), data)

    assert response.status_code == 200
    twin.refresh_from_db()
    assert twin.date == dt.date(2025, 6, 4)
    [error] = response.context["adminform"].form.non_field_errors()
    assert reverse("admin:disputes_event_change", args=[call.pk]) in error
    assert reverse("admin:disputes_event_change", args=[twin.pk]) not in error
