"""Rates per exporter within one measure (issue #15): each exporter or group named has its own dated periods,
everyone else pays the residual rate, and "rate on D" for an exporter is its own period or else the residual one,
in Python and in SQL alike."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DataError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from disputes.choices import ActorKind
from exchange.resources.tariffs import render_rate_periods
from tariffs.models import Measure, RatePeriod
from tariffs.services import measure_save, measure_suspend
from tests.factories import ActorFactory, DisputeFactory, MeasureFactory, SourceFactory
from timelines.models import TimelineEntry
from timelines.services import refresh_dispute

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2025, 1, 15)


@pytest.fixture
def makers():
    return {
        name: ActorFactory(name=name.upper(), slug=f"ev-{name}", kind=ActorKind.COMPANY, country="CN")
        for name in ("byd", "saic", "tesla")
    }


def period(start, end, rate, exporter=None, state="in_force", **more):
    return {"valid_from": start, "valid_to": end, "rate_percent": Decimal(rate), "state": state,
            "exporter": exporter, **more}  # fmt: skip


@pytest.fixture
def ev_duty(makers):
    """The EU's duty on Chinese EVs, in the shape of the sources: provisional then definitive, per exporter."""
    return measure_save(
        measure=Measure(dispute=DisputeFactory(slug="ev-duties"), imposed_by=ActorFactory(),
                        type="countervailing", title="Duties on BEVs from China", announced_on=D(2024, 7, 4)),
        applies_to=[ActorFactory()],
        rate_periods=[
            period(D(2024, 7, 5), D(2024, 10, 29), "17.4", makers["byd"]),
            period(D(2024, 7, 5), D(2024, 10, 29), "37.6", makers["saic"]),
            period(D(2024, 7, 5), D(2024, 10, 29), "37.6"),
            period(D(2024, 10, 30), None, "17.0", makers["byd"]),
            period(D(2024, 10, 30), None, "35.3", makers["saic"]),
            period(D(2024, 10, 30), None, "7.8", makers["tesla"]),
            period(D(2024, 10, 30), None, "35.3"),
        ],
        citations=[{"source": SourceFactory()}],
        today=TODAY,
    )  # fmt: skip


def sql_rate(measure, day, exporter=None):
    return Measure.objects.with_rate_on(day, exporter=exporter).get(pk=measure.pk).rate_on_date


@pytest.mark.parametrize(
    ("exporter", "day", "rate"),
    [
        ("saic", D(2024, 11, 1), "35.3"),  # the journalist's question: SAIC's EVs on 1 Nov 2024
        ("byd", D(2024, 8, 1), "17.4"),
        ("byd", D(2024, 11, 1), "17.0"),
        ("tesla", D(2024, 8, 1), "37.6"),  # no own provisional rate: the residual one
        ("tesla", D(2024, 11, 1), "7.8"),
        (None, D(2024, 11, 1), "35.3"),  # everyone else
        ("saic", D(2024, 7, 1), None),  # before any duty
    ],
)
def test_an_exporter_pays_its_own_rate_or_else_the_residual_one_in_python_and_in_sql(
    ev_duty, makers, exporter, day, rate
):
    actor = makers.get(exporter)
    expected = Decimal(rate) if rate else None
    measure = Measure.objects.prefetch_related("rate_periods").get(pk=ev_duty.pk)
    assert measure.rate_on(day, exporter=actor) == expected
    assert sql_rate(ev_duty, day, actor) == expected


def test_the_python_and_sql_forms_agree_for_every_exporter_on_every_edge_day(ev_duty, makers):
    measure = Measure.objects.prefetch_related("rate_periods").get(pk=ev_duty.pk)
    days = {p.valid_from for p in measure.rate_periods.all()} | {D(2024, 10, 29), D(2024, 7, 4), D(2030, 1, 1)}
    for day in sorted(days):
        for actor in [None, *makers.values()]:
            assert measure.rate_on(day, exporter=actor) == sql_rate(ev_duty, day, actor), (day, actor)


def test_a_measure_with_only_exporter_rates_in_force_is_in_force(makers):
    measure = MeasureFactory()
    RatePeriod.objects.create(measure=measure, valid_from=D(2025, 7, 5), rate_percent=30, exporter=makers["byd"])
    assert Measure.objects.in_force(on=D(2025, 8, 1)).filter(pk=measure.pk).exists()
    assert Measure.objects.prefetch_related("rate_periods").get(pk=measure.pk).is_in_force_on(D(2025, 8, 1))
    # Nobody else has a rate recorded: the residual rate is unknown, not the exporter's.
    assert measure.rate_on(D(2025, 8, 1)) is None and sql_rate(measure, D(2025, 8, 1)) is None


def test_periods_of_different_exporters_may_share_days_but_not_those_of_one_exporter(ev_duty, makers):
    rows = [period(D(2025, 1, 1), None, "20", makers["byd"])]
    with pytest.raises(ValidationError) as error:
        measure_save(
            measure=ev_duty,
            rate_periods=[*[period(p.valid_from, p.valid_to, p.rate_percent, p.exporter) for p in
                            ev_duty.rate_periods.all()], *rows],
            today=TODAY,
        )  # fmt: skip
    errors = error.value.message_dict
    overlapping = [key for key in errors if key.endswith(".valid_from")]
    assert overlapping == ["rate_periods.7.valid_from"] and "BYD" in errors["rate_periods"][0]
    assert ev_duty.rate_periods.count() == 7


def test_postgresql_itself_refuses_overlapping_periods_of_one_exporter_only(ev_duty, makers):
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        RatePeriod.objects.create(measure=ev_duty, valid_from=D(2025, 1, 1), rate_percent=1, exporter=makers["byd"])
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        RatePeriod.objects.create(measure=ev_duty, valid_from=D(2025, 1, 1), rate_percent=1)
    # A new exporter's own rate over the same days is fine.
    RatePeriod.objects.create(measure=ev_duty, valid_from=D(2024, 10, 30), rate_percent=20.7, exporter=ActorFactory())


def test_saving_the_same_periods_again_writes_nothing(ev_duty):
    rows = [period(p.valid_from, p.valid_to, p.rate_percent, p.exporter) for p in ev_duty.rate_periods.all()]
    before = RatePeriod.history.count()
    measure_save(measure=ev_duty, rate_periods=rows, today=TODAY)
    assert RatePeriod.history.count() == before


def test_a_suspension_suspends_every_rate_in_force_and_each_resumes_as_it_was(ev_duty, makers):
    measure_suspend(measure=ev_duty, from_date=D(2025, 3, 1), until=D(2025, 3, 31), today=TODAY)
    measure = Measure.objects.prefetch_related("rate_periods").get(pk=ev_duty.pk)
    for actor, rate in ((makers["byd"], 17), (makers["tesla"], Decimal("7.8")), (None, Decimal("35.3"))):
        assert measure.rate_on(D(2025, 3, 15), exporter=actor) is None
        assert measure.rate_on(D(2025, 4, 1), exporter=actor) == rate
    assert measure.status_on(D(2025, 3, 15)) == "suspended"


def test_the_api_gives_an_exporters_rate_on_a_day(client, ev_duty):
    url = "/api/v1/measures/"
    rates = {
        exporter: [m["rate_on_date"] for m in client.get(
            url, {"dispute": "ev-duties", "in_force_on": "2024-11-01", **({"exporter": exporter} if exporter else {})}
        ).json()["results"]]
        for exporter in ("ev-saic", "ev-tesla", "ev-byd", None)
    }  # fmt: skip
    assert rates == {"ev-saic": ["35.3"], "ev-tesla": ["7.8"], "ev-byd": ["17"], None: ["35.3"]}
    periods = client.get(f"{url}{ev_duty.pk}/").json()["rate_periods"]
    assert {(p["exporter"] or {}).get("slug") for p in periods} == {"ev-byd", "ev-saic", "ev-tesla", None}
    assert {p["exporter"]["name"] for p in periods if p["exporter"]} == {"BYD", "SAIC", "TESLA"}


def test_the_api_lists_each_periods_exporter_in_a_list_too(client, ev_duty):
    (listed,) = client.get("/api/v1/measures/", {"dispute": "ev-duties"}).json()["results"]
    assert [(p["exporter"] or {}).get("slug") for p in listed["rate_periods"]] == [
        (p["exporter"] or {}).get("slug") for p in client.get(f"/api/v1/measures/{ev_duty.pk}/").json()["rate_periods"]
    ]


@pytest.mark.parametrize("query", [{"in_force_on": "2024-11-01", "exporter": "nobody-at-all"}, {"exporter": "saic"}])
def test_an_unknown_exporter_or_one_without_a_date_is_a_400_naming_it(client, ev_duty, query):
    response = client.get("/api/v1/measures/", query)
    assert response.status_code == 400
    assert "exporter" in {error.get("attr") for error in response.json()["errors"]}


def test_the_measure_page_shows_a_rate_table_by_exporter_and_marks_the_periods_covering_the_day(client, ev_duty):
    html = client.get(f"/en/measures/{ev_duty.pk}/", {"on": "2024-11-01"}).content.decode()
    table = html[html.index('id="rate-history"') : html.index("</table>", html.index('id="rate-history"'))]
    assert "BYD" in table and "SAIC" in table and "All others" in table
    marked = [row for row in table.split("<tr")[1:] if 'aria-current="date"' in row]
    assert len(marked) == 4  # BYD, SAIC, Tesla and everyone else on 1 Nov 2024
    assert all("2024-10-30" in row or "Oct. 30, 2024" in row for row in marked)


def test_the_measure_page_costs_the_same_queries_with_more_exporters(client, ev_duty):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/en/measures/{ev_duty.pk}/", {"on": "2024-11-01"}).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(3):
        RatePeriod.objects.create(measure=ev_duty, valid_from=D(2024, 10, 30), rate_percent=20, exporter=ActorFactory())
    assert queries() == few


def test_the_timeline_tells_the_measures_story_by_its_residual_rate_once_per_day(ev_duty):
    refresh_dispute(dispute_id=ev_duty.dispute_id, today=TODAY, full=True)
    milestones = list(
        TimelineEntry.objects.filter(measure_id=ev_duty.pk).exclude(kind="measure_announced").order_by("date")
        .values_list("date", "kind", "rate_percent")
    )  # fmt: skip
    assert milestones == [
        (D(2024, 7, 5), "measure_in_force", Decimal("37.6")),
        (D(2024, 10, 30), "rate_change", Decimal("35.3")),
    ]


def test_a_measure_whose_later_rates_are_all_per_exporter_does_not_read_as_ended(makers):
    measure = measure_save(
        measure=Measure(dispute=DisputeFactory(), imposed_by=ActorFactory(), type="anti_dumping",
                        title="Duty on brandy", announced_on=D(2024, 10, 8)),
        applies_to=[ActorFactory()],
        rate_periods=[period(D(2024, 10, 11), D(2025, 7, 4), "39"),
                      period(D(2025, 7, 5), None, "27.7", makers["byd"]),
                      period(D(2025, 7, 5), None, "34.9", makers["saic"])],
        citations=[{"source": SourceFactory()}], today=D(2025, 8, 1),
    )  # fmt: skip
    refresh_dispute(dispute_id=measure.dispute_id, today=D(2025, 8, 1), full=True)
    kinds = list(TimelineEntry.objects.filter(measure_id=measure.pk).order_by("date").values_list("kind", flat=True))
    assert "measure_ended" not in kinds and kinds.count("measure_announced") == 1
    assert measure.status == "in_force"


def test_periods_read_from_the_api_can_be_written_back_unchanged(ev_duty, django_user_model):
    editor = django_user_model.objects.create_user("rates-editor", password="x" * 12)
    editor.user_permissions.set(Permission.objects.filter(codename="change_measure"))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    url = f"/api/v1/measures/{ev_duty.pk}/"
    periods = [{k: v for k, v in p.items() if k != "scheduled"} for p in api.get(url).json()["rate_periods"]]
    before = RatePeriod.history.count()
    response = api.patch(url, {"rate_periods": periods}, format="json")
    assert response.status_code == 200, response.json()
    assert RatePeriod.history.count() == before
    periods[0]["exporter"] = "ev-tesla"  # by slug, as written by hand
    assert api.patch(url, {"rate_periods": periods}, format="json").status_code == 200
    assert ev_duty.rate_periods.filter(exporter__slug="ev-tesla").count() == 2


def test_an_import_of_the_rendered_periods_keeps_each_exporter_and_what_its_rate_is_added_to(ev_duty, tmp_path):
    RatePeriod.objects.filter(measure=ev_duty).update(on_top_of="mfn", base_rate=10)
    ev_duty.reference = "EV-1"
    ev_duty.save()
    text = render_rate_periods(ev_duty)
    assert "2024-10-30.. 7.8% for ev-tesla" in text
    path = tmp_path / "measures.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [["dispute", "reference", "rate_periods"], ["ev-duties", "EV-1", text.replace("7.8%", "8.5%")]]
        )
    call_command("import_records", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    tesla = ev_duty.rate_periods.get(exporter__slug="ev-tesla")
    assert (tesla.rate_percent, tesla.on_top_of, tesla.base_rate) == (Decimal("8.5"), "mfn", 10)
    assert ev_duty.rate_periods.count() == 7 and ev_duty.rate_periods.filter(exporter__isnull=True).count() == 2
