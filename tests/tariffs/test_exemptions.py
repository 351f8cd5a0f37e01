"""Exemptions and remissions (issue #15): structured, sourced records of what a measure does not apply to,
written through ``measure_save``, shown on the measure page and in the measure's API answer, edited in the admin."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.urls import reverse

from tariffs.models import Measure, MeasureExemption, MeasureExemptionCitation
from tariffs.services import measure_save
from tests.factories import ActorFactory, DisputeFactory, SourceFactory
from tests.test_admin import _form_data

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2025, 6, 1)
HOSTILE = '<script>alert("x")</script> goods in transit'


@pytest.fixture
def sources():
    return [SourceFactory(title="Executive order amending EO 14193"), SourceFactory(title="Customs guidance")]


def exemption(sources, **more):
    return {
        "kind": "cusma_compliant", "description": "Goods qualifying for CUSMA preference are exempt",
        "valid_from": D(2025, 3, 7), "valid_to": None, "instrument": "Executive order of 6 Mar 2025",
        "citations": [{"source": source} for source in sources], **more,
    }  # fmt: skip


@pytest.fixture
def tariff(sources):
    return measure_save(
        measure=Measure(dispute=DisputeFactory(slug="exempt-case"), imposed_by=ActorFactory(), type="tariff",
                        title="25% on Canadian goods", announced_on=D(2025, 2, 1)),
        applies_to=[ActorFactory()],
        rate_periods=[{"valid_from": D(2025, 3, 4), "rate_percent": 25}],
        exemptions=[
            exemption(sources),
            exemption(sources[:1], kind="in_transit", description=HOSTILE, valid_from=D(2025, 3, 4),
                      valid_to=D(2025, 3, 31), instrument="EO 14193, s. 2", description_fr="Marchandises en transit"),
        ],
        citations=[{"source": sources[0]}],
        today=TODAY,
    )  # fmt: skip


def test_a_measure_is_saved_with_its_exemptions_and_their_sources(tariff):
    kinds = {e.kind: e for e in tariff.exemptions.all()}
    assert set(kinds) == {"cusma_compliant", "in_transit"}
    assert {c.source.title for c in kinds["cusma_compliant"].citations.all()} == {
        "Executive order amending EO 14193", "Customs guidance",
    }  # fmt: skip
    assert kinds["in_transit"].applies_on(D(2025, 3, 15)) and not kinds["in_transit"].applies_on(D(2025, 4, 1))


def test_saving_the_same_exemptions_again_writes_no_history(tariff, sources):
    before = MeasureExemption.history.count() + MeasureExemptionCitation.history.count()
    measure_save(measure=tariff, exemptions=[exemption(sources), *[
        {**exemption(sources[:1]), "kind": "in_transit", "description": HOSTILE, "valid_from": D(2025, 3, 4),
         "valid_to": D(2025, 3, 31), "instrument": "EO 14193, s. 2", "description_fr": "Marchandises en transit"}
    ]], today=TODAY)  # fmt: skip
    assert MeasureExemption.history.count() + MeasureExemptionCitation.history.count() == before


def test_dropping_a_source_of_an_exemption_removes_only_that_citation(tariff, sources):
    measure_save(measure=tariff, exemptions=[exemption(sources[:1])], today=TODAY)
    (kept,) = tariff.exemptions.all()
    assert [c.source for c in kept.citations.all()] == sources[:1]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"citations": []}, "exemptions.0.sources"),
        ({"valid_from": D(2025, 5, 1), "valid_to": D(2025, 4, 1)}, "exemptions.0.valid_to"),
        ({"kind": "whatever"}, "exemptions.0.kind"),
        ({"description": ""}, "exemptions.0.description"),
    ],
)
def test_a_bad_exemption_is_refused_naming_it_and_nothing_is_written(tariff, sources, change, key):
    before = list(MeasureExemption.objects.values_list("pk", flat=True))
    with pytest.raises(ValidationError) as error:
        measure_save(measure=tariff, exemptions=[exemption(sources, **change)], today=TODAY)
    assert key in error.value.message_dict
    assert list(MeasureExemption.objects.values_list("pk", flat=True)) == before


def test_the_database_refuses_an_inverted_window_or_a_blank_description(tariff):
    for values in ({"valid_from": D(2025, 5, 1), "valid_to": D(2025, 4, 1)}, {"description": ""}):
        with pytest.raises((IntegrityError, DataError)), transaction.atomic():
            MeasureExemption.objects.create(measure=tariff, kind="other", **{"description": "x", **values})


def test_the_measures_api_answer_lists_its_exemptions_with_sources_and_french(client, tariff):
    answer = client.get(f"/api/v1/measures/{tariff.pk}/").json()
    transit = next(e for e in answer["exemptions"] if e["kind"] == "in_transit")
    assert transit["description"] == HOSTILE and transit["valid_to"] == "2025-03-31"
    assert [s["title"] for s in transit["sources"]] == ["Executive order amending EO 14193"]
    french = client.get(f"/api/v1/measures/{tariff.pk}/", {"lang": "fr"}).json()
    assert "Marchandises en transit" in {e["description"] for e in french["exemptions"]}


def test_the_measure_page_shows_the_exemptions_and_hostile_text_stays_text(client, tariff):
    html = client.get(f"/en/measures/{tariff.pk}/").content.decode()
    section = html[html.index('id="exemptions-heading"') :]
    assert "Goods qualifying for CUSMA preference are exempt" in section and "Customs guidance" in section
    assert "CUSMA/USMCA-compliant goods" in section and "Executive order of 6 Mar 2025" in section
    assert HOSTILE not in html and "&lt;script&gt;" in section
    assert "Marchandises en transit" in client.get(f"/fr/measures/{tariff.pk}/").content.decode()


def test_the_admin_edits_exemptions_inline_through_the_service(admin_client, tariff, sources):
    url = reverse("admin:tariffs_measure_change", args=[tariff.pk])
    data = _form_data(admin_client, url)
    (transit,) = [
        k for k, v in data.items() if k.startswith("exemptions-") and k.endswith("-kind") and v == "in_transit"
    ]
    data[transit.replace("-kind", "-DELETE")] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert list(tariff.exemptions.values_list("kind", flat=True)) == ["cusma_compliant"]
    assert {c.source for c in tariff.exemptions.get().citations.all()} == set(sources)
