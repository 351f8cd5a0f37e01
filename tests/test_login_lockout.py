"""Repeated wrong passwords at the admin sign-in lock that account out from that address for a while."""

import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
RIGHT = "correct horse battery"  # the owner's password (tests/conftest.py)
HOME = "198.51.100.9"


def sign_in(client, password, address=HOME, **headers):
    return client.post(LOGIN, {"username": "owner", "password": password}, REMOTE_ADDR=address, headers=headers)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def lock_out(client, address=HOME):
    """Wrong passwords up to the limit: the last one already answers with the lockout page."""
    answers = [sign_in(client, "wrong password", address) for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert [a.status_code for a in answers[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form again
    return answers[-1]


def test_too_many_wrong_passwords_lock_the_account_out_even_for_the_right_password(client, admin_user):
    lockout = lock_out(client)
    assert lockout.status_code == 429
    assert int(lockout["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert b"Too many failed sign-in attempts" in lockout.content
    refused = sign_in(client, RIGHT)
    assert refused.status_code == 429 and not signed_in(client)


def test_the_lockout_page_speaks_french_to_a_french_reader(client, admin_user):
    lock_out(client)
    refused = sign_in(client, RIGHT, accept_language="fr")
    assert refused.status_code == 429 and "Trop de tentatives de connexion" in refused.content.decode()


def test_the_account_is_not_locked_out_from_another_address(client, admin_user):
    lock_out(client)
    assert sign_in(client, RIGHT, address="203.0.113.7").status_code == 302 and signed_in(client)


def test_a_new_forwarded_for_header_per_attempt_does_not_escape_the_lockout(client, admin_user):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong password", x_forwarded_for=f"10.0.0.{n}")
    assert sign_in(client, RIGHT, x_forwarded_for="10.0.0.99").status_code == 429 and not signed_in(client)


def test_after_the_cool_off_the_right_password_works(client, admin_user):
    lock_out(client)
    later = timezone.now() + settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert sign_in(client, RIGHT).status_code == 302 and signed_in(client)


def test_axes_reset_lifts_the_lockout_at_once(client, admin_user):
    lock_out(client)
    call_command("axes_reset", stdout=io.StringIO())
    assert sign_in(client, RIGHT).status_code == 302 and signed_in(client)


def test_a_successful_sign_in_clears_the_earlier_failures(client, admin_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong password")
    assert sign_in(client, RIGHT).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong password").status_code == 200
    assert sign_in(client, RIGHT).status_code == 302 and signed_in(client)


def test_api_tokens_keep_working_for_a_locked_out_account(client, admin_user, canada_china):
    lock_out(client)
    api = APIClient(REMOTE_ADDR=HOME)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=admin_user).key}")
    dispute = api.patch(f"/api/v1/disputes/{canada_china.slug}/", {"summary": "Still editable"}, format="json")
    assert dispute.status_code == 200, dispute.content
