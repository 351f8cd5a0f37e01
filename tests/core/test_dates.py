import datetime as dt

from django.db.models import F, Q

from core.dates import ends_before_start, window_condition

DAY = dt.date(2025, 3, 20)


def test_a_window_ending_before_it_starts_is_inverted():
    assert ends_before_start(DAY, DAY - dt.timedelta(days=1))


def test_a_one_day_an_open_or_an_unstarted_window_is_not_inverted():
    assert not ends_before_start(DAY, DAY)
    assert not ends_before_start(DAY, None)
    assert not ends_before_start(None, DAY)


def test_the_database_check_states_the_same_rule():
    assert window_condition("valid_from", "valid_to") == Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from"))
