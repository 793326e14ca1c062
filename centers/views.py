from django.shortcuts import render

from . import selectors
from .access import centers_visible_to, get_center_for_user, staff_access


def center_list(request):
    centers = selectors.centers_with_staff_counts(centers_visible_to(request.user))
    return render(request, "centers/list.html", {"centers": centers})


def center_detail(request, code: str):
    center = get_center_for_user(request.user, code)
    return render(
        request,
        "centers/detail.html",
        {
            "center": center,
            "team": selectors.team_at([center.pk]),
            "can_edit": staff_access(request.user).is_administrator,
        },
    )
