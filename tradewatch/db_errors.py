"""An unreachable database answers 503 at once, not a 500 (or a worker killed by gunicorn's timeout).

``tradewatch/db_timeouts.py`` makes a frozen PostgreSQL fail within seconds with ``OperationalError``
(or ``InterfaceError`` on a connection already closed); here those become ``503 Service Unavailable``
with ``Retry-After``: the standard JSON error body under ``/api/``, a short plain page elsewhere.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from drf_standardized_errors.handler import exception_handler as standardized_exception_handler
from rest_framework.exceptions import APIException

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
MESSAGE = "The database is not answering; please try again in a moment."
PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Temporarily unavailable - TradeWatch</title>"
    f"<h1>Temporarily unavailable</h1><p>{MESSAGE}</p></html>"
)


class DatabaseUnavailable(APIException):
    status_code = 503
    default_detail = MESSAGE
    default_code = "database_unavailable"
    wait = RETRY_AFTER_SECONDS  # becomes Retry-After


def api_exception_handler(exc, context):
    """DRF's exception handler: drf-standardized-errors' (whichever handler class it is set to use),
    with database outages as 503 (in debug mode too)."""
    if isinstance(exc, DATABASE_ERRORS):
        logger.error("database unavailable: %s", exc)
        exc = DatabaseUnavailable()
    return standardized_exception_handler(exc, context)


def unavailable_response(request):
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "type": "server_error",
                "errors": [{"code": DatabaseUnavailable.default_code, "detail": MESSAGE, "attr": None}],
            },
            status=503,
        )
    else:
        # A plain page: the site's templates would ask the database again (the user, the menus).
        response = HttpResponse(PAGE, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Views (and template rendering) that fail on the database answer 503 instead of 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("database unavailable: %s", exception)
            return unavailable_response(request)
        return None
