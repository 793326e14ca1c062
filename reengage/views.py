from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from centers import selectors as center_selectors
from centers.access import centers_worked_by, staff_access
from youth import selectors as youth_selectors

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
    states, serving = system_health()
    return JsonResponse(states, status=200 if serving else 503)
