"""Pulling students into snapshots against the live mock: faults, change versions, consent."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.conf import settings
from django.utils import timezone

from audit.models import AccessLogEntry, Action
from reengage.celery import app as celery_app
from sis_bridge.mock.generator import student_identity
from sis_bridge.models import (
    AcademicTerm,
    Enrollment,
    QuarantinedRecord,
    SisLink,
    SyncKind,
    SyncRun,
    SyncStatus,
    TranscriptCourse,
)
from sis_bridge.selectors import credit_summary_for, sis_status_for
from sis_bridge.services import (
    SisConsentRequired,
    SisNotLinked,
    sis_find_candidates,
    sis_link_confirm,
    sis_nightly_sync,
    sis_student_sync,
)
from sis_bridge.tasks import sis_student_pull_task
from tests.youth.factories import ConsentFactory, YouthFactory

from .conftest import LIVE_SEED


@pytest.fixture
def eager_tasks():
    """Tasks run in-process even when a broker is configured."""
    was = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = was


def youth_for(index: int, *, consent: bool = True, linked: bool = True):
    """A youth who is mock student `index`, with the LAUSD ID on record when `linked`."""
    person = student_identity(LIVE_SEED, index)
    youth = YouthFactory(
        legal_first_name=person["first_name"],
        legal_last_name=person["last_surname"],
        birth_date=person["birth_date"],
        lausd_id=person["student_unique_id"] if linked else None,
    )
    if consent:
        ConsentFactory(youth=youth)
    return youth


def snapshot_of(youth):
    return sorted(TranscriptCourse.objects.filter(youth=youth).values_list("pk", flat=True))


pytestmark = pytest.mark.django_db


def test_a_pull_stores_the_snapshot_and_logs_the_disclosure(live_client, counselor):
    youth = youth_for(1)
    run = sis_student_sync(youth=youth, user=counselor, client=live_client)

    assert (run.status, run.fetched, run.changed, run.failed) == ("succeeded", 1, 1, 0)
    assert run.finished_at is not None
    link = SisLink.objects.get(youth=youth)
    assert link.last_refreshed_at is not None and link.last_error == ""
    assert TranscriptCourse.objects.filter(youth=youth).exists()
    entry = AccessLogEntry.objects.get(youth=youth, action=Action.SIS_PULLED)
    assert entry.user == counselor and entry.detail["sync_run"] == run.pk
    stored = TranscriptCourse.objects.filter(youth=youth).count()
    assert entry.detail["records"]["courseTranscripts"] == stored
    assert run.started_at <= entry.at <= run.finished_at
    assert (entry.path, entry.ip_address) == ("", None)


def test_the_credit_summary_agrees_with_the_sis_and_takes_four_queries(
    live_client, counselor, django_assert_num_queries
):
    youth = youth_for(2)
    sis_student_sync(youth=youth, user=counselor, client=live_client)
    last_term = AcademicTerm.objects.filter(youth=youth).order_by("school_year", "term").last()

    # link, transcript courses, academic terms, enrollments
    with django_assert_num_queries(4):
        summary = credit_summary_for(youth)

    assert summary.earned == last_term.cumulative_earned_credits
    assert summary.needed == 210 - summary.earned
    assert summary.last_school
    assert summary.expected_for_age is not None


def test_a_second_unchanged_pull_keeps_the_rows(live_client, counselor):
    youth = youth_for(3)
    sis_student_sync(youth=youth, user=counselor, client=live_client)
    before = snapshot_of(youth)
    run = sis_student_sync(youth=youth, user=counselor, client=live_client)
    assert (run.changed, run.unchanged) == (0, 1)
    assert snapshot_of(youth) == before


def test_it_refuses_a_pull_without_consent(live_client, counselor):
    youth = youth_for(4, consent=False)
    with pytest.raises(SisConsentRequired):
        sis_student_sync(youth=youth, user=counselor, client=live_client)
    assert not SyncRun.objects.exists()
    assert not AccessLogEntry.objects.filter(youth=youth).exists()


def test_it_refuses_a_pull_after_consent_was_withdrawn(live_client, counselor):
    youth = youth_for(4)
    youth.consents.update(withdrawn_on=dt.date.today() - dt.timedelta(days=1))
    with pytest.raises(SisConsentRequired):
        sis_student_sync(youth=youth, user=counselor, client=live_client)


def test_it_refuses_a_pull_for_a_youth_not_linked(live_client, counselor):
    with pytest.raises(SisNotLinked):
        sis_student_sync(youth=youth_for(5, linked=False), user=counselor, client=live_client)


TRANSCRIPTS = "/data/v3/ed-fi/courseTranscripts"


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "error", "status": 503, "count": 2},
        {"kind": "error", "status": 500},
        {"kind": "rate_limit", "retry_after": 1},
        {"kind": "drop"},
        {"kind": "latency", "ms": 600},
        {"kind": "token_expired"},
    ],
    ids=lambda f: f["kind"],
)
def test_passing_faults_lose_nothing(mock_sis, live_client, counselor, fault):
    youth = youth_for(6)
    sis_student_sync(youth=youth, user=counselor, client=live_client)
    before = TranscriptCourse.objects.filter(youth=youth).count()
    TranscriptCourse.objects.filter(youth=youth).delete()
    SisLink.objects.filter(youth=youth).update(snapshot_hash="")

    mock_sis.fault(path_prefix=TRANSCRIPTS, **fault)
    run = sis_student_sync(youth=youth, user=counselor, client=live_client)

    assert run.status == "succeeded", run.error
    assert TranscriptCourse.objects.filter(youth=youth).count() == before


@pytest.mark.parametrize(
    ("fault", "status", "error"),
    [
        ({"kind": "error", "status": 503, "count": None}, "partial", "HTTP 503 after 3 attempts"),
        ({"kind": "rate_limit", "count": None}, "partial", "HTTP 429 after 3 attempts"),
        ({"kind": "drop", "count": None}, "partial", "RemoteProtocolError"),
        ({"kind": "latency", "ms": 600, "count": None}, "partial", "ReadTimeout"),
        ({"kind": "token_expired", "count": None}, "partial", "HTTP 401"),
        ({"kind": "error", "status": 403}, "partial", "HTTP 403"),
        ({"kind": "malformed"}, "partial", "earnedCredits: must be a finite number"),
        ({"kind": "partial", "mode": "truncate"}, "partial", "records arrived"),
        ({"kind": "partial", "mode": "body"}, "partial", "not valid JSON"),
        (
            {
                "kind": "partial",
                "mode": "nested",
                "path_prefix": "/data/v3/ed-fi/studentAcademicRecords",
            },
            "partial",
            "gradePointAverages",
        ),
    ],
    ids=lambda v: (
        v["kind"] + ("-" + v.get("mode", "") if "mode" in v else "")
        if isinstance(v, dict)
        else None
    ),
)
def test_failing_faults_keep_the_last_good_snapshot_and_mark_the_run(
    mock_sis, live_client, counselor, fault, status, error
):
    youth = youth_for(7)
    sis_student_sync(youth=youth, user=counselor, client=live_client)
    good = snapshot_of(youth)
    refreshed = SisLink.objects.get(youth=youth).last_refreshed_at

    mock_sis.fault(**{"path_prefix": TRANSCRIPTS, **fault})
    run = sis_student_sync(youth=youth, user=counselor, client=live_client)

    assert run.status == status
    assert (run.fetched, run.failed, run.changed) == (1, 1, 0)
    assert error in run.error
    assert snapshot_of(youth) == good
    link = SisLink.objects.get(youth=youth)
    assert link.last_refreshed_at == refreshed
    assert error in link.last_error and link.last_attempt_at > refreshed
    assert sis_status_for(youth).last_attempt_failed

    mock_sis.clear()
    again = sis_student_sync(youth=youth, user=counselor, client=live_client)
    assert again.status == "succeeded"
    assert SisLink.objects.get(youth=youth).last_error == ""


def test_malformed_records_are_quarantined_naming_the_field(mock_sis, live_client, counselor):
    youth = youth_for(8)
    mock_sis.fault(kind="malformed", every=2, path_prefix=TRANSCRIPTS)
    run = sis_student_sync(youth=youth, user=counselor, client=live_client)

    quarantined = list(QuarantinedRecord.objects.filter(run=run).order_by("pk"))
    assert [q.field for q in quarantined[:2]] == ["earnedCredits", "courseAttemptResultDescriptor"]
    assert quarantined[0].resource == "courseTranscripts" and quarantined[0].youth == youth
    assert quarantined[0].raw["earnedCredits"] == "five"
    assert not TranscriptCourse.objects.filter(youth=youth).exists()
    assert credit_summary_for(youth) is None


def test_a_bad_catalogue_course_fails_only_students_who_took_it(mock_sis, live_client, counselor):
    youth = youth_for(9)
    mock_sis.fault(kind="malformed", every=1, path_prefix="/data/v3/ed-fi/courses")
    run = sis_student_sync(youth=youth, user=counselor, client=live_client)
    assert run.status == "partial"
    assert "catalogue" in run.error
    assert QuarantinedRecord.objects.filter(run=run, resource="courses", youth=None).exists()
    assert not TranscriptCourse.objects.filter(youth=youth).exists()


def test_the_nightly_sync_pulls_everyone_then_only_what_changed(mock_sis, live_client):
    youths = [youth_for(i) for i in (10, 11, 12)]
    youth_for(13, consent=False)

    first = sis_nightly_sync(client=live_client)
    assert (first.status, first.fetched, first.changed, first.skipped) == ("succeeded", 3, 3, 1)
    assert first.change_version_from is None and first.change_version_to is not None

    mock_sis.bump(youths[0].lausd_id)
    second = sis_nightly_sync(client=live_client)
    assert second.change_version_from == first.change_version_to + 1
    assert second.change_version_to > first.change_version_to
    # The bump changed versions and etags, not content.
    assert (second.fetched, second.unchanged, second.changed) == (1, 1, 0)

    third = sis_nightly_sync(client=live_client)
    assert third.fetched == 0 and third.status == "succeeded"
    logged = AccessLogEntry.objects.filter(youth=youths[0], action=Action.SIS_PULLED).count()
    assert logged == 2


def test_a_nightly_sync_that_cannot_list_changes_fails_and_keeps_the_version(mock_sis, live_client):
    youth_for(14)
    first = sis_nightly_sync(client=live_client)
    mock_sis.fault(kind="error", status=503, count=None, path_prefix="/changeQueries/")
    failed = sis_nightly_sync(client=live_client)
    assert failed.status == "failed" and "HTTP 503" in failed.error
    assert failed.change_version_to is None
    mock_sis.clear()
    after = sis_nightly_sync(client=live_client)
    assert after.change_version_from == first.change_version_to + 1


def test_a_student_who_failed_is_retried_by_the_next_nightly_run(mock_sis, live_client):
    youth = youth_for(15)
    mock_sis.fault(kind="error", status=503, count=None, path_prefix=TRANSCRIPTS)
    first = sis_nightly_sync(client=live_client)
    assert (first.status, first.failed) == ("partial", 1)
    mock_sis.clear()
    second = sis_nightly_sync(client=live_client)
    assert (second.fetched, second.changed) == (1, 1)
    assert TranscriptCourse.objects.filter(youth=youth).exists()


def test_only_one_nightly_sync_runs_at_a_time(live_client):
    SyncRun.objects.create(kind=SyncKind.NIGHTLY)
    assert sis_nightly_sync(client=live_client) is None
    assert SyncRun.objects.count() == 1


def test_a_run_abandoned_by_its_worker_is_closed_and_replaced(live_client):
    stale = SyncRun.objects.create(kind=SyncKind.NIGHTLY)
    SyncRun.objects.filter(pk=stale.pk).update(started_at=timezone.now() - dt.timedelta(hours=4))
    run = sis_nightly_sync(client=live_client)
    assert run is not None and run.status == "succeeded"
    stale.refresh_from_db()
    assert stale.status == SyncStatus.FAILED and "Abandoned" in stale.error


def test_a_pull_while_one_is_running_returns_the_running_one(live_client, counselor):
    youth = youth_for(16)
    running = SyncRun.objects.create(kind=SyncKind.STUDENT, youth=youth)
    assert sis_student_sync(youth=youth, user=counselor, client=live_client) == running
    assert sis_status_for(youth).pull_running


def test_a_youth_without_an_id_is_found_by_name_and_birth_date_and_linked(
    live_client, sis_settings, counselor, django_capture_on_commit_callbacks, eager_tasks
):
    index = next(i for i in range(20, 60) if student_identity(LIVE_SEED, i)["birth_date"].day <= 12)
    youth = youth_for(index, linked=False)
    person = student_identity(LIVE_SEED, index)
    # Day and month typed the wrong way round at intake.
    birth = youth.birth_date
    youth.birth_date = dt.date(birth.year, birth.day, birth.month)
    youth.save()

    candidates = sis_find_candidates(youth=youth, user=counselor, client=live_client)
    assert candidates[0].student_unique_id == person["student_unique_id"]
    assert candidates[0].birth_date == person["birth_date"]

    with django_capture_on_commit_callbacks(execute=True):
        link = sis_link_confirm(
            youth=youth, user=counselor, student_unique_id=person["student_unique_id"]
        )
    assert link.method == "confirmed" and link.linked_by == counselor
    link.refresh_from_db()
    assert link.last_refreshed_at is not None  # the pull ran once the link was committed
    assert SyncRun.objects.get(youth=youth).requested_by == counselor


def test_searching_the_sis_needs_consent(live_client, counselor):
    with pytest.raises(SisConsentRequired):
        sis_find_candidates(youth=youth_for(17, consent=False), user=counselor, client=live_client)


def test_the_pull_task_loads_the_rows_and_calls_the_service(sis_settings, counselor):
    youth = youth_for(18)
    run_id = sis_student_pull_task.apply(args=(youth.pk, counselor.pk)).get()
    run = SyncRun.objects.get(pk=run_id)
    assert run.youth == youth and run.status == "succeeded"


def test_the_nightly_sync_is_scheduled():
    entry = celery_app.conf.beat_schedule["sis-nightly-sync"]
    assert entry["task"] in celery_app.tasks


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_pulls_a_youth_from_the_redis_broker(sis_settings, counselor):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: tasks run in-process")
    from celery.contrib.testing.worker import start_worker

    youth = youth_for(19)
    with start_worker(celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        sis_student_pull_task.delay(youth.pk, counselor.pk)
        deadline = time.monotonic() + 20
        while (
            time.monotonic() < deadline
            and not SyncRun.objects.filter(youth=youth, finished_at__isnull=False).exists()
        ):
            time.sleep(0.1)
    run = SyncRun.objects.get(youth=youth)
    assert run.status == "succeeded"
    assert TranscriptCourse.objects.filter(youth=youth).exists()


@pytest.mark.django_db(transaction=True)
def test_recording_a_consent_pulls_the_credits_of_a_youth_with_an_lausd_id(
    sis_settings, counselor, center_a
):
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from tests.youth.factories import CaseFactory

    if settings.REDIS_URL:
        pytest.skip("with a broker the pull waits for a worker; the worker test covers that path")
    youth = youth_for(23, consent=False)
    CaseFactory(youth=youth, center=center_a, counselor=counselor)
    browser = Client()  # this folder's `client` fixture is the mock's
    browser.force_login(counselor)
    response = browser.post(
        reverse("youth:consent_add", args=[youth.pk]),
        {
            "signer_name": "Signer",
            "signer_role": "youth" if youth.age >= 18 else "parent",
            "signed_on": timezone.localdate().isoformat(),
            "covers_school_records": "on",
            "recipients": "LAUSD",
        },
    )
    assert response.status_code == 302
    assert SyncRun.objects.get(youth=youth).status == "succeeded"
    assert TranscriptCourse.objects.filter(youth=youth).exists()


@pytest.mark.django_db
def test_supervisors_see_the_sync_runs_of_their_centers_only(
    supervisor, other_counselor, center_a, center_b
):
    from django.test import Client
    from django.urls import reverse

    from sis_bridge.models import QuarantinedRecord, SyncKind
    from tests.accounts.factories import sign_in_fully
    from tests.youth.factories import CaseFactory

    ours = CaseFactory(center=center_a).youth
    theirs = CaseFactory(center=center_b, counselor=other_counselor).youth
    run = SyncRun.objects.create(kind=SyncKind.STUDENT, youth=ours, status="partial", failed=1)
    QuarantinedRecord.objects.create(
        run=run,
        youth=ours,
        resource="courseTranscripts",
        record_id="abc",
        field="earnedCredits",
        error="must be of type number",
        raw={"earnedCredits": "five"},
    )
    SyncRun.objects.create(kind=SyncKind.STUDENT, youth=theirs, status="succeeded")
    browser = Client()  # this folder's `client` fixture is the mock's
    sign_in_fully(browser, supervisor)  # a supervisor's session passes the second factor
    response = browser.get(reverse("sis_bridge:runs"))
    assert response.status_code == 200
    assert [r.youth for r in response.context["runs"]] == [ours]
    assert b"earnedCredits" in response.content
    assert b"five" not in response.content
    browser.force_login(other_counselor)
    assert browser.get(reverse("sis_bridge:runs")).status_code == 403


@pytest.mark.django_db
def test_linking_refuses_a_district_student_who_is_not_this_youth(sis_settings, counselor):
    from django.core.exceptions import ValidationError

    from sis_bridge.services import sis_link_confirm

    youth = youth_for(31, linked=False)
    stranger = student_identity(LIVE_SEED, 32)["student_unique_id"]
    with pytest.raises(ValidationError):
        sis_link_confirm(youth=youth, user=counselor, student_unique_id=stranger)
    with pytest.raises(ValidationError):
        sis_link_confirm(youth=youth, user=counselor, student_unique_id="")
    assert not SisLink.objects.filter(youth=youth).exists()


@pytest.mark.django_db
def test_a_mistyped_lausd_id_does_not_pull_a_strangers_records(sis_settings, counselor):
    youth = youth_for(33)
    youth.lausd_id = student_identity(LIVE_SEED, 34)["student_unique_id"]
    youth.save()
    run = sis_student_sync(youth=youth, user=counselor)
    assert run.failed == 1
    assert not TranscriptCourse.objects.filter(youth=youth).exists()
    assert "born on another day" in SisLink.objects.get(youth=youth).last_error


@pytest.mark.django_db
def test_staff_who_are_not_lausd_employees_see_no_credits(supervisor, center_a):
    from django.test import Client
    from django.urls import reverse

    from tests.accounts.factories import sign_in_fully
    from tests.youth.factories import CaseFactory

    youth = youth_for(35)
    CaseFactory(youth=youth, center=center_a)
    browser = Client()  # this folder's `client` fixture is the mock's
    sign_in_fully(browser, supervisor)  # a supervisor's session passes the second factor
    response = browser.get(reverse("youth:detail", args=[youth.pk]))
    assert response.context["records_allowed"] is False
    assert b"Only LAUSD staff" in response.content
    assert browser.post(reverse("sis_bridge:refresh", args=[youth.pk])).status_code == 403


# --- the nightly bulk path: pages across the SIS, blocks of students, the change scan reused -----

SNAPSHOT_MODELS = (AcademicTerm, TranscriptCourse, Enrollment)


def many_youth(indices) -> list:
    """youth_for() each index, their consents recorded by one user (users are slow to make)."""
    youths = [youth_for(indices[0])]
    recorder = youths[0].consents.get().recorded_by
    for index in indices[1:]:
        youths.append(youth_for(index, consent=False))
        ConsentFactory(youth=youths[-1], recorded_by=recorder)
    return youths


def rows_by_youth(youths) -> dict:
    """Every snapshot row of these youth, without primary keys, in a stable order."""
    rows = {}
    for model in SNAPSHOT_MODELS:
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        for row in model.objects.filter(youth__in=youths).values_list(*fields):
            rows.setdefault((model.__name__, row[fields.index("youth_id")]), []).append(row)
    return {key: sorted(value, key=repr) for key, value in rows.items()}


def recording_urls(sis_client) -> list:
    urls = []
    sis_client.http.event_hooks["request"].append(lambda request: urls.append(request.url))
    return urls


@pytest.fixture
def paging(settings):
    settings.SIS_FULL_SYNC_PAGING = True


def test_by_default_the_nightly_sync_asks_only_for_linked_consented_students(mock_sis, live_client):
    many_youth(range(12))
    urls = recording_urls(live_client)
    run = sis_nightly_sync(client=live_client)
    assert (run.status, run.changed) == ("succeeded", 12)
    catalogue = ("/courses", "/schools")  # no student data in these
    data = [
        url
        for url in urls
        if "/data/v3/ed-fi/" in str(url) and not any(part in str(url) for part in catalogue)
    ]
    per_student = [url for url in data if "studentUniqueId" in url.params]
    # Only change queries (which name no student) and per-student requests.
    assert len(per_student) == 12 * 4
    others = [u for u in data if "minChangeVersion" not in u.params and u not in per_student]
    assert not others, others


def test_a_full_nightly_sync_pages_through_the_sis_like_per_student_pulls(
    paging, mock_sis, live_client
):
    youths = many_youth(range(120))
    urls = recording_urls(live_client)

    run = sis_nightly_sync(client=live_client)

    assert (run.status, run.fetched, run.changed, run.failed) == ("succeeded", 120, 120, 0)
    assert live_client.requests == len(urls)
    assert len(urls) < 120 / 2, len(urls)  # per student it took 4 each
    assert not any("studentUniqueId" in url.params for url in urls)
    paged = rows_by_youth(youths)
    assert {youth_id for (_model, youth_id) in paged} == {y.pk for y in youths}
    entries = AccessLogEntry.objects.filter(action=Action.SIS_PULLED)
    assert entries.count() == 120 and entries.values("youth").distinct().count() == 120
    detail = entries.filter(youth=youths[0]).get().detail
    assert detail["sync_run"] == run.pk
    assert set(detail["records"]) == {
        "students",
        "studentSchoolAssociations",
        "studentAcademicRecords",
        "courseTranscripts",
    }
    hashes = dict(SisLink.objects.values_list("youth_id", "snapshot_hash"))

    SisLink.objects.update(snapshot_hash="")
    for youth in youths:
        alone = sis_student_sync(youth=youth, user=None, client=live_client)
        assert alone.changed == 1
    assert rows_by_youth(youths) == paged
    assert dict(SisLink.objects.values_list("youth_id", "snapshot_hash")) == hashes


def test_a_malformed_record_in_a_page_fails_only_that_student(paging, mock_sis, live_client):
    youths = many_youth(range(120))
    sis_nightly_sync(client=live_client)
    good = rows_by_youth(youths)
    SyncRun.objects.update(change_version_to=None)  # the next run is a full one again

    # The first record of the first transcript page is corrupted.
    mock_sis.fault(kind="malformed", every=1000, path_prefix=TRANSCRIPTS)
    run = sis_nightly_sync(client=live_client)

    assert (run.status, run.fetched, run.failed, run.unchanged) == ("partial", 120, 1, 119)
    bad = QuarantinedRecord.objects.get(run=run)
    assert (bad.resource, bad.field) == ("courseTranscripts", "earnedCredits")
    assert bad.youth in youths
    link = SisLink.objects.get(youth=bad.youth)
    assert "earnedCredits" in link.last_error
    assert rows_by_youth(youths) == good  # the last good snapshot stays
    assert SisLink.objects.exclude(last_error="").count() == 1

    mock_sis.clear()
    again = sis_nightly_sync(client=live_client)
    assert (again.status, again.fetched, again.unchanged) == ("succeeded", 1, 1)
    assert SisLink.objects.get(youth=bad.youth).last_error == ""


def test_a_page_that_keeps_failing_fails_the_students_and_loses_nothing(
    paging, mock_sis, live_client
):
    youths = many_youth(range(120))
    sis_nightly_sync(client=live_client)
    good = rows_by_youth(youths)
    SyncRun.objects.update(change_version_to=None)

    mock_sis.fault(kind="error", status=503, count=None, path_prefix=TRANSCRIPTS)
    run = sis_nightly_sync(client=live_client)

    assert (run.status, run.fetched, run.failed) == ("partial", 120, 120)
    assert rows_by_youth(youths) == good
    assert SisLink.objects.filter(last_error__contains="HTTP 503").count() == 120
    mock_sis.clear()
    again = sis_nightly_sync(client=live_client)
    assert (again.status, again.fetched, again.unchanged) == ("succeeded", 120, 120)


def test_a_nightly_run_builds_changed_students_from_the_change_scan(mock_sis, live_client):
    youths = [youth_for(i) for i in (40, 41)]
    sis_nightly_sync(client=live_client)
    mock_sis.bump(youths[0].lausd_id)
    urls = recording_urls(live_client)

    run = sis_nightly_sync(client=live_client)

    assert (run.status, run.fetched, run.unchanged) == ("succeeded", 1, 1)
    assert not any("studentUniqueId" in url.params for url in urls)
    assert AccessLogEntry.objects.filter(youth=youths[0], action=Action.SIS_PULLED).count() == 2


def test_change_scan_records_are_used_only_when_they_hold_the_whole_snapshot(live_client):
    from sis_bridge.services.blocks import STUDENT_RESOURCES, ChangeScan, reusable

    youth = youth_for(42)
    sis_nightly_sync(client=live_client)
    link = SisLink.objects.get(youth=youth)
    group = {
        resource: live_client.fetch_all(resource, studentUniqueId=youth.lausd_id).records
        for resource in STUDENT_RESOURCES
    }
    whole = ChangeScan(changed={youth.lausd_id}, groups={youth.lausd_id: group})
    assert set(reusable(whole, [link])) == {link.pk}

    # One unchanged transcript is not in the window: the student must be fetched.
    short = dict(group, courseTranscripts=group["courseTranscripts"][1:])
    assert (
        reusable(ChangeScan(changed={youth.lausd_id}, groups={youth.lausd_id: short}), [link]) == {}
    )
    # Named in /deletes or /keyChanges, or last pulled with an error: fetched too.
    keyed = ChangeScan(
        changed={youth.lausd_id}, tracked={youth.lausd_id}, groups={youth.lausd_id: group}
    )
    assert reusable(keyed, [link]) == {}
    link.last_error = "HTTP 503"
    assert reusable(whole, [link]) == {}


@pytest.mark.parametrize(
    ("stored", "english", "spanish", "detail"),
    [
        (
            "SisUnavailable: HTTP 503 after 4 attempts",
            "the district system did not answer",
            "el sistema del distrito no respondió",
            True,
        ),
        (
            "SisAuthError: The token endpoint answered HTTP 401.",
            "the district system refused our sign-in",
            "el sistema del distrito rechazó nuestro inicio de sesión",
            True,
        ),
        (
            "The district student with this LAUSD ID was born on another day: check the ID.",
            "The district student with this LAUSD ID was born on another day: check the ID.",
            "The district student with this LAUSD ID was born on another day: check the ID.",
            False,
        ),
    ],
)
def test_a_failed_pull_is_explained_in_the_readers_language_with_the_detail_kept(
    stored, english, spanish, detail
):
    from django.utils import translation

    from sis_bridge.selectors import SisStatus

    status = SisStatus(
        linked=True,
        last_refreshed_at=None,
        last_attempt_at=None,
        last_error=stored,
        pull_running=False,
        last_run=None,
        link=None,
    )
    with translation.override("en"):
        assert status.failure_reason == english
    with translation.override("es"):
        assert status.failure_reason == spanish
    assert status.failure_detail == (stored if detail else "")
