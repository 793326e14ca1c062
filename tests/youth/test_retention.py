"""Archiving youth whose cases closed long ago (youth/retention.py, `archive_closed_cases`):
nothing personal is left anywhere in the database, history tables included, while every count
the grant report makes stays the same."""

import datetime
import io
import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from audit.models import AccessLogEntry, Action
from referrals.models import ProgramKind, Referral, ReferralEvent, ReferralStatus
from reports.selectors import grant_report, report_tables
from sis_bridge.models import (
    AcademicTerm,
    Enrollment,
    LinkMethod,
    QuarantinedRecord,
    SisLink,
    SyncKind,
    SyncRun,
    TranscriptCourse,
)
from tests.referrals.factories import ProgramFactory, ReferralFactory
from tests.youth.factories import (
    CaseFactory,
    CaseNoteFactory,
    ConsentFactory,
    FollowUpFactory,
    YouthFactory,
)
from youth.choices import CaseStatus, ClosedReason, Pathway
from youth.matching import likely_duplicates
from youth.merges import youth_merge
from youth.models import Assessment, Case, CaseNote, Consent, FollowUp, Youth
from youth.retention import generalised_birth_date

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
INTAKE = datetime.date(TODAY.year - 8, 3, 4)
CLOSED = INTAKE + datetime.timedelta(days=200)
BORN = datetime.date(TODAY.year - 26, 8, 20)
# What was written about the youth: none of it may remain anywhere once archived.
PERSONAL = (
    "Zenaida",
    "Quetzalli",
    "Xochiquetzal",
    "Zeze",
    "2135550199",
    "2135550123",
    "zenaida@example.org",
    "1234 Wilshire",
    "90063",
    "201234X567",
    "Roosevelt",
    "QWERTY",
    "aunt Marisol",
    BORN.isoformat(),
)


def at_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


def tables_holding(*texts: str) -> dict[str, list[str]]:
    """{table: [texts found in any of its rows]}, over every table of the database."""
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        tables = [name for (name,) in cursor.fetchall()]
        for table in tables:
            quoted = connection.ops.quote_name(table)
            for text in texts:
                cursor.execute(
                    f"SELECT EXISTS (SELECT 1 FROM {quoted} AS r WHERE r::text ILIKE %s)",  # noqa: S608
                    [f"%{text}%"],
                )
                if cursor.fetchone()[0]:
                    found.setdefault(table, []).append(text)
    return found


@pytest.fixture
def served_long_ago(center_a, counselor):
    """A youth served at EAST eight years ago, whose case closed seven and a half years ago,
    with something in every youth-linked table and a history of changes."""
    youth = YouthFactory(
        legal_first_name="Zenaida",
        legal_middle_name="Quetzalli",
        legal_last_name="Xochiquetzal-Brambila",
        preferred_name="Zeze",
        birth_date=BORN,
        phone="2135550199",
        email="zenaida@example.org",
        street_address="1234 Wilshire Blvd",
        zip_code="90063",
        lausd_id="201234X567",
        last_school_attended="Roosevelt High",
        gender_identity="Woman",
        barriers=["foster_care"],
    )
    youth.phone = "2135550123"  # a change: the old number stays in the history table
    youth.save()
    case = CaseFactory(
        youth=youth,
        center=center_a,
        counselor=counselor,
        intake_date=INTAKE,
        status=CaseStatus.CLOSED,
        closed_on=CLOSED,
        closed_reason=ClosedReason.SERVED,
        closed_note="Moved in with aunt Marisol",
    )
    CaseNoteFactory(case=case, contact_on=INTAKE, body="Met Zenaida, code QWERTY")
    FollowUpFactory(case=case, due_on=INTAKE, description="Call Zeze about the orientation")
    ConsentFactory(youth=youth, recorded_by=counselor, signed_on=INTAKE)
    Assessment.objects.create(
        youth=youth,
        case=case,
        counselor=counselor,
        assessed_on=INTAKE + datetime.timedelta(days=5),
        goals="Zenaida wants her diploma",
        pathway=Pathway.CREDIT_RECOVERY,
        pathway_reasoning="Roosevelt High credits",
        credit_snapshot={"earned": 95, "school": "Roosevelt"},
        academic_plan=[{"area": "B", "credits": 10, "plan": "QWERTY English class"}],
    )
    referral = ReferralFactory(
        case=case,
        program=ProgramFactory(kind=ProgramKind.WIOA),
        status=ReferralStatus.ENROLLED,
        sent_at=at_noon(INTAKE + datetime.timedelta(days=10)),
        enrolled_on=INTAKE + datetime.timedelta(days=20),
        notes="Zeze prefers mornings",
    )
    ReferralEvent.objects.create(
        referral=referral,
        from_status=ReferralStatus.SENT,
        to_status=ReferralStatus.ENROLLED,
        by=counselor,
        reason="Zenaida started Monday",
    )
    SisLink.objects.create(youth=youth, student_unique_id="201234X567", method=LinkMethod.LAUSD_ID)
    # A fall term ends on 31 January of its school year: within the period reported below.
    AcademicTerm.objects.create(
        youth=youth,
        sis_id="Roosevelt-term",
        school_id=1874,
        school_year=INTAKE.year + 1,
        term="Fall Semester",
        earned_credits=20,
        cumulative_earned_credits=95,
        gpa=2.4,
    )
    TranscriptCourse.objects.create(
        youth=youth,
        sis_id="c1",
        school_id=1874,
        school_year=INTAKE.year + 1,
        term="Fall Semester",
        course_code="2302",
        title="ENGLISH 9A",
        subject_area="B",
        result="Pass",
    )
    Enrollment.objects.create(
        youth=youth, sis_id="e1", school_id=1874, school_name="Roosevelt High", entry_date=INTAKE
    )
    run = SyncRun.objects.create(
        kind=SyncKind.STUDENT, youth=youth, error="students record 201234X567: birthDate"
    )
    QuarantinedRecord.objects.create(
        run=run,
        youth=youth,
        resource="students",
        record_id="201234X567",
        field="birthDate",
        error="bad date",
        raw={"firstName": "Zenaida", "studentUniqueId": "201234X567"},
    )
    return youth


@pytest.fixture
def still_served(center_a, counselor):
    """A youth with an open case, whose records must not change."""
    case = CaseFactory(center=center_a, counselor=counselor, intake_date=INTAKE)
    CaseNoteFactory(case=case, body="Still coming in")
    return case.youth


def archive(*args: str) -> str:
    out = io.StringIO()
    call_command("archive_closed_cases", *args, stdout=out)
    return out.getvalue()


def report(centers):
    """The grant report over the years of the youth's case: its overall figures, and every
    table of its downloads (figures by center, breakdowns by age, sex, race...)."""
    period = grant_report(
        start=INTAKE - datetime.timedelta(days=365),
        end=TODAY,
        name="retention",
        centers=[centers["EAST"], centers["BOYLE"]],
    )
    return {row.figure.code: row.count for row in period.overall}, report_tables(period)


def test_nothing_personal_remains_anywhere_once_archived(served_long_ago, still_served):
    assert set(tables_holding(*PERSONAL)) >= {"youth_youth", "youth_youthevent"}

    archive()

    assert tables_holding(*PERSONAL) == {}
    youth = Youth.objects.get(pk=served_long_ago.pk)
    assert youth.archived_at is not None
    assert youth.display_name == f"Archived record {youth.pk}"
    assert youth.lausd_id is None
    assert (youth.legal_first_name, youth.phone, youth.email, youth.city) == ("", "", "", "")
    assert CaseNote.objects.get(case__youth=youth).body == "[archived]"
    assert Consent.objects.get(youth=youth).signer_name == "[archived]"


def test_every_counted_row_stays(served_long_ago):
    def counts():
        rows = {
            model: model.objects.filter(**{path: served_long_ago.pk}).count()
            for model, path in (
                (Case, "youth"),
                (CaseNote, "case__youth"),
                (FollowUp, "case__youth"),
                (Consent, "youth"),
                (Assessment, "youth"),
                (Referral, "youth"),
                (ReferralEvent, "referral__youth"),
                (AcademicTerm, "youth"),
                (QuarantinedRecord, "youth"),
            )
        }
        return rows, Youth.objects.count()

    before = counts()
    consent_before = Consent.objects.values("signed_on", "signer_role", "covers_school_records")

    archive()

    assert counts() == before
    assert list(consent_before) == list(
        Consent.objects.values("signed_on", "signer_role", "covers_school_records")
    )
    term = AcademicTerm.objects.get(youth=served_long_ago)
    assert (term.earned_credits, term.gpa, term.sis_id) == (20, None, "")
    # The district snapshot's courses, schools and link are the SIS's to keep.
    assert not SisLink.objects.filter(youth=served_long_ago).exists()
    assert not TranscriptCourse.objects.filter(youth=served_long_ago).exists()
    assert not Enrollment.objects.filter(youth=served_long_ago).exists()


def test_the_grant_report_is_the_same_before_and_after(centers, served_long_ago, still_served):
    before = report(centers)
    figures = before[0]
    # The archived youth counts in these figures, so the comparison means something.
    assert figures["intake"] == 2
    assert figures["enrolled_in_wioa"] == 1
    assert figures["skill_gain_transcript"] == 1

    archive()

    assert report(centers) == before


def test_the_date_of_birth_keeps_only_the_age_at_each_event(served_long_ago):
    archive()

    kept = Youth.objects.get(pk=served_long_ago.pk).birth_date
    assert kept != BORN
    for day in (INTAKE, INTAKE + datetime.timedelta(days=5), INTAKE + datetime.timedelta(days=20)):
        assert served_long_ago.age_on(day) == Youth(birth_date=kept).age_on(day)


@pytest.mark.parametrize(
    "recent",
    [
        {"status": CaseStatus.OPEN},
        {
            "status": CaseStatus.CLOSED,
            "closed_on": TODAY - datetime.timedelta(days=700),
            "closed_reason": ClosedReason.MOVED,
        },
    ],
    ids=["an open case", "a case closed two years ago"],
)
def test_a_youth_with_a_recent_case_is_kept(served_long_ago, center_a, counselor, recent):
    CaseFactory(youth=served_long_ago, center=center_a, counselor=counselor, **recent)

    assert "archived 0 youth record(s)" in archive()

    assert Youth.objects.get(pk=served_long_ago.pk).legal_first_name == "Zenaida"
    assert tables_holding("QWERTY") != {}


def test_the_years_default_to_the_setting(settings, served_long_ago):
    settings.RETENTION_YEARS = 10

    archive()

    assert Youth.objects.get(pk=served_long_ago.pk).archived_at is None
    archive("--older-than-years", "7")
    assert Youth.objects.get(pk=served_long_ago.pk).archived_at is not None


def test_fewer_than_three_years_is_refused(served_long_ago):
    with pytest.raises(CommandError, match="at least 3"):
        archive("--older-than-years", "1")


def test_records_merged_into_the_youth_are_archived_with_them(served_long_ago):
    duplicate = YouthFactory(legal_first_name="Zenaida", phone="2135550199")
    Youth.objects.filter(pk=duplicate.pk).update(merged_into=served_long_ago)

    assert "and 1 merged record(s)" in archive()

    assert Youth.objects.get(pk=duplicate.pk).archived_at is not None
    assert tables_holding(*PERSONAL) == {}


def test_a_dry_run_changes_nothing(served_long_ago):
    output = archive("--dry-run")

    assert "would archive 1 youth record(s)" in output
    assert Youth.objects.get(pk=served_long_ago.pk).archived_at is None
    assert not AccessLogEntry.objects.exists()


def test_it_logs_counts_only_and_an_access_log_entry_per_record(served_long_ago, caplog):
    with caplog.at_level(logging.INFO, logger="youth.retention"):
        output = archive()

    assert "archived 1 youth record(s) and 0 merged record(s)" in output
    assert "archived 1 youth record(s)" in caplog.text
    for text in PERSONAL:
        assert text not in output and text not in caplog.text
    entry = AccessLogEntry.objects.get(youth=served_long_ago)
    assert (entry.action, entry.user) == (Action.CHANGED, None)
    assert entry.detail == {"archived": True, "retention_years": 5}


def test_running_it_again_changes_nothing(served_long_ago):
    archive()
    archived = Youth.objects.get(pk=served_long_ago.pk)

    assert "archived 0 youth record(s)" in archive()

    again = Youth.objects.get(pk=served_long_ago.pk)
    assert (again.archived_at, again.version) == (archived.archived_at, archived.version)
    assert AccessLogEntry.objects.count() == 1


def test_history_tables_are_append_only_again_afterwards(served_long_ago):
    archive()

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE youth_youthevent SET legal_first_name = 'X'")


def test_archived_records_are_not_offered_as_duplicates(served_long_ago, center_a):
    archive()
    kept = Youth.objects.get(pk=served_long_ago.pk).birth_date
    twin = YouthFactory(birth_date=kept, legal_last_name="Brambila", phone="2135550100")
    CaseFactory(youth=twin, center=center_a)

    found = likely_duplicates(last_name="Brambila", birth_date=kept, phone="2135550100")

    assert [candidate.youth.pk for candidate in found] == [twin.pk]
    assert not Youth.objects.active().filter(pk=served_long_ago.pk).exists()


def test_a_search_of_the_caseload_leaves_archived_records_out(
    client_for, supervisor, served_long_ago
):
    archive()
    client = client_for(supervisor)

    listed = client.get(reverse("youth:caseload"), {"status": "closed"})
    searched = client.get(reverse("youth:caseload"), {"status": "closed", "q": "Archived"})

    assert [case.youth_id for case in listed.context["page"].object_list] == [served_long_ago.pk]
    assert list(searched.context["page"].object_list) == []


def test_the_youth_page_says_the_record_is_archived(client_for, supervisor, served_long_ago):
    archive()

    page = client_for(supervisor).get(reverse("youth:detail", args=[served_long_ago.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="archived-record"' in text
    assert f"Archived record {served_long_ago.pk}" in text


def test_an_archived_record_cannot_be_merged(supervisor, served_long_ago, center_a):
    archive()
    live = CaseFactory(center=center_a).youth
    request = RequestFactory().post("/youth/merge/")
    request.user = supervisor

    with pytest.raises(ValidationError, match="archived"):
        youth_merge(request=request, survivor=served_long_ago, merged=live, reason="same")
    assert Youth.objects.get(pk=live.pk).merged_into_id is None


# --- The generalised date of birth ----------------------------------------------------------


def test_the_generalised_date_is_the_earliest_with_the_same_ages():
    born = datetime.date(2005, 8, 20)

    # 17 on 1 March 2023 (18 on 2 March had they been born a day earlier).
    assert generalised_birth_date(born, [datetime.date(2023, 3, 1)]) == datetime.date(2005, 3, 2)
    # 18 on 25 August 2023 too: the run ends later, it starts the same day.
    days = [datetime.date(2023, 3, 1), datetime.date(2023, 8, 25)]
    assert generalised_birth_date(born, days) == datetime.date(2005, 3, 2)
    assert generalised_birth_date(born, []) == datetime.date(2005, 1, 1)


@given(
    born=st.dates(datetime.date(1990, 1, 1), datetime.date(2012, 12, 31)),
    days=st.lists(st.dates(datetime.date(2010, 1, 1), datetime.date(2035, 12, 31)), max_size=6),
)
def test_the_generalised_date_keeps_every_age_and_no_finer(born, days):
    def age(birth, day):
        return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))

    kept = generalised_birth_date(born, days)

    assert kept <= born
    assert [age(kept, day) for day in days] == [age(born, day) for day in days]
    if days:
        earlier = kept - datetime.timedelta(days=1)
        assert [age(earlier, day) for day in days] != [age(born, day) for day in days]
