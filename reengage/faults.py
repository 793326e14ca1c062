"""What a page says when something it depends on fails mid-request, instead of a stack trace.

- The database stops answering (restarted, failed over): a 503 page, rendered without the
  database, that says whether the change was saved and keeps what was typed in a form that
  sends it again. Django drops the broken connection at the end of the request and, with
  CONN_HEALTH_CHECKS, checks the next one before using it.
- The task broker (Redis) stops answering: tasks are queued after the change is committed, so
  the change is saved; the task is not queued (reengage.celery.Task reports it here) and the
  page says so, and what happens instead.
"""

import contextvars
import logging

from django.contrib import messages
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.http.request import RawPostDataException
from django.template import loader
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)

# What the change on the page came to, as the 503 page tells it.
NOT_SAVED = "not saved"
MAYBE_SAVED = "unknown"

# Names of the tasks the broker refused during the current request; None outside a request.
_not_queued: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "not_queued", default=None
)

NOT_QUEUED_MESSAGES = {
    "sis_bridge.tasks.sis_student_pull_task": _(
        "Saved, but the credit refresh could not be queued: the task queue is not answering. "
        "The nightly SIS sync will refresh the credits, or use Refresh credits again later."
    ),
    "reports.tasks.export_run_task": _(
        "The extract could not be started: the task queue is not answering. Nothing was "
        "exported; ask for it again in a few minutes."
    ),
}
NOT_QUEUED_OTHERWISE = _(
    "Saved, but a background task could not be queued: the task queue is not answering. "
    "Try again later."
)


def record_not_queued(task_name: str) -> bool:
    """The broker refused `task_name`. True when a request is under way, which then tells
    the user; False outside one (a worker, a command), where the caller should raise."""
    names = _not_queued.get()
    if names is None:
        return False
    names.append(task_name)
    return True


def not_queued(task) -> bool:
    """Whether the broker refused `task` during the current request."""
    return task.name in (_not_queued.get() or ())


def _kept_input(request) -> tuple[list[tuple[str, str]], bool]:
    """The posted fields to send again, and whether any were left out (passwords, files)."""
    try:
        posted = list(request.POST.lists())
    except RawPostDataException:
        return [], True
    kept, left_out = [], bool(request.FILES)
    for name, values in posted:
        if "password" in name.lower():
            left_out = True
            continue
        kept += [(name, value) for value in values]
    return kept, left_out


def database_unavailable(request, *, change: str | None) -> HttpResponse:
    """The 503 page (for htmx, its message alone). Renders without a request context, so
    that it makes no query. `change`: NOT_SAVED, MAYBE_SAVED, or None when nothing was sent."""
    context = {
        "language_code": get_language(),
        "path": request.get_full_path() if request.method in ("GET", "HEAD") else request.path,
        "change": change,
    }
    if change == NOT_SAVED:
        context["resend"], context["left_out"] = _kept_input(request)
    htmx = request.headers.get("HX-Request") == "true"
    html = loader.render_to_string("503.html#message" if htmx else "503.html", context)
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "30"
    if htmx:
        response["HX-Reswap"] = "innerHTML"
    return response


def change_state(request) -> str | None:
    """For a failure outside the view (a middleware, the session save): whether the change
    this request carried can have been saved."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if getattr(request, "_database_failed_in_view", False):
        return NOT_SAVED
    return MAYBE_SAVED if getattr(request, "_view_returned", False) else NOT_SAVED


class FaultsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        listening = _not_queued.set([])
        try:
            response = self.get_response(request)
            refused = list(dict.fromkeys(_not_queued.get()))
        finally:
            _not_queued.reset(listening)
        request._view_returned = True
        for task_name in refused:
            messages.warning(request, NOT_QUEUED_MESSAGES.get(task_name, NOT_QUEUED_OTHERWISE))
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        # The view's transaction was rolled back: whatever it was saving is not saved.
        logger.warning("The database did not answer: %s", type(exception).__name__)
        request._database_failed_in_view = True
        return database_unavailable(request, change=change_state(request))
