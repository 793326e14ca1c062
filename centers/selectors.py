from collections.abc import Iterable

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from .models import Center, Role, StaffMembership


def centers_with_staff_counts(centers: QuerySet[Center] | None = None) -> QuerySet[Center]:
    """Centers with how many counselors and supervisors each has (one query)."""
    centers = Center.objects.all() if centers is None else centers
    active = Q(memberships__user__is_active=True)
    return centers.annotate(
        counselor_count=Count(
            "memberships", filter=active & Q(memberships__role=Role.COUNSELOR), distinct=True
        ),
        supervisor_count=Count(
            "memberships", filter=active & Q(memberships__role=Role.SUPERVISOR), distinct=True
        ),
    ).order_by("region", "name")


def team_at(center_ids: Iterable[int]) -> QuerySet[StaffMembership]:
    """Active staff at the given centers, for the home page's team list."""
    return (
        StaffMembership.objects.filter(center_id__in=center_ids, user__is_active=True)
        .select_related("user", "center")
        .order_by("center__name", "role", "user__last_name", "user__first_name")
    )


def accounts_summary() -> dict:
    """For administrators: how many active accounts hold each role, and which are locked out
    after too many failed sign-ins."""
    by_role = dict(
        StaffMembership.objects.filter(user__is_active=True)
        .values_list("role")
        .annotate(users=Count("user", distinct=True))
    )
    return {
        "active_users": get_user_model().objects.filter(is_active=True).count(),
        "by_role": [(label, by_role.get(value, 0)) for value, label in Role.choices],
        "locked": AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).order_by("-attempt_time")[:20],
    }
