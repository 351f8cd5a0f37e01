"""The state of play's next scheduled changes for a measure with rates per exporter: one line per measure, day and
change, carrying the residual rate (what everyone not named pays), or no rate when only named exporters change."""

import datetime as dt
from decimal import Decimal

import pytest

from disputes.choices import ActorKind
from tariffs.models import Measure
from tariffs.services import measure_save
from tests.factories import ActorFactory, DisputeFactory, SourceFactory
from timelines.state_of_play import next_changes

pytestmark = pytest.mark.django_db
D = dt.date


def period(start, end, rate, exporter=None):
    return {"valid_from": start, "valid_to": end, "rate_percent": Decimal(rate), "state": "in_force",
            "exporter": exporter}  # fmt: skip


@pytest.fixture
def duty():
    byd, saic = (ActorFactory(slug=s, kind=ActorKind.COMPANY, country="CN") for s in ("byd-x", "saic-x"))
    dispute = DisputeFactory(slug="ev-next")
    return measure_save(
        measure=Measure(
            dispute=dispute,
            imposed_by=ActorFactory(),
            type="countervailing",
            title="EV duty",
            announced_on=D(2030, 1, 1),
        ),  # fmt: skip
        applies_to=[ActorFactory()],
        rate_periods=[
            period(D(2030, 7, 5), D(2030, 10, 29), "17.4", byd),
            period(D(2030, 7, 5), D(2030, 10, 29), "37.6", saic),
            period(D(2030, 7, 5), D(2030, 10, 29), "37.6"),
            period(D(2030, 10, 30), D(2035, 10, 29), "17.0", byd),
            period(D(2030, 10, 30), D(2035, 10, 29), "35.3", saic),
            period(D(2030, 10, 30), D(2035, 10, 29), "35.3"),
            period(D(2031, 3, 1), D(2035, 10, 29), "9.0", ActorFactory(slug="tesla-x", kind=ActorKind.COMPANY)),
        ],
        citations=[{"source": SourceFactory()}],
        today=D(2030, 1, 1),
    )


def test_a_change_shared_by_every_exporter_is_listed_once_with_the_residual_rate(duty):
    changes = [(c["date"], c["change"], c["rate_percent"]) for c in next_changes(duty.dispute, D(2030, 1, 1))]
    assert changes[:2] == [("2030-07-05", "takes_effect", "37.6"), ("2030-10-30", "rate_changes", "35.3")]
    assert len(changes) == len({(day, change) for day, change, _rate in changes})


def test_a_change_of_named_exporters_alone_gives_no_rate(duty):
    changes = {(c["date"], c["change"]): c for c in next_changes(duty.dispute, D(2030, 12, 1))}
    assert changes[("2031-03-01", "takes_effect")]["rate_percent"] is None
    assert changes[("2035-10-30", "ends")]["rate_percent"] is None
    assert list(changes) == [("2031-03-01", "takes_effect"), ("2035-10-30", "ends")]
