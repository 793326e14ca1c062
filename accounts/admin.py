from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from centers.models import StaffMembership

from .models import User


class MembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    autocomplete_fields = ["center"]


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
