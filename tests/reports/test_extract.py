"""The participant-level extract: who may ask, what the file holds, the disclosure log, expiry."""

import csv
import datetime
import io
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AccessLogEntry, Action
from centers.models import Center, Role
from reengage.celery import app as celery_app
from reports import extracts, pirl
from reports.extracts import export_expire, export_path, export_request, export_run, participants
from reports.figures import enrolled_in_wioa
from reports.models import ExportJob, ExportStatus
from reports.writers import BOM
from tests.centers.factories import staff
from tests.referrals.factories import ProgramFactory, ReferralFactory, request_for
from tests.youth.factories import CaseFactory, YouthFactory
from youth.models import Assessment

START, END = datetime.date(2025, 7, 1), datetime.date(2026, 6, 30)
ENTRY = datetime.date(2025, 9, 15)
FORM = {"start": "2025-07-01", "end": "2026-06-30", "fmt": "csv"}


@pytest.fixture(autouse=True)
def exports_dir(settings, tmp_path):
    settings.EXPORTS_DIR = tmp_path / "exports"
    return settings.EXPORTS_DIR


@pytest.fixture
def eager_tasks():
    # With REDIS_URL set the app sends tasks to the broker; these tests want them in-process.
    was = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = was


def grant_export(user):
    user.user_permissions.add(Permission.objects.get(codename="export_participants"))
    return user


@pytest.fixture
def exporting_analyst(analyst):
    return grant_export(analyst)


@pytest.fixture
def exporting_supervisor(supervisor):
    return grant_export(supervisor)


@pytest.fixture
def wioa_program(db):
    return ProgramFactory(kind="wioa")


def participant(center, program, *, enrolled_on=ENTRY, status="enrolled", **youth):
    case = CaseFactory(center=center, youth=YouthFactory(**youth))
    return ReferralFactory(case=case, program=program, status=status, enrolled_on=enrolled_on)


def run(job):
    export_run(job.pk)
    job.refresh_from_db()
    return job


def queue(user, *, fmt="csv", center_ids=()):
    return export_request(
        request=request_for(user), fmt=fmt, start=START, end=END, center_ids=center_ids
    )


def csv_rows(job):
    text = export_path(job).read_text(encoding="utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def column(number):
    return [element.number for element in pirl.ELEMENTS].index(number)


# --- who may export ------------------------------------------------------------------------


def test_an_analyst_without_the_permission_gets_403(client_for, analyst):
    assert client_for(analyst).get(reverse("reports:extract")).status_code == 403


def test_a_counselor_gets_403_even_with_the_permission(client_for, counselor):
    grant_export(counselor)
    assert client_for(counselor).get(reverse("reports:extract")).status_code == 403
    with pytest.raises(PermissionDenied):
        queue(counselor)
    assert not ExportJob.objects.exists()


def test_an_analyst_with_the_permission_exports_every_center(
    client_for,
    exporting_analyst,
    wioa_program,
    center_a,
    center_b,
    eager_tasks,
    django_capture_on_commit_callbacks,
):
    youth_a = participant(center_a, wioa_program).youth
    youth_b = participant(center_b, wioa_program).youth
    client = client_for(exporting_analyst)
    assert client.get(reverse("reports:extract")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:extract"), FORM)

    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.DONE
    assert set(job.center_ids) == set(Center.objects.values_list("pk", flat=True))
    ids = {row[0] for row in csv_rows(job)[1:-1]}
    assert ids == {pirl.unique_identifier(youth_a.pk), pirl.unique_identifier(youth_b.pk)}
    page = client.get(reverse("reports:extract")).content.decode()
    assert reverse("reports:extract_file", args=[job.pk]) in page


def test_a_supervisor_exports_only_the_centers_they_supervise(
    client_for,
    exporting_supervisor,
    wioa_program,
    center_a,
    center_b,
    eager_tasks,
    django_capture_on_commit_callbacks,
):
    youth_a = participant(center_a, wioa_program).youth
    participant(center_b, wioa_program)
    client = client_for(exporting_supervisor)

    refused = client.post(reverse("reports:extract"), {**FORM, "centers": [center_b.pk]})
    assert refused.status_code == 200  # center B is not among the choices
    assert not ExportJob.objects.exists()
    with pytest.raises(PermissionDenied):
        queue(exporting_supervisor, center_ids=[center_b.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:extract"), FORM)
    job = ExportJob.objects.get()
    assert set(job.center_ids) == set(
        Center.objects.filter(code__in=["EAST", "BOYLE"]).values_list("pk", flat=True)
    )
    assert [row[0] for row in csv_rows(job)[1:-1]] == [pirl.unique_identifier(youth_a.pk)]


def test_a_supervisor_without_the_permission_gets_403(client_for, supervisor):
    assert client_for(supervisor).get(reverse("reports:extract")).status_code == 403


# --- what the file holds -------------------------------------------------------------------


def test_the_csv_holds_one_coded_row_per_participant_under_a_pirl_header(
    exporting_analyst, wioa_program, center_a, counselor
):
    first = participant(
        center_a,
        wioa_program,
        legal_last_name="Quintero-Ávila",
        birth_date=datetime.date(2008, 3, 9),
        sex="male",
        hispanic_latino="yes",
        races=["black"],
        school_status="not_attending",
        highest_grade_completed=10,
        barriers=["foster_care", "low_income", "basic_skills_deficient"],
    )
    youth = first.youth
    # A later WIOA enrollment in the period, since completed: the row is the earliest one's.
    ReferralFactory(
        case=first.case,
        program=ProgramFactory(kind="wioa"),
        status="completed",
        enrolled_on=ENTRY + datetime.timedelta(days=30),
    )
    # The assessment before entry found no deficiency, whatever the barriers list says.
    Assessment.objects.create(
        youth=youth,
        case=first.case,
        counselor=counselor,
        assessed_on=ENTRY - datetime.timedelta(days=5),
        goals="-",
        pathway="wioa",
        pathway_reasoning="-",
        basic_skills_deficient=False,
    )
    exited_on = timezone.make_aware(datetime.datetime(2026, 1, 20, 22, 30))  # LA time
    leaver = participant(center_a, wioa_program, status="exited", school_status="graduate")
    leaver.status_changed_at = exited_on
    leaver.save(update_fields=["status_changed_at"])
    # Not participants: a school enrollment, and a WIOA enrollment before the period.
    participant(center_a, ProgramFactory(kind="school"))
    participant(center_a, wioa_program, enrolled_on=START - datetime.timedelta(days=1))

    job = run(queue(exporting_analyst))

    rows = csv_rows(job)
    assert rows[0] == list(pirl.HEADER)
    assert rows[0][:3] == [
        "100 Unique Individual Identifier (WIOA)",
        "200 Date of Birth",
        "201 Sex (WIOA)",
    ]
    body = rows[1:-1]
    assert job.rows_total == job.rows_done == len(body) == 2
    assert len(body) == enrolled_in_wioa(START, END, [center_a.pk]).count()
    by_id = {row[0]: row for row in body}
    row = by_id[pirl.unique_identifier(youth.pk)]
    assert len(row[0]) == 12
    values = {number: row[column(number)] for number in (200, 201, 210, 211, 213, 407, 408, 409)}
    assert values == {
        200: "20080309",
        201: "1",
        210: "1",
        211: "0",
        213: "1",
        407: "10",
        408: "0",
        409: "6",  # not attending, 17 on the entry date
    }
    assert [row[column(n)] for n in (704, 802, 803, 804, 900, 901, 905)] == [
        "1", "1", "0", "0", "20250915", "", "1",
    ]  # fmt: skip
    exited = by_id[pirl.unique_identifier(leaver.youth_id)]
    assert [exited[column(n)] for n in (408, 409, 901, 923)] == ["1", "5", "20260120", ""]
    assert exited[column(211)] == ""  # named no race
    assert rows[-1][0].startswith("CONFIDENTIAL")
    assert "201" in rows[-1][0] and "FERPA" in rows[-1][0]
    text = export_path(job).read_text(encoding="utf-8")
    assert "Quintero" not in text and youth.legal_first_name not in text


def test_the_xlsx_has_a_read_me_sheet_and_the_participants(
    exporting_analyst, wioa_program, center_a
):
    referral = participant(center_a, wioa_program, birth_date=datetime.date(2007, 12, 1))

    job = run(queue(exporting_analyst, fmt="xlsx"))

    workbook = load_workbook(export_path(job), read_only=True)
    assert workbook.sheetnames == ["READ ME", "Participants"]
    notice = [row[0] for row in workbook["READ ME"].iter_rows(values_only=True) if row]
    assert "FERPA" in notice[0]
    assert any(str(line).startswith("Unconfirmed PIRL codes") for line in notice)
    rows = list(workbook["Participants"].iter_rows(values_only=True))
    assert rows[0] == pirl.HEADER
    assert rows[1][0] == pirl.unique_identifier(referral.youth_id)
    assert rows[1][column(200)] == "20071201"
    assert rows[1][column(905)] == 1
    assert len(rows) == 2


def test_a_cell_that_would_run_as_a_formula_is_neutralised(
    exporting_analyst, wioa_program, center_a, monkeypatch
):
    # No exported element carries free text; should one ever do, the writer still guards it.
    participant(center_a, wioa_program)
    monkeypatch.setattr(pirl, "participant_row", lambda row: ['=HYPERLINK("http://x")', 1])

    job = run(queue(exporting_analyst))

    assert csv_rows(job)[1] == ['\'=HYPERLINK("http://x")', "1"]


def test_every_value_is_a_code_a_date_or_our_id(wioa_program, center_a):
    participant(center_a, wioa_program, barriers=["disability"], races=["asian", "white"])
    for row in participants(START, END, [center_a.pk]):
        values = pirl.participant_row(row)
        assert values[0].startswith("RE")
        assert all(value is None or str(value).isdigit() for value in values[1:])


# --- disclosure log, progress, expiry --------------------------------------------------------


def test_each_exported_youth_gets_one_exported_entry_in_the_access_log(
    exporting_analyst, wioa_program, center_a, center_b, monkeypatch
):
    monkeypatch.setattr(extracts, "LOG_BATCH", 2)  # several inserts, none lost at the end
    referrals = [participant(center, wioa_program) for center in (center_a, center_a, center_b)]
    ReferralFactory(case=referrals[0].case, program=wioa_program, status="completed")
    participant(center_a, ProgramFactory(kind="school"))

    job = run(queue(exporting_analyst))

    entries = AccessLogEntry.objects.filter(action=Action.EXPORTED)
    assert sorted(entries.values_list("youth_id", flat=True)) == sorted(
        referral.youth_id for referral in referrals
    )
    assert {(entry.user_id, entry.detail["export"]) for entry in entries} == {
        (exporting_analyst.pk, job.pk)
    }


def test_progress_is_saved_while_the_rows_are_written(
    exporting_analyst, wioa_program, center_a, monkeypatch
):
    for _ in range(3):
        participant(center_a, wioa_program)
    monkeypatch.setattr(extracts, "PROGRESS_EVERY", 1)
    seen = []
    real_row = pirl.participant_row

    def watching(row):
        seen.append(ExportJob.objects.values_list("status", "rows_done", "rows_total").get())
        return real_row(row)

    monkeypatch.setattr(pirl, "participant_row", watching)

    job = run(queue(exporting_analyst))

    assert seen == [("running", 0, 3), ("running", 1, 3), ("running", 2, 3)]
    assert (job.status, job.rows_done, job.percent_done) == ("done", 3, 100)
    assert job.expires_at == job.finished_at + datetime.timedelta(hours=24)


def test_a_job_runs_once_however_often_its_task_is_delivered(exporting_analyst, center_a):
    job = run(queue(exporting_analyst))
    assert export_run(job.pk) is None
    assert ExportJob.objects.get().status == ExportStatus.DONE


def test_a_failed_export_leaves_no_file_and_says_why(
    exporting_analyst, wioa_program, center_a, monkeypatch, exports_dir
):
    participant(center_a, wioa_program)

    def broken(row):
        raise ValueError("broken row")

    monkeypatch.setattr(pirl, "participant_row", broken)
    job = run(queue(exporting_analyst))

    assert (job.status, job.error, job.file_path) == ("failed", "broken row", "")
    assert list(exports_dir.iterdir()) == []


def test_an_expired_export_is_removed_and_answers_410(
    client_for, exporting_analyst, wioa_program, center_a, settings
):
    settings.EXPORT_RETENTION = datetime.timedelta(hours=2)
    participant(center_a, wioa_program)
    job = run(queue(exporting_analyst))
    assert job.expires_at - job.finished_at == datetime.timedelta(hours=2)
    client = client_for(exporting_analyst)
    url = reverse("reports:extract_file", args=[job.pk])
    assert client.get(url).status_code == 200

    later = job.expires_at + datetime.timedelta(seconds=1)
    assert export_expire(now=later - datetime.timedelta(minutes=1)) == 0
    assert export_expire(now=later) == 1

    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED
    assert not export_path(job).exists()
    assert client.get(url).status_code == 410
    assert AccessLogEntry.objects.filter(action=Action.EXPORTED).count() == 1


def test_a_file_past_its_expiry_is_refused_before_the_cleanup_runs(
    client_for, exporting_analyst, center_a
):
    job = run(queue(exporting_analyst))
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    url = reverse("reports:extract_file", args=[job.pk])
    assert client_for(exporting_analyst).get(url).status_code == 410


# --- the pages -----------------------------------------------------------------------------


def test_the_file_goes_only_to_its_requester_under_a_confidential_name(
    client_for, exporting_analyst, wioa_program, center_a
):
    participant(center_a, wioa_program)
    job = run(queue(exporting_analyst))
    url = reverse("reports:extract_file", args=[job.pk])

    response = client_for(exporting_analyst).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="CONFIDENTIAL-FERPA-reengage-participants-2025-26.csv"'
    )
    assert b"".join(response.streaming_content).startswith(BOM.encode())

    colleague = grant_export(staff("cara.analyst", Role.ANALYST))
    assert client_for(colleague).get(url).status_code == 404
    status_url = reverse("reports:extract_status", args=[job.pk])
    assert client_for(colleague).get(status_url).status_code == 404


def test_the_status_partial_polls_until_the_file_is_ready(client_for, exporting_analyst, center_a):
    job = queue(exporting_analyst)  # on_commit never fires inside the test's transaction
    client = client_for(exporting_analyst)
    url = reverse("reports:extract_status", args=[job.pk])

    waiting = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in waiting
    assert reverse("reports:extract_file", args=[job.pk]) not in waiting

    run(job)
    ready = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in ready
    assert reverse("reports:extract_file", args=[job.pk]) in ready


def test_the_participant_rows_come_in_one_query_whatever_their_number(
    exporting_analyst, wioa_program, center_a, django_assert_num_queries
):
    for _ in range(4):
        participant(center_a, wioa_program)
    with django_assert_num_queries(1):  # the referrals with youth columns and the assessment
        assert len(list(participants(START, END, [center_a.pk]).iterator(chunk_size=2))) == 4


def test_an_export_issues_as_many_queries_for_four_participants_as_for_one(
    exporting_analyst, wioa_program, center_a
):
    def queries_for_a_run():
        job = queue(exporting_analyst)
        with CaptureQueriesContext(connection) as queries:
            export_run(job.pk)
        return len(queries)

    participant(center_a, wioa_program)
    one = queries_for_a_run()
    for _ in range(3):
        participant(center_a, wioa_program)
    # claim, load, count, save total, read rows, log insert, mark done
    assert queries_for_a_run() == one == 7


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_writes_the_export_from_the_redis_broker(exporting_analyst, center_a):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: tasks run in-process")
    from celery.contrib.testing.worker import start_worker

    participant(center_a, ProgramFactory(kind="wioa"))
    with start_worker(celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        job = queue(exporting_analyst)  # autocommit: the task is sent at once
        deadline = time.monotonic() + 20
        while not ExportJob.objects.get(pk=job.pk).is_finished and time.monotonic() < deadline:
            time.sleep(0.1)
    job.refresh_from_db()
    assert (job.status, job.rows_done) == (ExportStatus.DONE, 1)
    assert export_path(job).exists()
