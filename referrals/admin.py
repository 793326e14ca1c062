from django.contrib import admin

from .models import Program, Referral


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    """Administrators keep the directory; a program once referred to is retired, not deleted
    (the foreign key protects it)."""

    list_display = ["name", "kind", "provider", "min_age", "max_age", "external", "is_active"]
    list_filter = ["kind", "external", "is_active", "centers"]
    search_fields = ["code", "name", "provider"]
    filter_horizontal = ["centers"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """Read-only, and without case content (administrators see none by default, DESIGN.md
    section 1): referrals move through referrals.services, which audit every change."""

    list_display = ["pk", "program", "status", "status_changed_at", "counselor", "created_at"]
    list_filter = ["status", "program__kind", "program"]
    list_select_related = ["program", "counselor"]
    fields = readonly_fields = [
        "program",
        "status",
        "status_changed_at",
        "sent_at",
        "enrolled_on",
        "counselor",
        "created_at",
    ]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
