import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InternalError, transaction
from django.utils import timezone

from audit.models import AccessLogEntry, Action
from referrals import services
from referrals.models import (
    ALLOWED_MOVES,
    ProgramKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
)
from tests.referrals.factories import ProgramFactory, ReferralFactory, request_for
from tests.youth.factories import CaseFactory

pytestmark = pytest.mark.django_db

Status = ReferralStatus


@pytest.fixture
def case_a(counselor, center_a):
    return CaseFactory(center=center_a, counselor=counselor)


def move(target: str, *, request, referral: Referral) -> Referral:
    """Call the service that marks a referral `target`, with what that move needs."""
    if target == Status.SENT:
        return services.referral_send(request=request, referral=referral)
    if target == Status.ACCEPTED:
        return services.referral_accept(request=request, referral=referral)
    if target == Status.DECLINED:
        return services.referral_decline(request=request, referral=referral, reason="Full")
    if target == Status.ENROLLED:
        return services.referral_enroll(
            request=request,
            referral=referral,
            enrolled_on=timezone.localdate(),
            confirmed_by=request.user,
        )
    if target == Status.COMPLETED:
        return services.referral_complete(request=request, referral=referral)
    if target == Status.EXITED:
        return services.referral_exit(request=request, referral=referral, reason="Moved away")
    if target == Status.WITHDRAWN:
        return services.referral_withdraw(request=request, referral=referral, reason="Changed mind")
    raise AssertionError(target)


TARGETS = [status for status in Status.values if status != Status.DRAFT]
ALLOWED = [(current, target) for current, targets in ALLOWED_MOVES.items() for target in targets]
REFUSED = [
    (current, target)
    for current, target in itertools.product(Status.values, TARGETS)
    if target not in ALLOWED_MOVES[current] and current != target
]


def test_the_table_names_every_status():
    assert set(ALLOWED_MOVES) == set(Status.values)


def test_the_table_allows_the_designed_flow():
    assert {
        Status.DRAFT: {Status.SENT, Status.WITHDRAWN},
        Status.SENT: {Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN},
        Status.ACCEPTED: {Status.ENROLLED, Status.WITHDRAWN},
        Status.ENROLLED: {Status.COMPLETED, Status.EXITED},
        Status.DECLINED: set(),
        Status.COMPLETED: set(),
        Status.EXITED: set(),
        Status.WITHDRAWN: set(),
    } == ALLOWED_MOVES


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_an_allowed_move_changes_the_status_and_keeps_an_event(counselor, case_a, current, target):
    referral = ReferralFactory(case=case_a, status=current)
    before = timezone.now()

    moved = move(target, request=request_for(counselor), referral=referral)

    referral.refresh_from_db()
    assert moved.status == referral.status == target
    assert referral.status_changed_at >= before
    event = referral.events.get()
    assert (event.from_status, event.to_status, event.by) == (current, target, counselor)
    entry = AccessLogEntry.objects.get(youth=case_a.youth)
    assert entry.action == Action.CHANGED
    assert entry.detail == {"referral": referral.pk, "status": target}


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_a_move_outside_the_table_is_refused_naming_both_statuses(
    counselor, case_a, current, target
):
    referral = ReferralFactory(case=case_a, status=current)

    with pytest.raises(ValidationError) as refused:
        move(target, request=request_for(counselor), referral=referral)

    current_label = str(Status(current).label).lower()
    target_label = str(Status(target).label).lower()
    assert refused.value.messages == [
        f"A referral that is {current_label} cannot be marked {target_label}."
    ]
    referral.refresh_from_db()
    assert referral.status == current
    assert not referral.events.exists()
    assert not AccessLogEntry.objects.filter(youth=case_a.youth).exists()


def test_the_message_reads_as_a_sentence(counselor, case_a):
    referral = ReferralFactory(case=case_a, status=Status.DECLINED)
    with pytest.raises(
        ValidationError, match="A referral that is declined cannot be marked enrolled"
    ):
        move(Status.ENROLLED, request=request_for(counselor), referral=referral)


@pytest.mark.parametrize("status", TARGETS)
def test_a_second_click_does_not_move_the_referral_again(counselor, case_a, status):
    start = next(current for current, targets in ALLOWED_MOVES.items() if status in targets)
    referral = ReferralFactory(case=case_a, status=start)
    move(status, request=request_for(counselor), referral=referral)

    # The second click carries the copy the page had, still in the old status.
    with pytest.raises(ValidationError, match="already"):
        move(status, request=request_for(counselor), referral=referral)
    assert referral.events.count() == 1


@pytest.mark.parametrize(
    ("service", "start"),
    [
        (services.referral_decline, Status.SENT),
        (services.referral_exit, Status.ENROLLED),
        (services.referral_withdraw, Status.DRAFT),
    ],
)
@pytest.mark.parametrize("reason", ["", "   "])
def test_declining_exiting_and_withdrawing_need_a_reason(counselor, case_a, service, start, reason):
    referral = ReferralFactory(case=case_a, status=start)
    with pytest.raises(ValidationError) as refused:
        service(request=request_for(counselor), referral=referral, reason=reason)
    assert "reason" in refused.value.message_dict
    referral.refresh_from_db()
    assert referral.status == start


def test_the_reason_is_kept_on_the_referral_and_its_event(counselor, case_a):
    referral = ReferralFactory(case=case_a, status=Status.SENT)
    services.referral_decline(
        request=request_for(counselor), referral=referral, reason=" No openings until fall "
    )
    referral.refresh_from_db()
    assert referral.status_reason == "No openings until fall"
    assert referral.events.get().reason == "No openings until fall"


def test_a_note_on_a_move_is_kept_in_the_history(counselor, case_a):
    referral = ReferralFactory(case=case_a)
    services.referral_send(
        request=request_for(counselor), referral=referral, note="Emailed the intake office"
    )
    assert referral.events.get().reason == "Emailed the intake office"


def test_sending_records_when_it_was_sent(counselor, case_a):
    referral = ReferralFactory(case=case_a)
    services.referral_send(request=request_for(counselor), referral=referral)
    referral.refresh_from_db()
    assert referral.sent_at is not None


def test_the_history_lists_every_move_in_order(counselor, case_a):
    referral = ReferralFactory(case=case_a)
    request = request_for(counselor)
    for status in (Status.SENT, Status.ACCEPTED, Status.ENROLLED, Status.COMPLETED):
        referral = move(status, request=request, referral=referral)

    assert [(e.from_status, e.to_status) for e in referral.events.all()] == [
        (Status.DRAFT, Status.SENT),
        (Status.SENT, Status.ACCEPTED),
        (Status.ACCEPTED, Status.ENROLLED),
        (Status.ENROLLED, Status.COMPLETED),
    ]
    assert AccessLogEntry.objects.filter(youth=case_a.youth, action=Action.CHANGED).count() == 4


def test_the_history_cannot_be_changed_or_deleted(counselor, case_a):
    referral = ReferralFactory(case=case_a)
    services.referral_send(request=request_for(counselor), referral=referral)
    event = ReferralEvent.objects.get()
    with pytest.raises(InternalError), transaction.atomic():
        ReferralEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(InternalError), transaction.atomic():
        event.delete()


def test_a_read_only_colleague_cannot_move_a_referral(readonly_colleague, case_a):
    referral = ReferralFactory(case=case_a)
    with pytest.raises(PermissionDenied):
        services.referral_send(request=request_for(readonly_colleague), referral=referral)
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT


def test_a_counselor_at_another_center_cannot_move_a_referral(other_counselor, case_a):
    referral = ReferralFactory(case=case_a)
    with pytest.raises(PermissionDenied):
        services.referral_send(request=request_for(other_counselor), referral=referral)


def test_the_supervisor_of_the_center_may_move_a_referral(supervisor, case_a):
    referral = ReferralFactory(case=case_a)
    services.referral_send(request=request_for(supervisor), referral=referral)
    assert referral.events.get().by == supervisor


@pytest.mark.parametrize(
    ("kind", "returned_to_school", "enrolled_in_wioa"),
    [
        (ProgramKind.SCHOOL, True, False),
        (ProgramKind.EQUIVALENCY, False, False),
        (ProgramKind.WIOA, False, True),
        (ProgramKind.OTHER, False, False),
    ],
)
@pytest.mark.parametrize("status", Status.values)
def test_the_outcome_follows_the_program_kind_once_the_youth_enrolled(
    case_a, kind, returned_to_school, enrolled_in_wioa, status
):
    referral = ReferralFactory(case=case_a, status=status, program=ProgramFactory(kind=kind))
    reached = status in (Status.ENROLLED, Status.COMPLETED, Status.EXITED)

    assert referral.returned_to_school is (reached and returned_to_school)
    assert referral.enrolled_in_wioa is (reached and enrolled_in_wioa)
    assert Referral.objects.returned_to_school().filter(pk=referral.pk).exists() is (
        reached and returned_to_school
    )
    assert Referral.objects.enrolled_in_wioa().filter(pk=referral.pk).exists() is (
        reached and enrolled_in_wioa
    )


def test_referrals_stuck_in_a_status_are_found_by_how_long(case_a):
    stuck = ReferralFactory(
        case=case_a,
        status=Status.SENT,
        status_changed_at=timezone.now() - datetime.timedelta(days=30),
    )
    ReferralFactory(case=case_a, status=Status.SENT)
    cutoff = timezone.now() - datetime.timedelta(days=14)
    assert list(Referral.objects.in_status_since(Status.SENT, cutoff)) == [stuck]


@pytest.mark.parametrize("status", [Status.ENROLLED, Status.COMPLETED, Status.EXITED])
def test_the_database_refuses_an_enrollment_without_its_date(case_a, status):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralFactory(case=case_a, status=status, enrolled_on=None)


@pytest.mark.parametrize("status", [Status.DECLINED, Status.EXITED, Status.WITHDRAWN])
def test_the_database_refuses_a_closing_status_without_a_reason(case_a, status):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralFactory(case=case_a, status=status, status_reason="")
