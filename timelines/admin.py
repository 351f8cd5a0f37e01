"""Read-only views of the read models, and a button to rebuild them."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .choices import RecordType
from .models import DisputeSummary, RefreshState, TimelineEntry
from .queueing import request_refresh


class ReadOnlyAdmin(admin.ModelAdmin):
    """The read models are built by the refresh jobs, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyAdmin):
    list_display = ["date", "date_precision", "kind", "side", "title", "record_type", "dispute"]
    list_filter = ["dispute", "record_type", "kind", "side"]
    search_fields = ["title", "text", "key"]
    date_hierarchy = "date"
    list_select_related = ["dispute"]


@admin.register(DisputeSummary)
class DisputeSummaryAdmin(ReadOnlyAdmin):
    list_display = ["dispute", "as_of", "refreshed_at"]
    list_select_related = ["dispute"]
    readonly_fields = ["dispute", "as_of", "text_en", "text_fr", "data", "refreshed_at"]
    actions = ["queue_full_refresh"]

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("timelines.view_disputesummary")

    @admin.action(description=_("Rebuild the timeline and summary of the selected disputes"))
    def queue_full_refresh(self, request, queryset):
        request_refresh((summary.dispute_id, RecordType.ALL, 0) for summary in queryset)
        self.message_user(request, _("A full refresh was queued."), messages.SUCCESS)


@admin.register(RefreshState)
class RefreshStateAdmin(ReadOnlyAdmin):
    list_display = [
        "dispute_id",
        "queued_at",
        "last_started_at",
        "last_finished_at",
        "last_duration_ms",
        "last_changes",
    ]
