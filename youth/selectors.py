from django.contrib.auth import get_user_model
from django.db.models import Min, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from centers.access import staff_access
from centers.models import Center, Role
from referrals.models import Referral

from .access import cases_visible_to
from .choices import CaseStatus, NoteKind, TransferStatus
from .filters import CaseloadFilter
from .models import Assessment, Case, CaseNote, FollowUp, Transfer, Youth


def staff_at(center_ids, *, roles=(Role.COUNSELOR, Role.SUPERVISOR)) -> QuerySet:
    """Active staff who may take cases at the centers (read-only members excluded)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__center_id__in=center_ids,
            memberships__role__in=roles,
            memberships__read_only=False,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def counselors_with_open_cases(center) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(cases__center=center, cases__status=CaseStatus.OPEN)
        .distinct()
        .order_by("last_name", "first_name")
    )


def caseload(user, params) -> CaseloadFilter:
    """The caseload page's filter over the cases the user may see, one query for the rows."""
    access = staff_access(user)
    next_follow_up = (
        FollowUp.objects.filter(case=OuterRef("pk"), done_at__isnull=True)
        .order_by()
        .values("case")
        .annotate(first_due=Min("due_on"))
        .values("first_due")
    )
    cases = (
        cases_visible_to(user)
        .select_related("youth", "counselor", "center")
        .annotate(next_follow_up_on=Subquery(next_follow_up))
    )
    return CaseloadFilter(
        params,
        queryset=cases,
        centers=Center.objects.filter(pk__in=access.readable_center_ids),
        counselors=staff_at(access.readable_center_ids),
    )


def youth_page(youth: Youth, user) -> dict:
    """Everything the youth page shows, in a fixed number of queries."""
    cases = list(
        cases_visible_to(user)
        .filter(youth=youth)
        .select_related("center", "counselor")
        .order_by("-intake_date", "-pk")
    )
    open_case = next((case for case in cases if case.status == CaseStatus.OPEN), None)
    case_ids = [case.pk for case in cases]
    notes = list(
        CaseNote.objects.filter(case_id__in=case_ids)
        .select_related("author")
        .order_by("-contact_on", "-created_at")[:100]
    )
    _label_notes(notes, cases)
    follow_ups = (
        FollowUp.objects.filter(case_id__in=case_ids)
        .select_related("assignee")
        .order_by("done_at", "due_on")
    )
    transfers = list(
        Transfer.objects.filter(case_id__in=case_ids)
        .select_related("from_center", "to_center")
        .order_by("-created_at")
    )
    # Kept on the youth, so the education-records panel's consent check reads them again
    # without a query.
    prefetch_related_objects([youth], "consents")
    consents = list(youth.consents.all())
    referrals = list(
        Referral.objects.filter(youth=youth, case_id__in=case_ids)
        .select_related("program")
        .order_by("-created_at")
    )
    assessments = list(
        Assessment.objects.filter(youth=youth, case_id__in=case_ids)
        .select_related("counselor")
        .prefetch_related("scores")
        .order_by("-assessed_on", "-pk")[:5]
    )
    return {
        "youth": youth,
        "cases": cases,
        "open_case": open_case,
        "notes": notes,
        "follow_ups": list(follow_ups),
        "transfers": transfers,
        "consents": consents,
        "referrals": referrals,
        "assessments": assessments,
        "pending_transfer": next(
            (t for t in transfers if t.status == TransferStatus.REQUESTED), None
        ),
    }


def _label_notes(notes: list[CaseNote], cases: list[Case]) -> None:
    """Give each note its case (already loaded: no join, no copy per note) and the labels its
    line shows, made here once rather than by template tags per note (up to 100 notes): the
    kind (get_kind_display translates every kind's label on each call), the contact date and
    "by … at …" (one translation for all)."""
    cases_by_pk = {case.pk: case for case in cases}
    kind_labels = dict(NoteKind.choices)
    by_line = gettext("by %(author)s at %(center)s")
    for note in notes:
        note.case = cases_by_pk[note.case_id]
        note.kind_label = kind_labels.get(note.kind, note.kind)
        note.contact_label = date_format(note.contact_on, "SHORT_DATE_FORMAT")
        note.by_line = by_line % {"author": note.author, "center": note.case.center.code}


def latest_cases_of(youth_ids) -> list[Case]:
    """Each youth's most recent case, with its center (one query)."""
    return list(
        Case.objects.filter(youth_id__in=youth_ids)
        .select_related("center")
        .order_by("youth_id", "-intake_date", "-pk")
        .distinct("youth_id")
    )


def overdue_follow_ups(user) -> QuerySet[FollowUp]:
    """Undone follow-ups past due in the cases the user may see: theirs first."""
    return (
        FollowUp.objects.filter(
            case__in=cases_visible_to(user).filter(status=CaseStatus.OPEN),
            done_at__isnull=True,
            due_on__lt=timezone.localdate(),
        )
        .select_related("case__youth", "case__center", "assignee")
        .order_by("due_on")
    )


def transfers_for(user) -> dict:
    access = staff_access(user)
    pending = Transfer.objects.filter(status=TransferStatus.REQUESTED).select_related(
        "case__youth", "from_center", "to_center", "requested_by"
    )
    return {
        "incoming": pending.filter(to_center_id__in=access.readable_center_ids),
        "outgoing": pending.filter(from_center_id__in=access.readable_center_ids),
    }


def open_case_counts(user) -> dict:
    """For a counselor's home page: their open cases and follow-ups due."""
    today = timezone.localdate()
    mine = Case.objects.filter(counselor=user, status=CaseStatus.OPEN)
    return {
        "open_cases": mine.count(),
        "follow_ups_due": FollowUp.objects.filter(
            Q(assignee=user), done_at__isnull=True, due_on__lte=today, case__status="open"
        ).count(),
    }
