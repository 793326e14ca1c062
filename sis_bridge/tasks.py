from celery import shared_task
from django.contrib.auth import get_user_model

from youth.models import Youth

from .services import sis_nightly_sync, sis_student_sync


@shared_task
def sis_student_pull_task(youth_id: int, user_id: int | None) -> int:
    """Pull one youth now; returns the SyncRun id. Idempotent: a running pull is reused."""
    youth = Youth.objects.get(pk=youth_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return sis_student_sync(youth=youth, user=user).pk


# Long enough for 100,000 students at the benchmark rate, with room for retries.
@shared_task(time_limit=3 * 60 * 60, soft_time_limit=3 * 60 * 60 - 60)
def sis_nightly_sync_task() -> int | None:
    """The incremental sync of every linked youth; None when another run is going."""
    run = sis_nightly_sync()
    return run.pk if run else None
