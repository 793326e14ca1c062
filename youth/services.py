"""Every change to a youth record goes through here: validation of the workflow, the audit
trail (pghistory records each row change; the access log records who did what), and the
refusal of a save based on an out-of-date copy."""

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_record, access_record_many
from centers.access import staff_access
from centers.models import Center, Role, StaffMembership

from .access import check_can_supervise
from .choices import CONTACT_KINDS, CaseStatus, ClosedReason, TransferStatus
from .matching import likely_duplicates
from .models import PROFILE_FIELDS as YOUTH_PROFILE_FIELDS
from .models import Case, CaseNote, Consent, FollowUp, Transfer, Youth

NOTE_EDIT_WINDOW = datetime.timedelta(minutes=15)


class DuplicateSuspected(Exception):
    """The new record matches an existing one; the counselor must confirm they differ."""

    def __init__(self, candidates):
        super().__init__("possible duplicate")
        self.candidates = candidates


@dataclass(frozen=True)
class ChangedField:
    name: str
    label: str
    theirs: object
    yours: object


class StaleEdit(Exception):
    """Someone saved the record after this user opened it."""

    def __init__(self, current: Youth, changed: list[ChangedField]):
        super().__init__("stale edit")
        self.current = current
        self.changed = changed


def _counselor_at(counselor, center: Center) -> None:
    if not StaffMembership.objects.filter(
        user=counselor,
        center=center,
        role__in=[Role.COUNSELOR, Role.SUPERVISOR],
        read_only=False,
    ).exists():
        raise ValidationError(
            _("%(name)s does not work at %(center)s.") % {"name": counselor, "center": center.name}
        )


def _forget_district_snapshot(youth: Youth) -> None:
    """A new LAUSD ID names another district student: the old student's data must not stay."""
    from sis_bridge.models import AcademicTerm, Enrollment, LinkMethod, SisLink, TranscriptCourse

    if SisLink.objects.filter(youth=youth, method=LinkMethod.LAUSD_ID).delete()[0]:
        for model in (AcademicTerm, TranscriptCourse, Enrollment):
            model.objects.filter(youth=youth).delete()


def _pull_education_records_when_possible(youth: Youth, user) -> None:
    """Queue a pull from the district SIS, after commit, once the youth has an LAUSD ID and a
    consent covering school records."""
    if youth.lausd_id and education_records_allowed(youth):
        from sis_bridge.tasks import sis_student_pull_task

        transaction.on_commit(lambda: sis_student_pull_task.delay(youth.pk, user.pk))


@transaction.atomic
def youth_intake(
    *,
    request,
    center: Center,
    counselor,
    profile: dict,
    intake_date: datetime.date | None = None,
    confirmed_different: bool = False,
) -> Case:
    """Create a youth record and its open case at the center.

    Raises DuplicateSuspected when the record strongly matches an existing one, unless the
    counselor confirmed that this is a different person."""
    if center.pk not in staff_access(request.user).writable_center_ids:
        raise PermissionDenied
    _counselor_at(counselor, center)
    if not confirmed_different:
        strong = [
            candidate
            for candidate in likely_duplicates(
                first_name=profile["legal_first_name"],
                last_name=profile["legal_last_name"],
                birth_date=profile.get("birth_date"),
                phone=profile.get("phone", ""),
                lausd_id=profile.get("lausd_id") or "",
            )
            if candidate.strong
        ]
        if strong:
            raise DuplicateSuspected(strong)
    youth = Youth(**profile, created_by=request.user)
    youth.full_clean()
    youth.save()
    case = Case.objects.create(
        youth=youth,
        center=center,
        counselor=counselor,
        intake_date=intake_date or timezone.localdate(),
    )
    access_record(
        request=request,
        action=Action.CREATED,
        youth=youth,
        detail={"center": center.code, "confirmed_different": confirmed_different},
    )
    _pull_education_records_when_possible(youth, request.user)
    return case


@transaction.atomic
def case_open(*, request, youth: Youth, center: Center, counselor) -> Case:
    """A returning youth with no open case starts a new one here."""
    if center.pk not in staff_access(request.user).writable_center_ids:
        raise PermissionDenied
    _counselor_at(counselor, center)
    if youth.cases.filter(status=CaseStatus.OPEN).exists():
        raise ValidationError(_("This youth already has an open case."))
    case = Case.objects.create(youth=youth, center=center, counselor=counselor)
    access_record(request=request, action=Action.CREATED, youth=youth, detail={"case": case.pk})
    return case


def _changed_since(youth: Youth, version: int, submitted: dict) -> list[ChangedField]:
    """Fields another user changed after `version`, with their value and the one submitted."""
    snapshot = youth.events.filter(version=version).order_by("pgh_id").last()
    if snapshot is None:
        return []
    changed = []
    for name in YOUTH_PROFILE_FIELDS:
        theirs = getattr(youth, name)
        if getattr(snapshot, name) != theirs:
            field = Youth._meta.get_field(name)
            changed.append(
                ChangedField(
                    name,
                    str(field.verbose_name),
                    _shown(field, theirs),
                    _shown(field, submitted.get(name)),
                )
            )
    return changed


def _shown(field, value) -> str:
    """A stored value as a person reads it: choice labels, lists joined, dates formatted."""
    choices = dict(getattr(field, "base_field", field).flatchoices)
    if isinstance(value, list | tuple):
        return "; ".join(str(choices.get(item, item)) for item in value) or "—"
    if value in (None, ""):
        return "—"
    if hasattr(value, "strftime"):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(choices.get(value, value))


@transaction.atomic
def youth_update(*, request, youth: Youth, version: int, changes: dict) -> Youth:
    """Save profile changes made on a copy of `version`. Raises StaleEdit, changing nothing,
    when the record was saved by someone else since."""
    current = Youth.objects.select_for_update().get(pk=youth.pk)
    if current.version != version:
        raise StaleEdit(current, _changed_since(current, version, changes))
    changed = [name for name, value in changes.items() if getattr(current, name) != value]
    if not changed:
        return current
    for name in changed:
        setattr(current, name, changes[name])
    current.version = F("version") + 1
    current.full_clean(exclude=["version"])
    current.save()
    current.refresh_from_db()
    access_record(
        request=request, action=Action.CHANGED, youth=current, detail={"fields": sorted(changed)}
    )
    if "lausd_id" in changed:
        _forget_district_snapshot(current)
        _pull_education_records_when_possible(current, request.user)
    return current


def consent_record(*, request, youth: Youth, **fields) -> Consent:
    consent = Consent(youth=youth, recorded_by=request.user, **fields)
    consent.full_clean()
    consent.save()
    access_record(
        request=request, action=Action.CHANGED, youth=youth, detail={"consent": consent.pk}
    )
    if consent.covers_school_records:
        _pull_education_records_when_possible(youth, request.user)
    return consent


def consent_withdraw(*, request, consent: Consent, on: datetime.date, note: str = "") -> Consent:
    if consent.withdrawn_on:
        raise ValidationError(_("This consent was already withdrawn."))
    if on < consent.signed_on:
        raise ValidationError(_("A consent cannot be withdrawn before it was signed."))
    consent.withdrawn_on, consent.withdrawn_note = on, note
    consent.save(update_fields=["withdrawn_on", "withdrawn_note", "updated_at"])
    access_record(
        request=request,
        action=Action.CHANGED,
        youth=consent.youth,
        detail={"consent_withdrawn": consent.pk},
    )
    return consent


def education_records_allowed(youth: Youth, day: datetime.date | None = None) -> bool:
    """May the district's education records be pulled and shown for this youth today?"""
    return school_records_consented(youth.consents.all(), day)


def school_records_consented(consents, day: datetime.date | None = None) -> bool:
    """education_records_allowed from the youth's consents as loaded (the nightly sync asks
    for 100,000 youth, a related manager and a queryset each)."""
    return any(consent.covers_school_records and consent.is_in_force(day) for consent in consents)


class ConsentTerms(NamedTuple):
    """What school_records_consented reads of a consent, as plain values: for readers of
    thousands of youth at once, where model instances (each consent referring to its youth
    and back) would cost more than the check."""

    covers_school_records: bool
    signed_on: datetime.date
    withdrawn_on: datetime.date | None
    expires_on: datetime.date | None

    is_in_force = Consent.is_in_force  # the model's own rule, on these values


def consent_terms(youth_ids, *, lock: bool = False) -> dict[int, list[ConsentTerms]]:
    """The consents of these youth (ids), by youth, as ConsentTerms. With `lock` (inside a
    transaction), no one can withdraw or change them until it ends."""
    terms: dict[int, list[ConsentTerms]] = {}
    consents = Consent.objects.filter(youth_id__in=youth_ids)
    if lock:
        consents = consents.select_for_update(no_key=True).order_by("pk")
    rows = consents.values_list("youth_id", *ConsentTerms._fields)
    for youth_id, *values in rows:
        terms.setdefault(youth_id, []).append(ConsentTerms(*values))
    return terms


@transaction.atomic
def note_add(*, request, case: Case, kind: str, contact_on, body: str) -> CaseNote:
    if contact_on > timezone.localdate():
        raise ValidationError({"contact_on": _("A note cannot be dated in the future.")})
    note = CaseNote.objects.create(
        case=case, kind=kind, contact_on=contact_on, body=body, author=request.user
    )
    if kind in CONTACT_KINDS:
        # Keep the case's last contact for the caseload filter; an older note does not move it.
        Case.objects.filter(
            Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=contact_on), pk=case.pk
        ).update(last_contact_on=contact_on)
    access_record(
        request=request, action=Action.CHANGED, youth=case.youth, detail={"note": note.pk}
    )
    return note


def note_editable_by(note: CaseNote, user) -> bool:
    return note.author_id == user.pk and timezone.now() - note.created_at <= NOTE_EDIT_WINDOW


def note_edit(*, request, note: CaseNote, body: str) -> CaseNote:
    if not note_editable_by(note, request.user):
        raise PermissionDenied(_("Only the author may correct a note, within 15 minutes."))
    note.body = body
    note.save(update_fields=["body", "updated_at"])
    access_record(
        request=request, action=Action.CHANGED, youth=note.case.youth, detail={"note": note.pk}
    )
    return note


def follow_up_add(*, request, case: Case, due_on, description: str, assignee) -> FollowUp:
    _counselor_at(assignee, case.center)
    follow_up = FollowUp.objects.create(
        case=case,
        due_on=due_on,
        description=description,
        assignee=assignee,
        created_by=request.user,
    )
    access_record(
        request=request,
        action=Action.CHANGED,
        youth=case.youth,
        detail={"follow_up": follow_up.pk},
    )
    return follow_up


def follow_up_done(*, request, follow_up: FollowUp) -> bool:
    """Mark done once; a second click changes nothing. Returns whether this call marked it."""
    marked = FollowUp.objects.filter(pk=follow_up.pk, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=request.user, updated_at=timezone.now()
    )
    if marked:
        access_record(
            request=request,
            action=Action.CHANGED,
            youth=follow_up.case.youth,
            detail={"follow_up_done": follow_up.pk},
        )
    return bool(marked)


def _close(case: Case, reason: str, note: str = "") -> None:
    case.status = CaseStatus.CLOSED
    case.closed_on = timezone.localdate()
    case.closed_reason = reason
    case.closed_note = note
    case.version = F("version") + 1
    case.save(
        update_fields=[
            "status",
            "closed_on",
            "closed_reason",
            "closed_note",
            "version",
            "updated_at",
        ]
    )


@transaction.atomic
def case_close(*, request, case: Case, reason: str, note: str = "") -> Case:
    if reason in (ClosedReason.TRANSFERRED, ClosedReason.MERGED):
        raise ValidationError(_("Transfers and merges close cases themselves."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError(_("This case is already closed."))
    _close(case, reason, note)
    Transfer.objects.filter(case=case, status=TransferStatus.REQUESTED).update(
        status=TransferStatus.CANCELLED, decided_by=request.user, decided_at=timezone.now()
    )
    access_record(
        request=request, action=Action.CHANGED, youth=case.youth, detail={"closed": reason}
    )
    return case


@transaction.atomic
def case_reassign(*, request, case: Case, counselor) -> Case:
    _counselor_at(counselor, case.center)
    Case.objects.filter(pk=case.pk).update(
        counselor=counselor, version=F("version") + 1, updated_at=timezone.now()
    )
    access_record(
        request=request,
        action=Action.CHANGED,
        youth=case.youth,
        detail={"reassigned_to": counselor.pk},
    )
    case.refresh_from_db()
    return case


@transaction.atomic
def caseload_reassign(*, request, center: Center, from_counselor, to_counselor) -> int:
    """Move every open case of one counselor at the center to another. Returns how many."""
    check_can_supervise(request.user, center.pk)
    _counselor_at(to_counselor, center)
    cases = list(
        Case.objects.select_for_update()
        .filter(center=center, counselor=from_counselor, status=CaseStatus.OPEN)
        .values_list("pk", "youth_id")
    )
    Case.objects.filter(pk__in=[pk for pk, _ in cases]).update(
        counselor=to_counselor, version=F("version") + 1, updated_at=timezone.now()
    )
    access_record_many(
        request=request,
        action=Action.CHANGED,
        youth_ids=[youth_id for _pk, youth_id in cases],
        detail={"reassigned_to": to_counselor.pk},
    )
    return len(cases)


def transfer_request(*, request, case: Case, to_center: Center, reason: str) -> Transfer:
    if not case.is_open:
        raise ValidationError(_("Only an open case can be transferred."))
    if to_center == case.center:
        raise ValidationError({"to_center": _("Choose another center.")})
    if case.transfers.filter(status=TransferStatus.REQUESTED).exists():
        raise ValidationError(_("This case already has a transfer waiting."))
    transfer = Transfer.objects.create(
        case=case,
        from_center=case.center,
        to_center=to_center,
        reason=reason,
        requested_by=request.user,
    )
    access_record(
        request=request,
        action=Action.TRANSFERRED,
        youth=case.youth,
        detail={"transfer": transfer.pk, "to": to_center.code, "status": "requested"},
    )
    return transfer


def transfer_cancel(*, request, transfer: Transfer) -> Transfer:
    cancelled = Transfer.objects.filter(pk=transfer.pk, status=TransferStatus.REQUESTED).update(
        status=TransferStatus.CANCELLED,
        decided_by=request.user,
        decided_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if cancelled:
        access_record(
            request=request,
            action=Action.TRANSFERRED,
            youth=Youth(pk=transfer.case.youth_id),
            detail={"transfer": transfer.pk, "status": "cancelled"},
        )
    transfer.refresh_from_db()
    return transfer


@transaction.atomic
def transfer_decide(
    *, request, transfer: Transfer, accept: bool, counselor=None, note: str = ""
) -> Transfer:
    """The receiving center accepts (the case closes here and opens there, with the chosen
    counselor) or declines (the case stays where it was)."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.status != TransferStatus.REQUESTED:
        raise ValidationError(_("This transfer was already decided."))
    if transfer.to_center_id not in staff_access(request.user).writable_center_ids:
        raise PermissionDenied
    transfer.decided_by, transfer.decided_at = request.user, timezone.now()
    transfer.decision_note = note
    if accept:
        if counselor is None:
            raise ValidationError({"counselor": _("Choose the counselor who takes the case.")})
        _counselor_at(counselor, transfer.to_center)
        old_case = Case.objects.select_for_update().get(pk=transfer.case_id)
        if not old_case.is_open:
            raise ValidationError(_("This case was closed meanwhile; the transfer cannot go on."))
        _close(old_case, ClosedReason.TRANSFERRED, note)
        transfer.new_case = Case.objects.create(
            youth_id=old_case.youth_id,
            center=transfer.to_center,
            counselor=counselor,
            last_contact_on=old_case.last_contact_on,
        )
        transfer.status = TransferStatus.ACCEPTED
    else:
        transfer.status = TransferStatus.DECLINED
    transfer.save()
    access_record(
        request=request,
        action=Action.TRANSFERRED,
        youth=Youth(pk=transfer.case.youth_id),
        detail={"transfer": transfer.pk, "status": transfer.status},
    )
    return transfer
