"""Every change to a referral goes through here. Each move is checked against the one table of
allowed moves (models.ALLOWED_MOVES) on the locked row, so two clicks cannot move a referral
twice; each writes a ReferralEvent (the status history) and an access log entry."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_record
from centers.access import staff_access
from youth.access import can_change
from youth.models import Case, FollowUp, Youth

from .matching import option_fit
from .models import (
    ALLOWED_MOVES,
    OPEN_STATUSES,
    Program,
    Referral,
    ReferralEvent,
    ReferralStatus,
)


def _label(status: str) -> str:
    return str(ReferralStatus(status).label).lower()


def check_move(current: str, target: str) -> None:
    """Raise ValidationError unless the table allows a referral in `current` to be marked
    `target`."""
    if current == target:
        raise ValidationError(
            _("This referral is already %(status)s.") % {"status": _label(current)}
        )
    if target not in ALLOWED_MOVES[current]:
        raise ValidationError(
            _("A referral that is %(current)s cannot be marked %(target)s.")
            % {"current": _label(current), "target": _label(target)}
        )


def wioa_sharing_allowed(youth: Youth, day: datetime.date | None = None) -> bool:
    """May the youth's record go to a recipient outside the center today?"""
    return any(
        consent.covers_wioa_sharing and consent.is_in_force(day) for consent in youth.consents.all()
    )


def _required(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why.")})
    return reason


def _record(*, request, referral: Referral, from_status: str, reason: str = "") -> None:
    ReferralEvent.objects.create(
        referral=referral,
        from_status=from_status,
        to_status=referral.status,
        at=referral.status_changed_at,
        by=request.user,
        reason=reason,
    )
    access_record(
        request=request,
        action=Action.CHANGED,
        youth=Youth(pk=referral.youth_id),
        detail={"referral": referral.pk, "status": referral.status},
    )


def _lock_for_move(*, request, referral: Referral, target: str) -> Referral:
    """The referral's current row, locked until the transaction ends, once the user may
    change the youth (their open case is at one of the user's centers, not read-only) and the
    move is allowed from the status it has now."""
    current = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("youth", "program")
        .get(pk=referral.pk)
    )
    if not can_change(request.user, current.youth):
        raise PermissionDenied
    check_move(current.status, target)
    return current


def _move(*, request, referral: Referral, target: str, note: str = "", **fields) -> Referral:
    """Mark the locked referral `target`, set the given fields, and record the change. A
    declined, withdrawn or exited referral keeps its reason on the row as well."""
    from_status = referral.status
    referral.status = target
    referral.status_changed_at = timezone.now()
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.save(update_fields=["status", "status_changed_at", "updated_at", *fields])
    _record(request=request, referral=referral, from_status=from_status, reason=note)
    return referral


@transaction.atomic
def referral_create(
    *,
    request,
    youth: Youth,
    case: Case,
    program: Program,
    fit_override_reason: str = "",
    credits: float | None = None,
    notes: str = "",
) -> Referral:
    """A draft referral of the youth to the program, made in the youth's open case.

    `credits` are the youth's earned credits as the counselor saw them (None when unknown,
    which never counts against a program). Refused when the program does not fit and no
    override reason is given, and when the program is outside the center and no consent in
    force covers WIOA data sharing."""
    if case.youth_id != youth.pk:
        raise ValidationError(_("This case belongs to another youth."))
    if not case.is_open:
        raise ValidationError(_("A referral is made in the youth's open case."))
    if case.center_id not in staff_access(request.user).writable_center_ids:
        raise PermissionDenied
    if not program.is_active:
        raise ValidationError({"program": _("This program is no longer offered.")})
    # Locking the youth makes a second click wait, then find the first click's referral.
    youth = Youth.objects.select_for_update().get(pk=youth.pk)
    if youth.referrals.filter(program=program, status__in=OPEN_STATUSES).exists():
        raise ValidationError(
            {"program": _("This youth already has an open referral to this program.")}
        )
    fit = option_fit(program=program, age=youth.age, credits=credits, center=case.center)
    override = fit_override_reason.strip()
    if not fit.fits and not override:
        raise ValidationError(
            {
                "fit_override_reason": _(
                    "This program does not fit the youth: %(reasons)s Say why you chose it."
                )
                % {"reasons": " ".join(fit.reasons)}
            }
        )
    if program.external and not wioa_sharing_allowed(youth):
        raise ValidationError(
            _(
                "A referral to a program outside the center requires consent covering "
                "that recipient."
            )
        )
    referral = Referral.objects.create(
        youth=youth,
        case=case,
        program=program,
        counselor=request.user,
        fit_override_reason="" if fit.fits else override,
        notes=notes,
    )
    _record(request=request, referral=referral, from_status="", reason=referral.fit_override_reason)
    return referral


@transaction.atomic
def referral_send(*, request, referral: Referral, note: str = "") -> Referral:
    referral = _lock_for_move(request=request, referral=referral, target=ReferralStatus.SENT)
    return _move(
        request=request,
        referral=referral,
        target=ReferralStatus.SENT,
        note=note,
        sent_at=timezone.now(),
    )


@transaction.atomic
def referral_accept(*, request, referral: Referral, note: str = "") -> Referral:
    referral = _lock_for_move(request=request, referral=referral, target=ReferralStatus.ACCEPTED)
    return _move(request=request, referral=referral, target=ReferralStatus.ACCEPTED, note=note)


@transaction.atomic
def referral_decline(*, request, referral: Referral, reason: str) -> Referral:
    reason = _required(reason)
    referral = _lock_for_move(request=request, referral=referral, target=ReferralStatus.DECLINED)
    return _move(
        request=request,
        referral=referral,
        target=ReferralStatus.DECLINED,
        note=reason,
        status_reason=reason,
    )


@transaction.atomic
def referral_enroll(
    *, request, referral: Referral, enrolled_on: datetime.date, confirmed_by, note: str = ""
) -> Referral:
    """The program confirmed the youth enrolled on `enrolled_on` (not in the future, not before
    the referral was sent); `confirmed_by` is the staff member who confirmed it."""
    referral = _lock_for_move(request=request, referral=referral, target=ReferralStatus.ENROLLED)
    if enrolled_on > timezone.localdate():
        raise ValidationError({"enrolled_on": _("An enrollment cannot be dated in the future.")})
    if enrolled_on < timezone.localdate(referral.sent_at):
        raise ValidationError(
            {"enrolled_on": _("An enrollment cannot be dated before the referral was sent.")}
        )
    return _move(
        request=request,
        referral=referral,
        target=ReferralStatus.ENROLLED,
        note=note,
        enrolled_on=enrolled_on,
        confirmed_by=confirmed_by,
    )


@transaction.atomic
def referral_complete(*, request, referral: Referral, note: str = "") -> Referral:
    referral = _lock_for_move(request=request, referral=referral, target=ReferralStatus.COMPLETED)
    referral = _move(request=request, referral=referral, target=ReferralStatus.COMPLETED, note=note)
    _schedule_wioa_follow_ups(referral)
    return referral


@transaction.atomic
def referral_exit(*, request, referral: Referral, reason: str) -> Referral:
    """The youth left the program before completing it."""
    reason = _required(reason)
    referral = _lock_for_move(request=request, referral=referral, target=ReferralStatus.EXITED)
    referral = _move(
        request=request,
        referral=referral,
        target=ReferralStatus.EXITED,
        note=reason,
        status_reason=reason,
    )
    _schedule_wioa_follow_ups(referral)
    return referral


# WIOA follow-up lasts 12 months after exit; a contact each quarter documents it.
FOLLOW_UP_MONTHS = (3, 6, 9, 12)


def _schedule_wioa_follow_ups(referral: Referral) -> None:
    """On leaving the WIOA youth program, schedule the four quarterly follow-up contacts."""
    if not referral.enrolled_in_wioa:
        return
    exit_on = timezone.localdate()
    for months in FOLLOW_UP_MONTHS:
        FollowUp.objects.create(
            case=referral.case,
            due_on=_months_after(exit_on, months),
            description=_("WIOA follow-up, %(months)s months after exit") % {"months": months},
            assignee=referral.case.counselor,
            created_by=referral.counselor,
        )


def _months_after(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, 28))


@transaction.atomic
def referral_withdraw(*, request, referral: Referral, reason: str) -> Referral:
    """The counselor or youth called the referral off before enrollment."""
    reason = _required(reason)
    referral = _lock_for_move(request=request, referral=referral, target=ReferralStatus.WITHDRAWN)
    return _move(
        request=request,
        referral=referral,
        target=ReferralStatus.WITHDRAWN,
        note=reason,
        status_reason=reason,
    )
