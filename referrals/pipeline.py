"""The supervisor pipeline: the funnel of the counted figures (reports.figures), referrals stuck in
one status, caseload sizes and youth without contact, for the centers a supervisor supervises;
and the list behind every number.

The selectors come first, the two views last.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import access_record_list
from centers.access import staff_access
from centers.models import Center
from reports.figures import COUNSELOR_RULE, FIGURES, FUNNEL, UNDUPLICATED_RULE, funnel
from youth.access import cases_visible_to, youth_visible_to
from youth.choices import CaseStatus
from youth.models import Case
from youth.selectors import staff_at

from .models import Referral, ReferralStatus
from .pipeline_forms import PipelineFilter, PipelineFilterForm

# Statuses a referral should leave: waiting on the counselor (draft), the program (sent) or the
# youth (accepted, not yet enrolled).
STUCK_STATUSES = (ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ACCEPTED)
STUCK_SHOWN = 20
PAGE_SIZE = 50
STUCK, NO_CONTACT = "stuck", "no-contact"
LIST_TITLES = {
    STUCK: _("Referrals stuck in one status"),
    NO_CONTACT: _("Youth with no contact"),
}


# Selectors


def filter_choices(center_ids) -> tuple[list, list]:
    """The supervisor's centers and the staff who take cases there, as form choices."""
    centers = [
        (center.pk, f"{center.code} · {center.name}")
        for center in Center.objects.filter(pk__in=center_ids).order_by("code")
    ]
    counselors = [(user.pk, str(user)) for user in staff_at(center_ids)]
    return centers, counselors


def _in_cases(chosen: PipelineFilter, prefix: str = "") -> Q:
    scope = Q(**{f"{prefix}center_id__in": chosen.center_ids})
    if chosen.counselor_ids is not None:
        scope &= Q(**{f"{prefix}counselor_id__in": chosen.counselor_ids})
    return scope


def stuck_referrals(user, chosen: PipelineFilter, now: datetime.datetime) -> QuerySet[Referral]:
    """Referrals in a draft, sent or accepted status since before the threshold, oldest first."""
    cutoff = now - datetime.timedelta(days=chosen.stuck_days)
    return (
        Referral.objects.filter(
            _in_cases(chosen, "case__"),
            case__in=cases_visible_to(user),
            status__in=STUCK_STATUSES,
            status_changed_at__lt=cutoff,
        )
        .select_related("youth", "program", "case__counselor", "case__center")
        .order_by("status_changed_at", "pk")
    )


def stuck_counts(referrals: QuerySet[Referral]) -> list[tuple[str, str, int]]:
    """(status, label, count) for every stuck status, zero included: one query."""
    counts = dict(
        referrals.order_by()
        .values("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    return [(status, status.label, counts.get(status, 0)) for status in STUCK_STATUSES]


def with_days_in_status(referrals, now: datetime.datetime) -> list[Referral]:
    """The referrals, each with its whole days in the current status."""
    referrals = list(referrals)
    for referral in referrals:
        referral.days_in_status = (now - referral.status_changed_at).days
    return referrals


def no_contact_cases(user, chosen: PipelineFilter, today: datetime.date) -> QuerySet[Case]:
    """Open cases whose last contact, or intake when never contacted, is at least the chosen
    number of days ago (the caseload filter's rule)."""
    cutoff = today - datetime.timedelta(days=chosen.no_contact_days)
    return (
        cases_visible_to(user)
        .filter(_in_cases(chosen), status=CaseStatus.OPEN)
        .filter(
            Q(last_contact_on__lte=cutoff)
            | Q(last_contact_on__isnull=True, intake_date__lte=cutoff)
        )
        .select_related("youth", "center", "counselor")
        .order_by("last_contact_on", "intake_date", "pk")
    )


def caseload_sizes(user, chosen: PipelineFilter) -> list[dict]:
    """Open cases per counselor per center: one query."""
    return list(
        cases_visible_to(user)
        .filter(_in_cases(chosen), status=CaseStatus.OPEN)
        .order_by()
        .values(
            "center_id",
            "center__code",
            "counselor_id",
            "counselor__first_name",
            "counselor__last_name",
            "counselor__username",
        )
        .annotate(open_cases=Count("pk"))
        .order_by("center__code", "counselor__last_name", "counselor__first_name")
    )


def figure_youth(user, code: str, chosen: PipelineFilter) -> QuerySet:
    """The youth counted in one figure, among those the user may see, by name."""
    youth_ids = FIGURES[code].youth_ids(
        chosen.start, chosen.end, chosen.center_ids, chosen.counselor_ids
    )
    return (
        youth_visible_to(user)
        .filter(pk__in=youth_ids)
        .order_by("search_last", "search_first", "pk")
    )


def pipeline_rows(user, figure: str, chosen: PipelineFilter, status: str = "") -> QuerySet:
    """The rows behind one number of the page: stuck referrals (of one status, when given),
    cases without contact, or the youth of a funnel figure."""
    if figure == STUCK:
        rows = stuck_referrals(user, chosen, timezone.now())
        return rows.filter(status=status) if status else rows
    if figure == NO_CONTACT:
        return no_contact_cases(user, chosen, timezone.localdate())
    return figure_youth(user, figure, chosen)


def pipeline_page(user, chosen: PipelineFilter) -> dict:
    """Everything the pipeline page shows, in five queries."""
    now = timezone.now()
    stuck = stuck_referrals(user, chosen, now)
    figures = funnel(chosen.start, chosen.end, chosen.center_ids, chosen.counselor_ids, FUNNEL)
    by_status = stuck_counts(stuck)
    return {
        "funnel": figures,
        "most": max((row.count for row in figures), default=0),
        "stuck_by_status": by_status,
        "stuck_total": sum(count for _status, _label, count in by_status),
        "stuck_shown": with_days_in_status(stuck[:STUCK_SHOWN], now),
        "caseloads": caseload_sizes(user, chosen),
        "no_contact": no_contact_cases(user, chosen, timezone.localdate()).count(),
    }


# Views


def _filter_form(request) -> PipelineFilterForm:
    """The filter over the supervisor's own centers; 403 for anyone who supervises none."""
    supervised = staff_access(request.user).supervised_center_ids
    if not supervised:
        raise PermissionDenied
    centers, counselors = filter_choices(supervised)
    return PipelineFilterForm(request.GET, centers=centers, counselors=counselors)


def pipeline(request):
    form = _filter_form(request)
    context = {"form": form, "figures": [FIGURES[code] for code in FUNNEL]}
    if form.is_valid():
        chosen = form.pipeline_filter()
        context |= pipeline_page(request.user, chosen)
        context |= {"chosen": chosen, "query": chosen.querystring()}
        context |= {"counselor_rule": COUNSELOR_RULE, "unduplicated_rule": UNDUPLICATED_RULE}
        access_record_list(
            request=request,
            youth_ids=[referral.youth_id for referral in context["stuck_shown"]],
            detail={"list": "pipeline stuck referrals"},
        )
    return render(request, "referrals/pipeline.html", context)


def pipeline_list(request, figure: str):
    form = _filter_form(request)
    status = request.GET.get("status", "")
    if figure not in FUNNEL and figure not in LIST_TITLES:
        raise Http404
    if not form.is_valid() or (status and status not in STUCK_STATUSES):
        raise Http404
    chosen = form.pipeline_filter()
    rows = pipeline_rows(request.user, figure, chosen, status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    if figure == STUCK:
        shown = with_days_in_status(shown, timezone.now())
    access_record_list(
        request=request,
        youth_ids=[getattr(row, "youth_id", row.pk) for row in shown],
        detail={"list": "pipeline " + figure},
    )
    query = chosen.querystring() + (f"&status={status}" if status else "")
    context = {
        "kind": figure if figure in LIST_TITLES else "figure",
        "figure": FIGURES.get(figure),
        "title": LIST_TITLES.get(figure) or FIGURES[figure].label,
        "status_label": ReferralStatus(status).label if status else "",
        "chosen": chosen,
        "page": page,
        "rows": shown,
        "query": query,
        "filter_query": chosen.querystring(),
    }
    return render(request, "referrals/pipeline_list.html", context)
