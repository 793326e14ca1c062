from celery import shared_task
from django.core import management


@shared_task
def clear_expired_sessions() -> None:
    """Nightly: remove sessions past their expiry, so idle sign-ins leave nothing behind."""
    management.call_command("clearsessions")
