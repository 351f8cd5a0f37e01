"""A record's public history in the API: ``GET /api/v1/events/{id}/history/`` and ``/measures/{id}/history/``.

The revisions come from ``core.revisions`` (the rule the pages use too), oldest first, paginated
like every list. The editor's name is given to staff users only: everyone else gets ``null``, and
the staff answer has its own ETag and is marked private so no shared cache hands it on.
"""

import datetime as dt

from django.utils.cache import patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404

from core import revisions as history
from core.permalinks import record_url


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text="The API field that changed (`legal_instrument.name` for a nested one). Child lists such as "
        "`rate_periods`, `participants` or `sources` change as a whole."
    )
    old = serializers.JSONField(help_text="The value before: foreign keys as the API shows them (slug, reference, id).")
    new = serializers.JSONField(help_text="The value after.")


class RevisionSerializer(serializers.Serializer):
    """One edit of the record together with its children (rate periods, product lines, participants, sources…)."""

    number = serializers.IntegerField(help_text="1 is the creation; numbers follow in time and never change.")
    when = serializers.DateTimeField(default_timezone=dt.UTC, help_text="When the edit was made (UTC).")
    kind = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    editor = serializers.SerializerMethodField(help_text="Who made the edit: given to staff users only, else null.")
    html_url = serializers.SerializerMethodField(help_text="The record's page as it was at this revision.")
    changes = ChangeSerializer(many=True, help_text="What the edit changed; empty for the creation.")

    def get_editor(self, revision) -> str | None:
        return (revision.editor or None) if self.context.get("editors") else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, revision) -> str:
        path = record_url(self.context["page_kind"], self.context["record"].pk) + f"?as_of_revision={revision.number}"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class HistoryMixin:
    """Adds ``GET {id}/history/`` to an ``ApiViewSet`` whose records have a public history."""

    #: What the history shows (``core.revisions.HistorySpec``) and which page a revision opens.
    history_spec: history.HistorySpec
    page_kind: str

    @extend_schema(
        summary="The record's change history",
        description="Every revision, oldest first: when, what kind, which fields changed from what to what "
        "(changes to the record's rate periods, product lines, participants, sources and links included), and a "
        "link to the page as it was. The editor is named for staff users only.",
        responses=RevisionSerializer(many=True),
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, *args, **kwargs):
        editors = bool(request.user and request.user.is_staff)
        response = self.conditional(request, lambda: self._history(request, editors=editors))
        if editors:
            response["Cache-Control"] = "private, max-age=0, must-revalidate"
        patch_vary_headers(response, ("Authorization", "Cookie"))
        return response

    def _history(self, request, *, editors: bool):
        model = self.get_queryset().model
        record = get_object_or_404(model.objects.only("pk"), pk=self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        found = history.revisions(record, self.history_spec, editors=editors)
        page = self.paginate_queryset(found)
        context = {**self.get_serializer_context(), "record": record, "page_kind": self.page_kind, "editors": editors}
        return self.get_paginated_response(RevisionSerializer(page, many=True, context=context).data)

    def validators(self, request):
        etag, changed = super().validators(request)
        if getattr(self, "action", None) == "history" and request.user and request.user.is_staff:
            etag = etag[:-1] + '-editors"'  # staff see editors: never the same answer as the public one
        return etag, changed
