"""Who may read the access log: a youth's record of disclosures, and the whole log for an
audit. The rules of centers.access and youth.access apply: outside scope 404, in scope but not
allowed 403."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied

from centers.access import staff_access
from youth.access import get_youth_for_user
from youth.models import Case, Youth


def reads_disclosure_log(user, case_center_ids: Iterable[int]) -> bool:
    """Whether the user supervises a center among those of the youth's cases."""
    return not staff_access(user).supervised_center_ids.isdisjoint(case_center_ids)


def get_youth_for_disclosure_log(user, pk: int) -> Youth:
    """The youth whose record of disclosures (34 CFR 99.32) the user may read: 404 when the
    record is out of the user's scope, 403 unless the user supervises a center where the youth
    has a case (the custodian of the record there). Counselors get 403."""
    youth = get_youth_for_user(user, pk)
    supervised = staff_access(user).supervised_center_ids
    if not Case.objects.filter(youth=youth, center_id__in=supervised).exists():
        raise PermissionDenied
    return youth


def check_may_export_access_log(user) -> None:
    """403 unless the user is a CDD analyst, who exports the log for an audit."""
    if not staff_access(user).is_analyst:
        raise PermissionDenied
