from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from centers.access import staff_access
from centers.models import StaffMembership

from .models import User
from .services import second_factor_reset


class MembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    autocomplete_fields = ["center"]


def _may_reset(request) -> bool:
    return staff_access(request.user).is_administrator or request.user.is_superuser


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "two_step_on",
        "last_login",
    ]
    readonly_fields = ["two_step"]
    fieldsets = [*UserAdmin.fieldsets, (_("Two-step sign-in"), {"fields": ["two_step"]})]
    actions = ["reset_second_factor"]

    def get_queryset(self, request):
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_authenticator=Exists(confirmed))

    @admin.display(boolean=True, description=_("two-step sign-in"))
    def two_step_on(self, user) -> bool:
        return user.has_authenticator

    @admin.display(description=_("two-step sign-in"))
    def two_step(self, user) -> str:
        state = _("on") if user.has_authenticator else _("off")
        return format_html(
            '{} · <a href="{}">{}</a>',
            state,
            reverse("accounts:two_step_reset", args=[user.pk]),
            _("Reset (lost phone)"),
        )

    @admin.action(description=_("Reset two-step sign-in of the selected staff"))
    def reset_second_factor(self, request, queryset) -> None:
        if not _may_reset(request):
            self.message_user(
                request, _("Only administrators may reset two-step sign-in."), messages.ERROR
            )
            return
        for user in queryset:
            second_factor_reset(request=request, user=user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "Two-step sign-in was reset for %(count)d staff member.",
                "Two-step sign-in was reset for %(count)d staff members.",
                count,
            )
            % {"count": count},
        )
