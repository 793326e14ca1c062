"""Who may see and change what: the one place every app asks.

Out-of-scope objects answer 404 (their existence is not confirmed); an object in scope that the
user may only read answers 403 when they try to change it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import Center, Role, StaffMembership


@dataclass(frozen=True)
class StaffAccess:
    """A user's memberships, summarised once per request."""

    roles: frozenset[str]
    readable_center_ids: frozenset[int]
    writable_center_ids: frozenset[int]
    supervised_center_ids: frozenset[int] = frozenset()
    district_center_ids: frozenset[int] = frozenset()

    @property
    def is_counselor(self) -> bool:
        return Role.COUNSELOR in self.roles

    @property
    def is_supervisor(self) -> bool:
        return Role.SUPERVISOR in self.roles

    @property
    def is_analyst(self) -> bool:
        return Role.ANALYST in self.roles

    @property
    def is_administrator(self) -> bool:
        return Role.ADMINISTRATOR in self.roles

    @property
    def sees_all_centers(self) -> bool:
        return self.is_analyst or self.is_administrator


NO_ACCESS = StaffAccess(frozenset(), frozenset(), frozenset())


def staff_access(user) -> StaffAccess:
    """The user's roles and centers, cached on the user object for the rest of the request."""
    if not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_staff_access", None)
    if cached is not None:
        return cached
    memberships = list(
        StaffMembership.objects.filter(user=user).values_list(
            "role", "center_id", "read_only", "reads_district_records"
        )
    )
    access = StaffAccess(
        roles=frozenset(role for role, _, _, _ in memberships),
        readable_center_ids=frozenset(center for _, center, _, _ in memberships if center),
        writable_center_ids=frozenset(
            center for _, center, read_only, _ in memberships if center and not read_only
        ),
        supervised_center_ids=frozenset(
            center
            for role, center, read_only, _ in memberships
            if role == Role.SUPERVISOR and not read_only
        ),
        district_center_ids=frozenset(
            center for _, center, _, district in memberships if center and district
        ),
    )
    user._staff_access = access
    return access


def has_role(user, *roles: str) -> bool:
    return bool(staff_access(user).roles.intersection(roles))


def centers_visible_to(user) -> QuerySet[Center]:
    """Centers whose details and aggregate figures the user may see."""
    access = staff_access(user)
    if access.sees_all_centers:
        return Center.objects.all()
    return Center.objects.filter(pk__in=access.readable_center_ids)


def centers_worked_by(user) -> QuerySet[Center]:
    """Centers where the user is a counselor or supervisor: whose case work they may see."""
    return Center.objects.filter(pk__in=staff_access(user).readable_center_ids)


def can_work_at(user, center: Center, *, write: bool = False) -> bool:
    access = staff_access(user)
    allowed = access.writable_center_ids if write else access.readable_center_ids
    return center.pk in allowed


def check_center_work(user, center: Center, *, write: bool = False) -> None:
    """Raise 404 when the center's case work is out of the user's scope, 403 when the user may
    only read it and asked to change it."""
    if not can_work_at(user, center):
        raise Http404
    if write and not can_work_at(user, center, write=True):
        raise PermissionDenied


def get_center_for_user(user, code: str, *, write: bool = False) -> Center:
    """A center the user may see; changing a center's details is for administrators only."""
    center = centers_visible_to(user).filter(code=code.upper()).first()
    if center is None:
        raise Http404
    if write and not staff_access(user).is_administrator:
        raise PermissionDenied
    return center


def role_required(*roles: str) -> Callable:
    """View decorator: 403 unless the signed-in user holds one of the roles."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
