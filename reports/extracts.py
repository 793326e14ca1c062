"""Participant-level extracts: who may ask for one, the participants it holds, and the job that
writes the file row by row, logs the disclosure and later removes the file."""

import datetime
import logging
import secrets
from collections.abc import Collection, Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessLogEntry, Action
from centers.access import staff_access
from centers.models import Center
from youth.models import Assessment

from . import pirl
from .figures import _enrollments
from .models import ExportFormat, ExportJob, ExportStatus
from .writers import csv_lines, write_xlsx

logger = logging.getLogger(__name__)

EXPORT_PERMISSION = "reports.export_participants"
CHUNK_SIZE = 2000  # rows fetched per round trip of the server-side cursor
PROGRESS_EVERY = 1000  # rows between progress updates
LOG_BATCH = 2000  # access-log rows per insert
DEFAULT_RETENTION = datetime.timedelta(hours=24)
# A job still "running" after this long lost its worker (the task's time limit is shorter).
STALE_RUNNING_AFTER = datetime.timedelta(hours=2)


def exports_dir() -> Path:
    return Path(getattr(settings, "EXPORTS_DIR", settings.BASE_DIR / "exports"))


def export_retention() -> datetime.timedelta:
    return getattr(settings, "EXPORT_RETENTION", DEFAULT_RETENTION)


def export_path(job: ExportJob) -> Path:
    return exports_dir() / job.file_path


def exportable_center_ids(user) -> frozenset[int]:
    """The centers whose participants the user may export: every center for a CDD analyst,
    the centers they supervise for a supervisor, none for anyone else. Both need the export
    permission."""
    if not user.has_perm(EXPORT_PERMISSION):
        return frozenset()
    access = staff_access(user)
    if access.is_analyst:
        return frozenset(Center.objects.values_list("pk", flat=True))
    if access.is_supervisor:
        return access.supervised_center_ids
    return frozenset()


def may_export(user) -> bool:
    return bool(exportable_center_ids(user))


def export_request(
    *,
    request,
    fmt: str,
    start: datetime.date,
    end: datetime.date,
    center_ids: Collection[int],
) -> ExportJob:
    """Queue an extract of the participants of the centers (all the user may export when none
    are given). Raises PermissionDenied for a user without the export permission and role, or
    for a center outside their scope."""
    allowed = exportable_center_ids(request.user)
    chosen = frozenset(center_ids) or allowed
    if not allowed or not chosen <= allowed:
        raise PermissionDenied
    job = ExportJob.objects.create(
        requested_by=request.user,
        format=ExportFormat(fmt),
        period_start=start,
        period_end=end,
        center_ids=sorted(chosen),
    )
    from .tasks import export_run_task  # the task module imports this one

    transaction.on_commit(lambda: export_run_task.delay(job.pk))
    return job


def export_not_queued(job: ExportJob) -> None:
    """The broker refused the job's task, so no worker will ever claim it: fail it now, with
    the reason the requester sees (reengage/faults.py tells them too)."""
    ExportJob.objects.filter(pk=job.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.FAILED,
        error=_("The task queue was not answering; ask for the extract again."),
        finished_at=timezone.now(),
    )


def participants(start: datetime.date, end: datetime.date, center_ids: Collection[int]) -> QuerySet:
    """One row per youth with a WIOA enrollment dated in the period at the centers (the
    enrolled_in_wioa figure's referrals), from their earliest such enrollment, as named tuples
    of pirl.PARTICIPANT_COLUMNS. One query, however many rows."""
    entry_assessment = Assessment.objects.filter(
        youth_id=OuterRef("youth_id"),
        assessed_on__lte=OuterRef("enrolled_on"),
        basic_skills_deficient__isnull=False,
    ).order_by("-assessed_on", "-pk")
    return (
        _enrollments(start, end, center_ids, None)
        .enrolled_in_wioa()
        .annotate(
            birth_date=F("youth__birth_date"),
            sex=F("youth__sex"),
            hispanic_latino=F("youth__hispanic_latino"),
            races=F("youth__races"),
            school_status=F("youth__school_status"),
            highest_grade_completed=F("youth__highest_grade_completed"),
            barriers=F("youth__barriers"),
            entry_skills_deficient=Subquery(entry_assessment.values("basic_skills_deficient")[:1]),
        )
        .order_by("youth_id", "enrolled_on", "pk")
        .distinct("youth_id")
        .values_list(*pirl.PARTICIPANT_COLUMNS, named=True)
    )


def read_me_lines(job: ExportJob) -> list[str]:
    """The notice every extract carries: what it holds, that it may not be passed on, and which
    PIRL codes are not yet verified."""
    numbers = ", ".join(str(number) for number in pirl.UNCONFIRMED_NUMBERS)
    return [
        _(
            "CONFIDENTIAL: this file contains FERPA-protected education records of youth "
            "(34 CFR 99; California Education Code 49064). Do not re-disclose; delete it when "
            "done."
        ),
        _("Participants enrolled in WIOA youth services from %(start)s to %(end)s.")
        % {"start": job.period_start.isoformat(), "end": job.period_end.isoformat()},
        _("Unconfirmed PIRL codes (verify before submission): %(numbers)s.") % {"numbers": numbers},
    ]


class _Progress:
    """Counts written rows; every so often saves the count and logs the disclosure of the
    youth written since, so neither memory nor a failure's loss grows with the export."""

    def __init__(self, job: ExportJob):
        self.job = job
        self.done = 0
        self.pending_youth_ids: list[int] = []

    def add(self, youth_id: int) -> None:
        self.done += 1
        self.pending_youth_ids.append(youth_id)
        if len(self.pending_youth_ids) >= LOG_BATCH:
            self.flush_log()
        if self.done % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=self.job.pk).update(rows_done=self.done)

    def flush_log(self) -> None:
        AccessLogEntry.objects.bulk_create(
            AccessLogEntry(
                user_id=self.job.requested_by_id,
                youth_id=youth_id,
                action=Action.EXPORTED,
                detail={"export": self.job.pk},
            )
            for youth_id in self.pending_youth_ids
        )
        self.pending_youth_ids = []


def _rows(job: ExportJob, progress: _Progress) -> Iterator[list]:
    rows = participants(job.period_start, job.period_end, job.center_ids)
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        yield pirl.participant_row(row)
        progress.add(row.youth_id)
    progress.flush_log()


def _write(job: ExportJob, path: Path, progress: _Progress) -> None:
    notice = read_me_lines(job)
    if job.format == ExportFormat.CSV:
        with path.open("w", encoding="utf-8", newline="") as stream:
            # The notice closes the file, so the first line stays the header a loader expects.
            marker = [[" ".join(notice)]]
            for line in csv_lines(pirl.HEADER, _chain(_rows(job, progress), marker)):
                stream.write(line)
        return
    read_me = [[line] for line in notice[1:]] + [[]]
    read_me.append([_("PIRL element"), _("Name"), _("Codes"), _("How the value is derived")])
    read_me += [
        [element.number, element.name, element.status, str(element.derivation)]
        for element in pirl.ELEMENTS
    ]
    with path.open("wb") as stream:
        # READ ME first, so the notice is what the workbook opens on.
        write_xlsx(
            stream,
            sheets=[
                (_("READ ME"), [notice[0]], read_me),
                (_("Participants"), pirl.HEADER, _rows(job, progress)),
            ],
        )


def _chain(*iterables):
    for iterable in iterables:
        yield from iterable


def export_run(job_id: int) -> ExportJob | None:
    """Write the job's file. Claims the job first, so a repeated task does nothing (None).
    A failure marks the job failed with its error and removes the partial file; the access-log
    rows already written stay (the records were read for disclosure)."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING
    )
    if claimed != 1:
        return None
    job = ExportJob.objects.get(pk=job_id)
    job.rows_total = participants(job.period_start, job.period_end, job.center_ids).count()
    job.save(update_fields=["rows_total"])
    directory = exports_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"export-{job.pk}-{secrets.token_hex(8)}.{job.format}"
    partial = directory / f"{name}.part"
    progress = _Progress(job)
    try:
        _write(job, partial, progress)
        partial.rename(directory / name)
    except Exception as error:
        logger.exception("Participant export %s failed", job.pk)
        partial.unlink(missing_ok=True)
        job.status = ExportStatus.FAILED
        job.error = str(error)[:500] or error.__class__.__name__
        job.rows_done = progress.done
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "rows_done", "finished_at"])
        return job
    job.status = ExportStatus.DONE
    job.file_path = name
    job.rows_done = progress.done
    job.finished_at = timezone.now()
    job.expires_at = job.finished_at + export_retention()
    job.save(update_fields=["status", "file_path", "rows_done", "finished_at", "expires_at"])
    return job


def export_expire(*, now: datetime.datetime | None = None) -> int:
    """Remove the files of finished jobs past their expiry and mark the jobs expired; fail jobs
    whose worker was lost. Returns the number of files removed. Access-log rows stay."""
    now = now or timezone.now()
    removed = 0
    expired = ExportJob.objects.filter(status=ExportStatus.DONE, expires_at__lte=now)
    for job in expired.only("pk", "file_path"):
        export_path(job).unlink(missing_ok=True)
        removed += ExportJob.objects.filter(pk=job.pk, status=ExportStatus.DONE).update(
            status=ExportStatus.EXPIRED
        )
    ExportJob.objects.filter(
        status=ExportStatus.RUNNING, created_at__lt=now - STALE_RUNNING_AFTER
    ).update(status=ExportStatus.FAILED, error=_("The worker stopped before the file was done."))
    return removed
