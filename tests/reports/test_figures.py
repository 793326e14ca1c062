"""Each counted figure against hand-built data: unduplicated youth, the period's edges, the
center a thing happened at, and the counselor filter."""

import datetime

import pytest
from django.utils import timezone

from centers.models import Role
from referrals.models import ProgramKind, ReferralStatus
from reports.figures import FIGURES, FUNNEL, funnel
from sis_bridge.models import AcademicTerm
from tests.centers.factories import staff
from tests.referrals.factories import ProgramFactory, ReferralFactory
from tests.youth.factories import CaseFactory, CaseNoteFactory, FollowUpFactory, YouthFactory
from youth.choices import CaseStatus, ClosedReason, NoteKind, Pathway
from youth.models import Assessment

START = datetime.date(2024, 7, 1)
END = datetime.date(2025, 6, 30)
pytestmark = pytest.mark.django_db


def day(month: int, date: int, year: int | None = None) -> datetime.date:
    """A day of the 2024-25 program year (July to June)."""
    return datetime.date(year or (2024 if month >= 7 else 2025), month, date)


def at_noon(date: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        date, datetime.time(12), tzinfo=timezone.get_current_timezone()
    )


def closed_case(**fields):
    return CaseFactory(
        status=CaseStatus.CLOSED,
        closed_on=fields.pop("closed_on", day(9, 1)),
        closed_reason=ClosedReason.TRANSFERRED,
        **fields,
    )


def assess(case, on):
    return Assessment.objects.create(
        youth=case.youth,
        case=case,
        counselor=case.counselor,
        assessed_on=on,
        goals="Earn the diploma",
        pathway=Pathway.ADULT_SCHOOL,
        pathway_reasoning="Over 18 with 90 credits",
    )


def enroll(case, on, kind=ProgramKind.SCHOOL, status=ReferralStatus.ENROLLED):
    return ReferralFactory(
        case=case,
        program=ProgramFactory(kind=kind),
        status=status,
        sent_at=at_noon(on - datetime.timedelta(days=7)),
        enrolled_on=on,
    )


def youth_in(code: str, center_ids, counselor_ids=None, start=START, end=END) -> set[int]:
    return set(
        FIGURES[code]
        .youth_ids(start, end, center_ids, counselor_ids)
        .values_list("youth_id", flat=True)
    )


def end_referral(case, kind, status, changed_at, enrolled_on=None):
    """A referral enrolled before and completed or exited at `changed_at`."""
    return ReferralFactory(
        case=case,
        program=ProgramFactory(kind=kind),
        status=status,
        sent_at=changed_at - datetime.timedelta(days=60),
        enrolled_on=enrolled_on or changed_at.date() - datetime.timedelta(days=50),
        status_changed_at=changed_at,
    )


def term(youth, school_year, name, earned=5.0):
    return AcademicTerm.objects.create(
        youth=youth,
        sis_id=f"{youth.pk}-{school_year}-{name}",
        school_id=1001,
        school_year=school_year,
        term=name,
        earned_credits=earned,
        lausd_credits_earned=earned or 0,
    )


def test_the_figures_are_the_funnel_then_the_wioa_figures_each_with_its_rule():
    assert list(FUNNEL) == [
        "reached",
        "intake",
        "assessed",
        "referred",
        "enrolled",
        "returned_to_school",
        "enrolled_in_wioa",
    ]
    assert list(FIGURES) == [
        *FUNNEL,
        "credential_attained",
        "skill_gain_transcript",
        "exited",
        "follow_up_done",
    ]
    for figure in FIGURES.values():
        assert str(figure.label) and len(str(figure.rule)) > 40


def test_a_youth_with_two_intakes_in_the_period_counts_once(centers):
    east = centers["EAST"]
    first = closed_case(center=east, intake_date=day(8, 1))
    CaseFactory(youth=first.youth, center=east, intake_date=day(10, 1))
    assert youth_in("intake", [east.pk]) == {first.youth_id}
    assert youth_in("reached", [east.pk]) == {first.youth_id}
    counts = {row.figure.code: row.count for row in funnel(START, END, [east.pk])}
    assert counts["intake"] == 1
    assert counts["reached"] == 1


def test_intake_counts_both_ends_of_the_period_and_nothing_outside(centers):
    east = centers["EAST"]
    on_first = CaseFactory(center=east, intake_date=START)
    on_last = CaseFactory(center=east, intake_date=END)
    closed_case(center=east, intake_date=START - datetime.timedelta(days=1), closed_on=START)
    CaseFactory(center=east, intake_date=END + datetime.timedelta(days=1))
    assert youth_in("intake", [east.pk]) == {on_first.youth_id, on_last.youth_id}


def test_reached_counts_a_contact_in_the_period_but_not_an_unanswered_attempt(centers):
    east = centers["EAST"]
    met = CaseFactory(center=east, intake_date=day(3, 1, 2024))
    CaseNoteFactory(case=met, kind=NoteKind.PHONE, contact_on=day(9, 9))
    attempted = CaseFactory(center=east, intake_date=day(3, 1, 2024))
    CaseNoteFactory(case=attempted, kind=NoteKind.CONTACT_ATTEMPT, contact_on=day(9, 9))
    met_before = CaseFactory(center=east, intake_date=day(3, 1, 2024))
    CaseNoteFactory(case=met_before, kind=NoteKind.MEETING, contact_on=day(6, 30, 2024))
    assert youth_in("reached", [east.pk]) == {met.youth_id}
    assert youth_in("intake", [east.pk]) == set()


def test_a_youth_who_moved_centers_counts_at_each_center_for_what_happened_there(centers):
    east, boyle = centers["EAST"], centers["BOYLE"]
    at_east = closed_case(center=east, intake_date=day(8, 1), closed_on=day(11, 1))
    ReferralFactory(case=at_east, status=ReferralStatus.SENT, sent_at=at_noon(day(9, 1)))
    at_boyle = CaseFactory(youth=at_east.youth, center=boyle, intake_date=day(11, 1))
    assess(at_boyle, day(11, 15))
    enroll(at_boyle, day(12, 1))
    youth = at_east.youth_id

    assert youth_in("intake", [east.pk]) == {youth}
    assert youth_in("referred", [east.pk]) == {youth}
    assert youth_in("assessed", [east.pk]) == set()
    assert youth_in("enrolled", [east.pk]) == set()
    assert youth_in("assessed", [boyle.pk]) == {youth}
    assert youth_in("enrolled", [boyle.pk]) == {youth}
    both = {row.figure.code: row.count for row in funnel(START, END, [east.pk, boyle.pk])}
    assert both["intake"] == 1
    assert both["reached"] == 1
    assert both["enrolled"] == 1


def test_an_enrollment_after_the_end_of_the_period_is_not_counted(centers):
    east = centers["EAST"]
    case = CaseFactory(center=east, intake_date=day(5, 1))
    enroll(case, END + datetime.timedelta(days=1))
    assert youth_in("enrolled", [east.pk]) == set()
    assert youth_in("returned_to_school", [east.pk]) == set()
    next_year = (END + datetime.timedelta(days=1), END.replace(year=2026))
    assert youth_in("enrolled", [east.pk], start=next_year[0], end=next_year[1]) == {case.youth_id}


def test_enrollments_count_by_program_kind_and_stay_counted_after_completion(centers):
    east = centers["EAST"]
    school = CaseFactory(center=east)
    enroll(school, day(10, 1), ProgramKind.SCHOOL, ReferralStatus.COMPLETED)
    wioa = CaseFactory(center=east)
    enroll(wioa, day(10, 1), ProgramKind.WIOA, ReferralStatus.EXITED)
    training = CaseFactory(center=east)
    enroll(training, day(10, 1), ProgramKind.OTHER)
    accepted = CaseFactory(center=east)
    ReferralFactory(case=accepted, status=ReferralStatus.ACCEPTED, sent_at=at_noon(day(10, 1)))

    assert youth_in("enrolled", [east.pk]) == {
        school.youth_id,
        wioa.youth_id,
        training.youth_id,
    }
    assert youth_in("returned_to_school", [east.pk]) == {school.youth_id}
    assert youth_in("enrolled_in_wioa", [east.pk]) == {wioa.youth_id}


def test_referred_is_by_the_los_angeles_date_sent_and_not_drafts(centers):
    east = centers["EAST"]
    # 03:00 UTC on 1 July is still 30 June in Los Angeles: inside the period.
    late_evening = CaseFactory(center=east)
    ReferralFactory(
        case=late_evening,
        status=ReferralStatus.SENT,
        sent_at=datetime.datetime(2025, 7, 1, 3, 0, tzinfo=datetime.UTC),
    )
    next_morning = CaseFactory(center=east)
    ReferralFactory(
        case=next_morning,
        status=ReferralStatus.SENT,
        sent_at=datetime.datetime(2025, 7, 1, 8, 0, tzinfo=datetime.UTC),
    )
    ReferralFactory(case=CaseFactory(center=east), status=ReferralStatus.DRAFT)
    twice = CaseFactory(center=east)
    for month in (8, 9):
        ReferralFactory(case=twice, status=ReferralStatus.SENT, sent_at=at_noon(day(month, 1)))
    assert youth_in("referred", [east.pk]) == {late_evening.youth_id, twice.youth_id}


def test_assessed_is_by_assessment_date_at_the_case_center(centers):
    east, crens = centers["EAST"], centers["CRENS"]
    inside = CaseFactory(center=east)
    assess(inside, day(1, 10))
    assess(inside, day(2, 10))
    before = CaseFactory(center=east)
    assess(before, START - datetime.timedelta(days=1))
    elsewhere = CaseFactory(center=crens)
    assess(elsewhere, day(1, 10))
    assert youth_in("assessed", [east.pk]) == {inside.youth_id}
    assert youth_in("assessed", [crens.pk]) == {elsewhere.youth_id}


def test_the_counselor_filter_counts_only_the_cases_of_those_counselors(centers):
    east = centers["EAST"]
    alice = staff("alice.filter", Role.COUNSELOR, "EAST")
    bea = staff("bea.filter", Role.COUNSELOR, "EAST")
    of_alice = CaseFactory(center=east, counselor=alice, intake_date=day(9, 1))
    enroll(of_alice, day(10, 1))
    of_bea = CaseFactory(center=east, counselor=bea, intake_date=day(9, 1))
    enroll(of_bea, day(10, 1), ProgramKind.WIOA)

    assert youth_in("intake", [east.pk], [alice.pk]) == {of_alice.youth_id}
    assert youth_in("enrolled", [east.pk], [bea.pk]) == {of_bea.youth_id}
    assert youth_in("returned_to_school", [east.pk], [bea.pk]) == set()
    assert youth_in("intake", [east.pk], [alice.pk, bea.pk]) == {
        of_alice.youth_id,
        of_bea.youth_id,
    }


def test_the_funnel_counts_hand_built_youth_in_one_query(centers, django_assert_num_queries):
    east, crens = centers["EAST"], centers["CRENS"]
    # Four youth reached at EAST: all had an intake; three assessed, two referred (the first twice),
    # one enrolled back in school. Someone at CRENS is not counted.
    cases = [CaseFactory(center=east, intake_date=day(8, n)) for n in range(1, 5)]
    for case in cases[:3]:
        assess(case, day(9, 1))
    for case in cases[:2]:
        ReferralFactory(case=case, status=ReferralStatus.SENT, sent_at=at_noon(day(9, 5)))
    enroll(cases[0], day(10, 1))
    enroll(CaseFactory(center=crens, intake_date=day(8, 1)), day(10, 1))
    YouthFactory()  # a youth with no case anywhere

    with django_assert_num_queries(1):
        rows = funnel(START, END, [east.pk])

    assert [(row.figure.code, row.count) for row in rows] == [
        ("reached", 4),
        ("intake", 4),
        ("assessed", 3),
        ("referred", 2),  # the first youth's two sent referrals count once
        ("enrolled", 1),
        ("returned_to_school", 1),
        ("enrolled_in_wioa", 0),
        ("credential_attained", 0),
        ("skill_gain_transcript", 0),
        ("exited", 0),
        ("follow_up_done", 0),
    ]
    assert [row.share for row in rows][:3] == [1.0, 1.0, 0.75]


def test_the_funnel_agrees_with_each_figure_definition(centers):
    east = centers["EAST"]
    for n in range(1, 4):
        case = CaseFactory(center=east, intake_date=day(8, n))
        enroll(case, day(9, n), ProgramKind.WIOA if n == 2 else ProgramKind.SCHOOL)
    for row in funnel(START, END, [east.pk]):
        assert row.count == len(youth_in(row.figure.code, [east.pk]))


def test_the_funnel_is_all_zero_without_centers_or_counselors(centers):
    CaseFactory(center=centers["EAST"], intake_date=day(8, 1))
    assert {row.count for row in funnel(START, END, [])} == {0}
    assert {row.count for row in funnel(START, END, [centers["EAST"].pk], [])} == {0}
    assert funnel(START, END, [])[1].share is None


def test_funnel_computes_only_the_codes_asked_for_in_one_query(centers, django_assert_num_queries):
    CaseFactory(center=centers["EAST"], intake_date=day(8, 1))
    with django_assert_num_queries(1):
        rows = funnel(START, END, [centers["EAST"].pk], codes=FUNNEL)
    assert [row.figure.code for row in rows] == list(FUNNEL)
    assert rows[0].count == 1


def test_credential_attained_is_a_school_or_equivalency_completion_in_the_period(centers):
    east, crens = centers["EAST"], centers["CRENS"]
    diploma = CaseFactory(center=east)
    end_referral(diploma, ProgramKind.SCHOOL, ReferralStatus.COMPLETED, at_noon(day(5, 1)))
    hiset = CaseFactory(center=east)
    end_referral(hiset, ProgramKind.EQUIVALENCY, ReferralStatus.COMPLETED, at_noon(END))
    # 03:00 UTC on 1 July is still 30 June in Los Angeles: inside the period.
    late = CaseFactory(center=east)
    end_referral(
        late,
        ProgramKind.SCHOOL,
        ReferralStatus.COMPLETED,
        datetime.datetime(2025, 7, 1, 3, 0, tzinfo=datetime.UTC),
    )
    after = CaseFactory(center=east)
    end_referral(
        after, ProgramKind.SCHOOL, ReferralStatus.COMPLETED, at_noon(END + datetime.timedelta(1))
    )
    before = CaseFactory(center=east)
    end_referral(
        before, ProgramKind.SCHOOL, ReferralStatus.COMPLETED, at_noon(START - datetime.timedelta(1))
    )
    dropped = CaseFactory(center=east)
    end_referral(dropped, ProgramKind.SCHOOL, ReferralStatus.EXITED, at_noon(day(5, 1)))
    wioa = CaseFactory(center=east)
    end_referral(wioa, ProgramKind.WIOA, ReferralStatus.COMPLETED, at_noon(day(5, 1)))
    still_enrolled = CaseFactory(center=east)
    enroll(still_enrolled, day(9, 1))
    elsewhere = CaseFactory(center=crens)
    end_referral(elsewhere, ProgramKind.SCHOOL, ReferralStatus.COMPLETED, at_noon(day(5, 1)))

    assert youth_in("credential_attained", [east.pk]) == {
        diploma.youth_id,
        hiset.youth_id,
        late.youth_id,
    }
    assert youth_in("credential_attained", [crens.pk]) == {elsewhere.youth_id}


def test_a_transcript_skill_gain_is_a_wioa_participants_term_with_credits_ending_in_the_period(
    centers,
):
    east, crens = centers["EAST"], centers["CRENS"]

    def participant(center=east, enrolled_on=None):
        case = CaseFactory(center=center)
        enroll(case, enrolled_on or day(9, 1), ProgramKind.WIOA)
        return case.youth

    # Ed-Fi school year 2025 is 2024-25: its fall semester ends on 31 January 2025.
    fall = participant()
    term(fall, 2025, "Fall Semester")
    spring = participant()
    term(spring, 2025, "Spring Semester")  # ends on 30 June 2025, the last day
    twice = participant()
    term(twice, 2025, "Fall Semester")
    term(twice, 2025, "Spring Semester")
    # Fall 2025-26 ends on 31 January 2026 and spring 2023-24 on 30 June 2024: outside.
    next_fall = participant()
    term(next_fall, 2026, "Fall Semester")
    last_spring = participant()
    term(last_spring, 2024, "Spring Semester")
    no_credits = participant()
    term(no_credits, 2025, "Fall Semester", earned=0.0)
    unknown_credits = participant()
    term(unknown_credits, 2025, "Fall Semester", earned=None)
    # A youth back in school but never in WIOA; one enrolled in WIOA after the period.
    not_wioa = CaseFactory(center=east)
    enroll(not_wioa, day(9, 1), ProgramKind.SCHOOL)
    term(not_wioa.youth, 2025, "Fall Semester")
    later = participant(enrolled_on=END + datetime.timedelta(days=1))
    term(later, 2025, "Spring Semester")
    # A WIOA participant through another center.
    elsewhere = participant(center=crens)
    term(elsewhere, 2025, "Fall Semester")

    assert youth_in("skill_gain_transcript", [east.pk]) == {fall.pk, spring.pk, twice.pk}
    assert youth_in("skill_gain_transcript", [crens.pk]) == {elsewhere.pk}
    # A period ending on 30 January 2025 misses the fall semester ending the day after.
    assert youth_in("skill_gain_transcript", [east.pk], end=datetime.date(2025, 1, 30)) == set()
    assert youth_in(
        "skill_gain_transcript", [east.pk], start=datetime.date(2025, 1, 31), end=day(3, 31)
    ) == {fall.pk, twice.pk}


def test_exited_is_a_wioa_referral_completed_or_exited_in_the_period(centers):
    east = centers["EAST"]
    completed = CaseFactory(center=east)
    end_referral(completed, ProgramKind.WIOA, ReferralStatus.COMPLETED, at_noon(day(3, 1)))
    left = CaseFactory(center=east)
    end_referral(left, ProgramKind.WIOA, ReferralStatus.EXITED, at_noon(START))
    after = CaseFactory(center=east)
    end_referral(
        after, ProgramKind.WIOA, ReferralStatus.COMPLETED, at_noon(END + datetime.timedelta(1))
    )
    school = CaseFactory(center=east)
    end_referral(school, ProgramKind.SCHOOL, ReferralStatus.COMPLETED, at_noon(day(3, 1)))
    enrolled = CaseFactory(center=east)
    enroll(enrolled, day(9, 1), ProgramKind.WIOA)

    assert youth_in("exited", [east.pk]) == {completed.youth_id, left.youth_id}
    assert youth_in("exited", [centers["CRENS"].pk]) == set()


def test_follow_up_done_counts_wioa_follow_ups_after_an_exit_done_in_the_period(centers):
    east = centers["EAST"]

    def exited_case(kind=ProgramKind.WIOA, ended=None, **fields):
        case = CaseFactory(center=east, **fields)
        end_referral(case, kind, ReferralStatus.EXITED, ended or at_noon(day(9, 1)))
        return case

    def done(case, on):
        return FollowUpFactory(case=case, due_on=on, done_at=at_noon(on), done_by=case.counselor)

    followed = exited_case()
    done(followed, day(12, 1))
    done(followed, day(3, 1))
    followed_after_the_period = exited_case()
    done(followed_after_the_period, END + datetime.timedelta(days=1))
    not_done = exited_case()
    FollowUpFactory(case=not_done, due_on=day(12, 1))
    no_wioa_exit = CaseFactory(center=east)
    enroll(no_wioa_exit, day(8, 1), ProgramKind.WIOA)  # still enrolled
    done(no_wioa_exit, day(12, 1))
    school_exit = exited_case(ProgramKind.SCHOOL)
    done(school_exit, day(12, 1))
    done_before_the_exit = exited_case(ended=at_noon(day(5, 1)))
    done(done_before_the_exit, day(12, 1))
    # The WIOA exit was in the youth's earlier, closed case; the follow-up in the new one.
    earlier = exited_case(
        status=CaseStatus.CLOSED, closed_on=day(10, 1), closed_reason=ClosedReason.TRANSFERRED
    )
    done(CaseFactory(center=east, youth=earlier.youth), day(12, 1))
    lone = CaseFactory(center=east)
    done(lone, day(12, 1))

    assert youth_in("follow_up_done", [east.pk]) == {followed.youth_id}
    counts = {row.figure.code: row.count for row in funnel(START, END, [east.pk])}
    assert counts["follow_up_done"] == 1
    assert counts["exited"] == 5  # every WIOA exit above, the school one aside
