"""Questions a journalist asks about the disputes of 2025, answered by the REST API from the real datasets
(``eu-china-ev`` and ``us-canada-2025``, loaded once for this module beside the first case)."""

import pytest
from django.db import transaction

from exchange.dataset_loader import load_dataset
from tariffs.models import Measure

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def loaded(django_db_setup, django_db_blocker):
    """Both datasets, then canada-china again for its links to us-canada-2025; rolled back after the module."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            for name in ("eu-china-ev", "us-canada-2025", "canada-china"):
                load_dataset(name)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def measures(client, **params) -> dict[str, dict]:
    response = client.get("/api/v1/measures/", {"limit": 500, **params})
    assert response.status_code == 200, response.content[:500]
    return {item["reference"]: item for item in response.json()["results"]}


def detail(client, reference, **headers) -> dict:
    measure = Measure.objects.get(reference=reference)
    response = client.get(f"/api/v1/measures/{measure.pk}/", **headers)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def test_the_eu_duty_on_saic_evs_on_1_november_2024_is_the_definitive_35_3_percent_over_the_10_percent_tariff(
    anonymous,
):
    ask = {"dispute": "eu-china-ev", "imposed_by": "european-union", "applies_to": "CN", "hs": "8703"}
    found = measures(anonymous, in_force_on="2024-11-01", exporter="saic", **ask)
    assert list(found) == ["M03-ev-cvd"]
    assert found["M03-ev-cvd"]["rate_on_date"] == "35.3"
    assert found["M03-ev-cvd"]["total_rate_on_date"] == "45.3"
    # Two days earlier SAIC's cars still paid the provisional 37.6%.
    assert measures(anonymous, in_force_on="2024-10-29", exporter="saic", **ask)["M03-ev-cvd"]["rate_on_date"] == "37.6"


def test_on_10_june_2025_canadian_steel_paid_the_50_percent_steel_tariff_and_not_the_fentanyl_tariff(anonymous):
    ask = {"imposed_by": "US", "applies_to": "CA", "hs": "72"}
    found = measures(anonymous, in_force_on="2025-06-10", **ask)
    assert {reference: item["rate_on_date"] for reference, item in found.items()} == {"US-232-steel": "50"}
    assert measures(anonymous, in_force_on="2025-05-10", **ask)["US-232-steel"]["rate_on_date"] == "25"
    # The IEEPA tariff on Canadian goods says, where it is shown, that from 4 June 2025 it spares steel under 232.
    exemptions = detail(anonymous, "US-IEEPA-CA")["exemptions"]
    assert any(e["valid_from"] == "2025-06-04" and "steel" in e["description"] for e in exemptions), exemptions


def test_on_15_september_2025_only_the_steel_aluminium_and_vehicle_counter_tariffs_were_left(anonymous):
    ask = {"imposed_by": "CA", "applies_to": "US"}
    found = measures(anonymous, in_force_on="2025-09-15", **ask)
    assert {reference: item["rate_on_date"] for reference, item in found.items()} == {
        "CA-surtax-steel": "25",
        "CA-surtax-aluminium": "25",
        "CA-surtax-autos": "25",
    }
    # A fortnight earlier the first list (C$30B) and the other goods of March were still taxed.
    assert {"CA-surtax-2025-1", "CA-surtax-other"} <= set(measures(anonymous, in_force_on="2025-08-31", **ask))


def test_a_named_exporter_pays_its_own_rate_and_everyone_else_the_residual_rate(anonymous):
    lumber = {"dispute": "us-canada-2025", "hs": "4407", "in_force_on": "2025-09-01"}
    canfor = measures(anonymous, exporter="canfor", **lumber)
    most_mills = measures(anonymous, **lumber)
    assert canfor["US-AD-lumber"]["rate_on_date"] == "35.53"
    assert most_mills["US-AD-lumber"]["rate_on_date"] == "20.56"
    # The countervailing duty is stacked on the anti-dumping duty: 12.12 + 35.53 for Canfor, 14.63 + 20.56 for most.
    assert canfor["US-CVD-lumber"]["total_rate_on_date"] == "47.65"
    assert most_mills["US-CVD-lumber"]["total_rate_on_date"] == "35.19"

    evs = {"dispute": "eu-china-ev", "hs": "8703", "in_force_on": "2025-03-01"}
    assert measures(anonymous, exporter="tesla", **evs)["M03-ev-cvd"]["rate_on_date"] == "7.8"
    # An exporter without a rate of its own (Volkswagen's Chinese joint venture) pays the residual 35.3%.
    assert measures(anonymous, exporter="volkswagen-china-jv", **evs)["M03-ev-cvd"]["rate_on_date"] == "35.3"


def test_canadas_steel_measures_link_across_the_us_canada_and_canada_china_disputes(anonymous):
    m10 = Measure.objects.get(dispute__slug="canada-china", reference="M10")
    us_steel = Measure.objects.get(dispute__slug="us-canada-2025", reference="US-232-steel")

    tighter_quotas = measures(anonymous, dispute="us-canada-2025", type="tariff_rate_quota")["CA-steel-trq-cut"]
    assert {"type": "amends", "measure": m10.pk, "measure_dispute": "canada-china"}.items() <= next(
        link for link in tighter_quotas["links"] if link["measure_dispute"] == "canada-china"
    ).items()

    quotas = detail(anonymous, "M10")
    assert {(link["type"], link["measure"], link["measure_dispute"]) for link in quotas["links"]} >= {
        ("responds_to", us_steel.pk, "us-canada-2025")
    }


def test_the_eu_duty_reads_in_french_with_its_french_exemption(anonymous):
    duty = detail(anonymous, "M03-ev-cvd", HTTP_ACCEPT_LANGUAGE="fr")
    assert duty["title"] == "Droits compensateurs de l'UE sur les véhicules électriques à batterie chinois"
    assert duty["exemptions"][0]["description_fr"].startswith("Les importateurs peuvent demander")
