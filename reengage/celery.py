import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reengage.settings")

app = Celery("reengage")
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
