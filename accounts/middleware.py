from urllib.parse import urlencode

from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from .selectors import two_step_enabled_for, two_step_required_for
from .sessions import session_has_ended

# Reachable by a session that still owes its second factor.
ALWAYS_REACHABLE = {"accounts:logout"}
VERIFY_PAGES = {"accounts:two_step_verify"}
ENROL_PAGES = {"accounts:two_step_enrol", "accounts:two_step_qr"}


class SignInSecurityMiddleware:
    """After django-otp's OTPMiddleware and LoginRequiredMiddleware:

    - a session past its absolute lifetime, or older than the user's "sign out everywhere", is
      signed out;
    - a user with two-step sign-in on reaches nothing but the code page until this session has
      passed it; a user whose role requires it and who has not set it up reaches nothing but the
      set-up page;
    - the admin site's own sign-in page sends to the application's, so every sign-in goes
      through django-axes and the second step.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if view_name == "admin:login":
            return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
        user = request.user
        if not user.is_authenticated:
            return None
        needs_sign_in = getattr(view_func, "login_required", True)
        if session_has_ended(request):
            auth.logout(request)
            messages.info(request, _("Your session has ended. Please sign in again."))
            return redirect_to_login(request.get_full_path()) if needs_sign_in else None
        if user.is_verified() or view_name in ALWAYS_REACHABLE or not needs_sign_in:
            return None
        if two_step_enabled_for(user):
            if view_name in VERIFY_PAGES:
                return None
            return _redirect(request, "accounts:two_step_verify")
        if two_step_required_for(user):
            if view_name in ENROL_PAGES:
                return None
            return _redirect(request, "accounts:two_step_enrol")
        return None


def _redirect(request, to: str):
    url = resolve_url(to)
    if request.method == "GET" and not request.headers.get("HX-Request"):
        url += "?" + urlencode({"next": request.get_full_path()})
    if request.headers.get("HX-Request"):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)
