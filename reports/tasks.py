from celery import shared_task

from .extracts import export_expire, export_run


# A 100,000-row XLSX takes minutes, past the default limit. acks_late: export_run claims the
# job with a conditional UPDATE, so a redelivered task does nothing.
@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=29 * 60)
def export_run_task(job_id: int) -> None:
    export_run(job_id)


@shared_task
def export_expire_task() -> int:
    """Hourly: remove export files past their expiry."""
    return export_expire()
