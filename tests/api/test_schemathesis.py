"""Every operation of the OpenAPI schema, fuzzed by schemathesis on the real database.

Each operation gets a bounded, reproducible set of generated requests (writes sent with a
superuser's token, so POST, PUT, PATCH and DELETE run for real, inside the test's transaction).
No answer may be a 5xx, and every answer must conform to the schema: its status code, content
type, headers and body.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tradewatch.wsgi import application

MAX_EXAMPLES = 25
# Not a 5xx, and conforming to the schema. (Whether a schema-valid request is accepted depends on rules
# the schema cannot state, such as a state actor needing an ISO code: those have their own tests.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

config = SchemathesisConfig(seed=20260311)
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=config)
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True, database="none")
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture
def superuser_token(django_user_model):
    user = django_user_model.objects.create_superuser("fuzzer", "fuzzer@example.org", "x" * 16)
    return Token.objects.create(user=user).key


@pytest.fixture(autouse=True)
def one_transaction_for_all_requests(settings, monkeypatch):  # noqa: F811 (pytest-django's fixture)
    """Requests run in the test's transaction (as Django's test client keeps them) with no throttling."""
    from rest_framework.throttling import SimpleRateThrottle

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    rates = {"anon_read": None, "write": None}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
# The token and the transaction are meant to be shared by every generated request of an operation.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_no_operation_answers_a_server_error_or_breaks_its_schema(case, superuser_token):
    headers = {} if case.method == "GET" else {"Authorization": f"Token {superuser_token}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
