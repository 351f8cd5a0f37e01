"""The OpenAPI description of every answer the API gives, errors included.

drf-standardized-errors documents the error answers only for views using its own exception handler
function; ours wraps it (database outages become 503), so this schema documents them whatever the
handler. It also documents what its defaults miss: reads are public, a delete of a record still
referred to is a 409, a body over the upload limit a 413, and a 400 names any field, nested ones
included (``rate_periods.0.valid_from``), so its ``attr`` is documented as text, not an enum.
"""

from django.core.exceptions import FieldDoesNotExist
from drf_standardized_errors.openapi import AutoSchema as StandardizedAutoSchema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ValidationErrorResponseSerializer
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissionsOrAnonReadOnly

from .language import LANG_PARAMETER


class Error409Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[("protected", "protected")])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse409Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error409Serializer(many=True)


class Error413Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[("request_too_large", "request_too_large")])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse413Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error413Serializer(many=True)


def model_field_is_blank(field) -> bool:
    """Whether the model field behind a ModelSerializer's ``field`` may hold ""."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source or field.source == "*":
        return False
    try:
        return model._meta.get_field(field.source).blank
    except FieldDoesNotExist:  # a property or a method
        return False


EXTRA_ERRORS = {"409": ErrorResponse409Serializer, "413": ErrorResponse413Serializer}


class AutoSchema(StandardizedAutoSchema):
    def get_override_parameters(self):
        # Every operation answers in the language asked (core.api.language).
        return [*super().get_override_parameters(), LANG_PARAMETER]

    def _get_allowed_error_status_codes(self) -> list[str]:
        return [*super()._get_allowed_error_status_codes(), *EXTRA_ERRORS]

    def _should_add_error_response(self, responses: dict, status_code: str) -> bool:
        if status_code in responses:
            return False
        if status_code == "409":
            return self.method == "DELETE"
        if status_code == "413":
            return self.method in ("POST", "PUT", "PATCH")
        checks = {
            "400": lambda: self._should_add_parse_error_response() or self._should_add_validation_error_response(),
            "401": self._should_add_http401_error_response,
            "403": self._should_add_http403_error_response,
            "404": self._should_add_http404_error_response,
            "405": self._should_add_http405_error_response,
            "406": self._should_add_http406_error_response,
            "415": self._should_add_http415_error_response,
            "429": self._should_add_http429_error_response,
            "500": self._should_add_http500_error_response,
        }
        return checks[status_code]() if status_code in checks else True

    def _get_error_response_serializer(self, status_code: str):
        return EXTRA_ERRORS.get(status_code) or super()._get_error_response_serializer(status_code)

    def _should_add_validation_error_response(self) -> bool:
        return True  # every operation takes ``?format=``, and an unknown one is a 400 naming it

    def _get_serializer_for_validation_error_response(self):
        return ValidationErrorResponseSerializer

    def get_response_serializers(self):
        # A write answers with the record as reads show it (the write serializers' to_representation).
        view = self.view
        if getattr(view, "write_serializer_class", None) and self.method in ("POST", "PUT", "PATCH"):
            return view.serializer_class
        return super().get_response_serializers()

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if isinstance(field, serializers.ChoiceField) and field.read_only and model_field_is_blank(field):
            field.allow_blank = True  # DRF drops it from read-only fields, but the answer may hold ""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.URLField) and (field.allow_blank or direction == "response"):
            address = {"type": "string", "format": schema.pop("format", "uri")}
            schema.pop("type", None)
            schema["anyOf"] = [address, {"type": "string", "maxLength": 0}]  # a web address, or "" for none
        return schema

    def get_auth(self):
        auths = super().get_auth()
        public_read = any(isinstance(p, DjangoModelPermissionsOrAnonReadOnly) for p in self.view.get_permissions())
        if public_read and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})  # no credentials needed to read
        return auths
