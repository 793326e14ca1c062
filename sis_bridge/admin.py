from django.contrib import admin

from .models import QuarantinedRecord, SyncRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Sync runs and quarantined records are evidence: administrators read them, never edit."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "kind", "status", "fetched", "changed", "unchanged", "failed"]
    list_filter = ["kind", "status"]
    exclude = ["youth", "requested_by"]


@admin.register(QuarantinedRecord)
class QuarantinedRecordAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "resource", "record_id", "field", "error"]
    list_filter = ["resource"]
    exclude = ["youth", "raw"]
