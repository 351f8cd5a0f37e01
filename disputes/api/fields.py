"""Serializer and filter fields shared by the API and the pages."""

import copy
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from core import data_version
from core.formatting import plain_decimal
from core.i18n import translated
from disputes.models import Actor

UNKNOWN_ACTOR = _("No actor has the slug or ISO code “%(value)s”.")


def storable_text(value: str) -> str:
    """``value`` if PostgreSQL can store and compare it; else a 400 naming the field, as DRF's CharField gives.

    The database refuses text with NUL characters or lone surrogates: checked before any query sees it.
    """
    try:
        ProhibitNullCharactersValidator()(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages, code=error.code) from None
    ProhibitSurrogateCharactersValidator()(value)  # raises DRF's ValidationError itself
    return value


def resolve_actor(identifier: str) -> Actor | None:
    return Actor.objects.identified_by(identifier).first() if identifier else None


def _actor_named(identifier: str) -> Actor | None:
    """``resolve_actor``, looked up once per data version in this process (a filter names the same few actors
    in read after read); each caller gets its own copy of the instance."""
    actor = data_version.remembered(("actor", identifier), lambda: resolve_actor(identifier))
    return copy.copy(actor)


class ActorIdentifierFormField(forms.CharField):
    """A filter parameter naming an actor by slug or ISO code (``china`` or ``CN``)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        actor = _actor_named(value)
        if actor is None:
            raise forms.ValidationError(UNKNOWN_ACTOR, code="unknown_actor", params={"value": value})
        return actor


@extend_schema_field({"type": "string", "description": "Actor slug (e.g. `china`) or ISO code (e.g. `CN`)."})
class ActorIdentifierField(serializers.Field):
    """Writes an actor by slug or ISO code; reads it back as its slug."""

    default_error_messages = {"unknown": UNKNOWN_ACTOR, "invalid": _("Give an actor slug or ISO code as text.")}

    def to_internal_value(self, data):
        if not isinstance(data, str) or not data.strip():
            self.fail("invalid")
        actor = resolve_actor(storable_text(data))
        if actor is None:
            self.fail("unknown", value=data)
        return actor

    def to_representation(self, value):
        return value.slug


class NormalizedDecimalField(serializers.DecimalField):
    """A decimal written as plainly as it reads: "100", "75.8", never "100.000"."""

    def to_representation(self, value):
        if value is None:
            return None
        text = super().to_representation(value)
        return plain_decimal(Decimal(text))


@extend_schema_field(OpenApiTypes.STR)
class TranslatedField(serializers.Field):
    """A record's text in the language of the answer (``?lang=`` or ``Accept-Language``): its French text when
    French is asked and the text is written, the English otherwise (``core.i18n``)."""

    def __init__(self, name: str | None = None, **kwargs):
        self.text_name = name
        super().__init__(source="*", read_only=True, **kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        self.text_name = self.text_name or field_name

    def to_representation(self, obj):
        return translated(obj, self.text_name)
