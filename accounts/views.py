"""Two-step sign-in pages, signing out everywhere, and an administrator's reset."""

import math
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from centers.access import staff_access

from . import services
from .demo import demo_code_for
from .forms import AuthenticatorCodeForm, SignInCodeForm
from .selectors import (
    authenticator_for,
    backup_codes_left,
    two_step_enabled_for,
    two_step_required_for,
)
from .sessions import session_ends_at, session_signed_in_at

NEW_BACKUP_CODES = "new_backup_codes"


def _next_url(request, default: str = "home") -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse(default)


def _refused(check: services.CodeCheck) -> str:
    if check.too_soon_until is None:
        return _(
            "That code is not right. Type the code your app shows now (check that your "
            "phone's clock is right), or a backup code. After each wrong code, the wait before "
            "the next try doubles."
        )
    seconds = max(1, math.ceil((check.too_soon_until - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong codes: this one was not checked. Wait %(seconds)d second, then type "
        "the code your app shows at that moment.",
        "Too many wrong codes: this one was not checked. Wait %(seconds)d seconds, then type "
        "the code your app shows at that moment.",
        seconds,
    ) % {"seconds": seconds}


def _verified(request, device) -> None:
    django_otp.login(request, device)
    # A new session key for the now fully signed-in session.
    request.session.cycle_key()


@never_cache
def two_step_verify(request):
    """The second step of signing in, for a user who has two-step sign-in on."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not two_step_enabled_for(request.user):
        return redirect("accounts:two_step")
    form = SignInCodeForm(request.POST or None)
    if form.is_valid():
        check = services.second_factor_check(user=request.user, code=form.cleaned_data["code"])
        if check.device is not None:
            _verified(request, check.device)
            if isinstance(check.device, StaticDevice):
                left = backup_codes_left(request.user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a backup code; it will not work again. %(left)d is left.",
                        "You used a backup code; it will not work again. %(left)d are left.",
                        left,
                    )
                    % {"left": left},
                )
            return redirect(_next_url(request))
        form.add_error("code", _refused(check))
    return render(
        request,
        "accounts/two_step_verify.html",
        {
            "form": form,
            "next": _next_url(request),
            "two_step_pending": True,
            "demo_code": demo_code_for(request.user) if settings.DEBUG else None,
        },
    )


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
def two_step_enrol(request):
    """Set up an authenticator app: scan the QR code (or type the key), then confirm with a
    code. A user who already has one sets up a replacement the same way."""
    device = services.authenticator_start(user=request.user)
    form = AuthenticatorCodeForm(request.POST or None)
    if form.is_valid():
        check = services.authenticator_check(device=device, code=form.cleaned_data["code"])
        if check.device is not None:
            codes = services.authenticator_confirm(request=request, device=device)
            _verified(request, device)
            request.session[NEW_BACKUP_CODES] = codes
            messages.success(request, _("Two-step sign-in is on."))
            return redirect(
                reverse("accounts:two_step_backup_codes")
                + "?"
                + urlencode({"next": _next_url(request)})
            )
        form.add_error("code", _refused(check))
    return render(
        request,
        "accounts/two_step_enrol.html",
        {
            "form": form,
            "secret": _grouped(b32encode(device.bin_key).decode()),
            "required": two_step_required_for(request.user),
            "replacing": request.user.is_verified(),
            "next": _next_url(request),
            "two_step_pending": not request.user.is_verified(),
        },
    )


@never_cache
def two_step_qr(request):
    """The QR code of the authenticator being set up, as an SVG image (no script needed)."""
    device = services.authenticator_start(user=request.user)
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return HttpResponse(image.to_string(encoding="unicode"), content_type="image/svg+xml")


@never_cache
def two_step_backup_codes(request):
    """New backup codes, shown once."""
    codes = request.session.pop(NEW_BACKUP_CODES, None)
    if not codes:
        return redirect("accounts:two_step")
    return render(
        request,
        "accounts/two_step_backup_codes.html",
        {"codes": codes, "next": _next_url(request)},
    )


@require_POST
def two_step_backup_renew(request):
    if not two_step_enabled_for(request.user):
        return redirect("accounts:two_step")
    request.session[NEW_BACKUP_CODES] = services.backup_codes_renew(request=request)
    return redirect("accounts:two_step_backup_codes")


@never_cache
def two_step(request):
    """The "Two-step sign-in" settings page: status, backup codes, turning it off, sessions."""
    return render(
        request,
        "accounts/two_step.html",
        {
            "enabled": two_step_enabled_for(request.user),
            "required": two_step_required_for(request.user),
            "backup_codes_left": backup_codes_left(request.user),
            "turn_off_form": AuthenticatorCodeForm(),
            "signed_in_at": session_signed_in_at(request.session),
            "ends_at": session_ends_at(request.session),
        },
    )


@never_cache
def two_step_turn_off(request):
    """Turn two-step sign-in off, confirmed with a current code (counselors only)."""
    if two_step_required_for(request.user):
        raise PermissionDenied
    device = authenticator_for(request.user)
    if device is None:
        return redirect("accounts:two_step")
    form = AuthenticatorCodeForm(request.POST or None)
    if form.is_valid():
        check = services.authenticator_check(device=device, code=form.cleaned_data["code"])
        if check.device is not None:
            services.two_step_turn_off(request=request)
            messages.success(request, _("Two-step sign-in is off."))
            return redirect("accounts:two_step")
        form.add_error("code", _refused(check))
    return render(request, "accounts/two_step_off.html", {"form": form})


@require_POST
def sessions_end_everywhere(request):
    services.sessions_end_everywhere(request=request)
    logout(request)
    messages.success(
        request, _("You are signed out on every device, this one included. Sign in again.")
    )
    return redirect("accounts:login")


@never_cache
def two_step_reset(request, pk: int):
    """An administrator resets a staff member's second factor (a lost or replaced phone)."""
    if not (staff_access(request.user).is_administrator or request.user.is_superuser):
        raise PermissionDenied
    member = get_object_or_404(get_user_model(), pk=pk)
    if request.method == "POST":
        services.second_factor_reset(request=request, user=member)
        messages.success(
            request,
            _(
                "%(name)s's two-step sign-in was reset and their sessions ended. At their next "
                "sign-in they set up an authenticator app again."
            )
            % {"name": member},
        )
        return redirect("admin:accounts_user_change", member.pk)
    return render(
        request,
        "accounts/two_step_reset.html",
        {
            "member": member,
            "enabled": two_step_enabled_for(member),
            "required": two_step_required_for(member),
        },
    )
