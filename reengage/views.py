import sys

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from centers import selectors as center_selectors
from centers.access import centers_worked_by, staff_access
from youth import selectors as youth_selectors

from . import faults
from .health import system_health


def home(request):
    """Each role lands here and sees its own work: a counselor their center and team, a
    supervisor their centers, an analyst and an administrator all centers."""
    access = staff_access(request.user)
    context = {"access": access}
    if access.readable_center_ids:
        context["my_work"] = youth_selectors.open_case_counts(request.user)
        context["my_centers"] = center_selectors.centers_with_staff_counts(
            centers_worked_by(request.user)
        )
        context["team"] = center_selectors.team_at(access.readable_center_ids)
    if access.sees_all_centers:
        context["all_centers"] = center_selectors.centers_with_staff_counts()
    if access.is_administrator:
        context["accounts"] = center_selectors.accounts_summary()
    return render(request, "home.html", context)


@login_not_required
@never_cache
def healthz(request):
    """The state of each part. 200 while pages can be served (the database answers), for a
    load balancer; with ?strict, 503 as soon as any part is down, for monitoring."""
    states, serving = system_health()
    healthy = states["status"] == "ok" if "strict" in request.GET else serving
    return JsonResponse(states, status=200 if healthy else 503)


def server_error(request):
    """handler500, which makes no query: a database that stopped answering outside a view (the
    session, a middleware) gets the 503 page, anything else the plain 500 page."""
    if isinstance(sys.exc_info()[1], faults.DATABASE_ERRORS):
        return faults.database_unavailable(request, change=faults.change_state(request))
    return HttpResponseServerError(
        loader.render_to_string("500.html", {"language_code": get_language()})
    )
