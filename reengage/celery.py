import logging
import os

import celery
from celery.schedules import crontab
from kombu.exceptions import OperationalError as BrokerError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reengage.settings")

logger = logging.getLogger(__name__)


class Task(celery.Task):
    """Every task of the app. Queued from a page, a task the broker refuses (Redis down) is
    reported to the page (reengage/faults.py), which tells the user, instead of failing a
    request whose change is already committed."""

    def apply_async(self, *args, **kwargs):
        try:
            return super().apply_async(*args, **kwargs)
        except BrokerError as error:
            from . import faults

            if not faults.record_not_queued(self.name):
                raise
            logger.warning("The broker did not take %s: %s", self.name, error)
            return None


app = celery.Celery("reengage", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic tasks live here, in code, and run under `celery beat` (no django-celery-beat).
app.conf.beat_schedule = {
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
    "sis-nightly-sync": {
        "task": "sis_bridge.tasks.sis_nightly_sync_task",
        "schedule": crontab(hour=2, minute=0),
    },
    "expire-export-files": {
        "task": "reports.tasks.export_expire_task",
        "schedule": crontab(minute=5),
    },
}
