"""The education-records panel of a youth's page: credits, refresh, and linking to the SIS."""

import time

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from audit.models import Action
from audit.services import access_record
from centers.access import staff_access
from reengage import faults
from reengage.ratelimits import limited
from youth.access import can_change, get_youth_for_user, youth_visible_to
from youth.services import education_records_allowed

from .access import check_reads_district_records, open_case_access, reads_district_records
from .client import SisError
from .models import QuarantinedRecord, SyncKind, SyncRun
from .selectors import credit_summary_from, sis_status_for
from .services import SisConsentRequired, sis_find_candidates, sis_link_confirm, sis_link_for
from .tasks import sis_student_pull_task

RUNS_SHOWN = 50
# How long the page keeps asking after a refresh was requested, in seconds.
WAIT_FOR_REFRESH = 120


def panel_context(
    youth, user, *, waiting_since: float | None = None, cases: list | None = None
) -> dict:
    """What the panel shows; credits only to LAUSD staff, with a consent covering school
    records in force. `waiting_since` (a timestamp) keeps the page polling until a pull has
    run since then. `cases`, the youth's cases the user may see when the caller has them (the
    youth page), answer who may change the record and read district records without asking
    the database again."""
    consent_in_force = education_records_allowed(youth)
    if cases is None:
        district_staff, changes = reads_district_records(user, youth), can_change(user, youth)
    else:
        district_staff, changes = open_case_access(user, cases)
    allowed = district_staff and consent_in_force
    sis = sis_status_for(youth) if allowed else None
    if waiting_since and sis:
        attempted = sis.last_attempt_at.timestamp() if sis.last_attempt_at else 0
        finished = not sis.pull_running and attempted >= waiting_since
        if finished or time.time() - waiting_since > WAIT_FOR_REFRESH:
            waiting_since = None
    # The status has read the link: the summary reuses it rather than reading it again.
    credits = credit_summary_from(youth, sis.link) if sis and sis.last_refreshed_at else None
    return {
        "youth": youth,
        "district_staff": district_staff,
        "consent_in_force": consent_in_force,
        "records_allowed": allowed,
        "sis": sis,
        "credits": credits,
        "ag_missing": [area for area in credits.ag if not area.met] if credits else [],
        "can_change": changes,
        "waiting_since": waiting_since if allowed else None,
    }


def _since(request) -> float | None:
    try:
        return float(request.GET["since"])
    except (KeyError, ValueError):
        return None


def panel(request, pk: int):
    """The panel alone, for htmx: polled while a refresh is pending or running."""
    youth = get_youth_for_user(request.user, pk)
    context = panel_context(youth, request.user, waiting_since=_since(request))
    if context["credits"] is not None:
        access_record(
            request=request, action=Action.VIEWED, youth=youth, detail={"education_records": True}
        )
    return render(request, "sis_bridge/panel.html", context)


@require_POST
def refresh(request, pk: int):
    youth = get_youth_for_user(request.user, pk, write=True)
    check_reads_district_records(request.user, youth)
    requested_at = None
    if not education_records_allowed(youth):
        messages.error(request, _("No consent covering school records is in force."))
    elif sis_link_for(youth=youth, user=request.user) is None:
        messages.error(request, _("Link this youth to a district student first."))
    else:
        user_id, requested_at = request.user.pk, time.time()
        transaction.on_commit(lambda: sis_student_pull_task.delay(youth.pk, user_id))
    if request.htmx and faults.not_queued(sis_student_pull_task):
        # The whole page, to show the message saying why nothing is refreshing.
        return HttpResponseClientRefresh()
    if request.htmx:
        context = panel_context(youth, request.user, waiting_since=requested_at)
        return render(request, "sis_bridge/panel.html", context)
    return redirect("youth:detail", youth.pk)


@require_POST
@limited("search")
def find(request, pk: int):
    """Searching the SIS is a disclosure: a POST, by LAUSD staff, logged by the service."""
    youth = get_youth_for_user(request.user, pk, write=True)
    check_reads_district_records(request.user, youth)
    candidates, problem = [], ""
    try:
        candidates = sis_find_candidates(youth=youth, user=request.user)
    except SisConsentRequired:
        problem = _("No consent covering school records is in force.")
    except SisError:
        problem = _("The district SIS did not answer. Try again in a few minutes.")
    except ValidationError as error:
        problem = " ".join(error.messages)
    return render(
        request,
        "sis_bridge/find.html",
        {"youth": youth, "candidates": candidates, "problem": problem},
    )


@require_POST
def link(request, pk: int):
    youth = get_youth_for_user(request.user, pk, write=True)
    check_reads_district_records(request.user, youth)
    try:
        sis_link_confirm(
            youth=youth, user=request.user, student_unique_id=request.POST.get("student", "")
        )
    except (ValidationError, SisError, SisConsentRequired) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("youth:detail", youth.pk)
    if faults.not_queued(sis_student_pull_task):  # the middleware says why there is no pull
        messages.success(request, _("Linked to the district record."))
    else:
        messages.success(request, _("Linked to the district record; the credits are being pulled."))
    return redirect("youth:detail", youth.pk)


def runs(request):
    """Recent sync runs for supervisors: nightly runs, and pulls of youth at their centers,
    with the records each run quarantined (field and error, never the record itself)."""
    if not staff_access(request.user).supervised_center_ids:
        raise PermissionDenied
    youth_ids = youth_visible_to(request.user).values("pk")
    recent = (
        SyncRun.objects.filter(Q(kind=SyncKind.NIGHTLY) | Q(youth__in=youth_ids))
        .select_related("youth", "requested_by")
        .prefetch_related(
            Prefetch(
                "quarantined",
                queryset=QuarantinedRecord.objects.only(
                    "run_id", "resource", "record_id", "field", "error"
                ),
            )
        )[:RUNS_SHOWN]
    )
    return render(request, "sis_bridge/runs.html", {"runs": recent})
