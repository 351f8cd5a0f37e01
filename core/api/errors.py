"""JSON errors for what Django raises outside DRF's own exceptions (a body over the upload limit)."""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from drf_standardized_errors.handler import ExceptionHandler as StandardizedExceptionHandler
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"
    default_detail = "The request body is larger than the server accepts."


class ExceptionHandler(StandardizedExceptionHandler):
    """drf-standardized-errors' handler, also turning Django's refusals of a request body into 4xx JSON."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, RequestDataTooBig):
            return RequestTooLarge()
        if isinstance(exc, SuspiciousOperation):  # too many fields or files in a form body
            return ParseError(str(exc))
        return super().convert_known_exceptions(exc)
