"""Who may see a youth's district education records: LAUSD staff at the center of the youth's
open case (DESIGN.md section 2), and only while a consent covering school records is in force."""

import datetime

from django.core.exceptions import PermissionDenied

from centers.access import staff_access
from youth.choices import CaseStatus
from youth.services import education_records_allowed


def reads_district_records(user, youth) -> bool:
    district = staff_access(user).district_center_ids
    return youth.cases.filter(status="open", center_id__in=district).exists()


def open_case_access(user, cases) -> tuple[bool, bool]:
    """(reads_district_records, youth.access.can_change) answered from the youth's cases the
    caller has loaded (those the user may see): both ask about the youth's one open case
    (one_open_case_per_youth), which is among them whenever its center is one of the user's
    district or writable centers, both being readable centers."""
    access = staff_access(user)
    center_id = next((case.center_id for case in cases if case.status == CaseStatus.OPEN), None)
    return center_id in access.district_center_ids, center_id in access.writable_center_ids


def check_reads_district_records(user, youth) -> None:
    """403 unless the user is LAUSD staff at the youth's center."""
    if not reads_district_records(user, youth):
        raise PermissionDenied


def may_see_education_records(user, youth, day: datetime.date | None = None) -> bool:
    return reads_district_records(user, youth) and education_records_allowed(youth, day)


def visible_credit_summary(user, youth, day: datetime.date | None = None):
    """The youth's credit summary as `user` may see it on `day`, or None."""
    from .selectors import credit_summary_for

    if not may_see_education_records(user, youth, day):
        return None
    return credit_summary_for(youth, as_of=day)
