from django.contrib import admin

from .models import Center, StaffMembership


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "address", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["code", "name", "address"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "center", "read_only"]
    list_filter = ["role", "center", "read_only"]
    search_fields = ["user__username", "user__last_name", "center__code"]
    autocomplete_fields = ["user", "center"]
