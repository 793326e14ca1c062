"""Which youth records a user may see and change.

A counselor sees youth whose open case is at their center; a supervisor also sees the closed
cases of their centers. Analysts and administrators see no case content. Out of scope answers
404; a read-only member who tries to change a record gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from centers.access import staff_access

from .choices import CaseStatus
from .models import Case, Youth


def _visible_cases(user) -> Q:
    access = staff_access(user)
    return Q(center_id__in=access.readable_center_ids, status=CaseStatus.OPEN) | Q(
        center_id__in=access.supervised_center_ids
    )


def cases_visible_to(user) -> QuerySet[Case]:
    return Case.objects.filter(_visible_cases(user))


def youth_visible_to(user) -> QuerySet[Youth]:
    cases = Case.objects.filter(_visible_cases(user), youth=OuterRef("pk"))
    return Youth.objects.filter(Exists(cases))


def check_works_at_a_center(user) -> None:
    """403 for staff who work at no center (analysts, administrators): lists of youth are case
    content, which they do not see."""
    if not staff_access(user).readable_center_ids:
        raise PermissionDenied


def get_youth_for_user(user, pk: int, *, write: bool = False) -> Youth:
    """The youth record, or 404 when out of the user's scope; with write=True, 403 unless the
    user may change the youth's open case at its center."""
    youth = youth_visible_to(user).filter(pk=pk).first()
    if youth is None:
        raise Http404
    if write and not can_change(user, youth):
        raise PermissionDenied
    return youth


def can_change(user, youth: Youth) -> bool:
    case = youth.cases.filter(status=CaseStatus.OPEN).only("center_id").first()
    return case is not None and case.center_id in staff_access(user).writable_center_ids


def check_can_supervise(user, center_id: int) -> None:
    """403 unless the user supervises the center (reassignment, closing, merging)."""
    if center_id not in staff_access(user).supervised_center_ids:
        raise PermissionDenied


def get_returning_youth(user, pk: int) -> Youth:
    """A record found by the intake check with no open case anywhere, which a counselor may
    open a new case for at their center. A youth with an open case elsewhere is transferred
    by that center instead, so it is not found here."""
    if not staff_access(user).writable_center_ids:
        raise PermissionDenied
    youth = Youth.objects.active().filter(pk=pk).exclude(cases__status=CaseStatus.OPEN).first()
    if youth is None:
        raise Http404
    return youth


def get_transfer_to_decide(user, pk: int):
    """A waiting transfer to one of the user's centers. The receiving center sees only what it
    needs to decide (name, reason) before it accepts: 404 for anyone else, 403 for read-only."""
    from .choices import TransferStatus
    from .models import Transfer

    transfer = (
        Transfer.objects.select_related("case__youth", "from_center", "to_center")
        .filter(pk=pk, status=TransferStatus.REQUESTED)
        .first()
    )
    access = staff_access(user)
    if transfer is None or transfer.to_center_id not in access.readable_center_ids:
        raise Http404
    if transfer.to_center_id not in access.writable_center_ids:
        raise PermissionDenied
    return transfer


def get_merge_for_user(user, pk: int):
    """A merge whose surviving record the user may see (the undo itself checks supervision)."""
    from .models import YouthMerge

    merge = YouthMerge.objects.filter(pk=pk).first()
    if merge is None:
        raise Http404
    get_youth_for_user(user, merge.survivor_id)
    return merge
