"""Rate limits on sign-in, searches and exports (django-ratelimit, counted in the default
cache). The rates are settings.RATE_LIMITS; past one, the page answers 429 and says when to
try again."""

import math
from functools import wraps

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django_ratelimit import ALL
from django_ratelimit.core import get_usage


def _rate_of(kind: str):
    # Read on each request, so that a changed setting (tests) applies at once.
    return lambda group, request: settings.RATE_LIMITS[kind]


def _client_address(group, request) -> str:
    # The address django-axes records for the same request.
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "")


def too_many_requests(request, usage: dict):
    """The 429 page, or for htmx its message alone, with when to try again."""
    seconds = max(usage["time_left"], 1)
    context = {"minutes": math.ceil(seconds / 60), "seconds": seconds}
    if getattr(request, "htmx", False):
        response = render(request, "429.html#message", context, status=429)
        # Into the element the request meant to update, keeping that element.
        response["HX-Reswap"] = "innerHTML"
    else:
        response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def limited(kind: str, *, method=ALL):
    """Answer 429 once the signed-in user passes the `kind` rate on this view."""

    def decorator(view):
        group = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def limited_view(request, *args, **kwargs):
            usage = get_usage(
                request, group=group, key="user", rate=_rate_of(kind), method=method, increment=True
            )
            if usage is not None and usage["should_limit"]:
                return too_many_requests(request, usage)
            return view(request, *args, **kwargs)

        return limited_view

    return decorator


def _sign_in_paths() -> set[str]:
    return {resolve_url(settings.LOGIN_URL), reverse("admin:login")}


class SignInRateLimitMiddleware:
    """Sign-in posts per client address, to whichever view settings.LOGIN_URL names and to the
    admin's; django-axes separately locks an account after five failures."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in _sign_in_paths():
            usage = get_usage(
                request,
                group="sign-in",
                key=_client_address,
                rate=_rate_of("sign_in"),
                increment=True,
            )
            if usage is not None and usage["should_limit"]:
                return too_many_requests(request, usage)
        return self.get_response(request)
