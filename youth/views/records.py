"""Intake, the youth page, the profile edit and the caseload."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.access import reads_disclosure_log
from audit.models import Action
from audit.services import access_record, access_record_list
from centers.access import staff_access
from centers.models import Center
from reengage.ratelimits import limited
from sis_bridge import views as sis_views

from .. import selectors, services
from ..access import (
    check_works_at_a_center,
    get_returning_youth,
    get_youth_for_user,
    youth_visible_to,
)
from ..forms import DuplicateCheckForm, IntakeForm, YouthProfileForm
from ..matching import likely_duplicates
from ..models import Youth

PAGE_SIZE = 25
RETURNING_CANDIDATES = "intake_strong_matches"


def _posted_version(request, youth) -> int:
    """The version of the record the form was opened on; a tampered value counts as stale."""
    if request.method != "POST":
        return youth.version
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0


def _intake_form(request, data=None):
    access = staff_access(request.user)
    return IntakeForm(
        data,
        centers=Center.objects.filter(pk__in=access.writable_center_ids),
        counselors=selectors.staff_at(access.writable_center_ids),
        initial={"counselor": request.user.pk},
    )


def _matches_for_display(request, candidates) -> list[dict]:
    """What the counselor may see of each candidate: the record if it is in their scope,
    otherwise only that a record exists and at which center."""
    visible = set(
        youth_visible_to(request.user)
        .filter(pk__in=[c.youth.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    where = {
        case.youth_id: case for case in selectors.latest_cases_of([c.youth.pk for c in candidates])
    }
    shown = [
        {"candidate": c, "visible": c.youth.pk in visible, "case": where.get(c.youth.pk)}
        for c in candidates
    ]
    # Each match shown is a disclosure, if only of where a record is.
    access_record_list(
        request=request,
        youth_ids=sorted(c.youth.pk for c in candidates),
        detail={"list": "intake duplicate check"},
    )
    # Only a strong match this user was shown may be opened as a returning youth.
    request.session[RETURNING_CANDIDATES] = [c.youth.pk for c in candidates if c.strong]
    return shown


def intake(request):
    if not staff_access(request.user).writable_center_ids:
        return render(request, "youth/no_intake.html", status=403)
    form = _intake_form(request, request.POST or None)
    matches = []
    if request.method == "POST" and form.is_valid():
        try:
            case = services.youth_intake(
                request=request,
                center=form.cleaned_data["center"],
                counselor=form.cleaned_data["counselor"],
                profile=form.profile(),
                intake_date=form.cleaned_data["intake_date"],
                confirmed_different=form.cleaned_data["confirmed_different"],
            )
        except services.DuplicateSuspected as suspected:
            matches = _matches_for_display(request, suspected.candidates)
            form.add_error(
                None,
                _(
                    "This looks like a youth who already has a record. Check the matches below; "
                    "if this is a different person, tick the confirmation and save again."
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        except IntegrityError:
            form.add_error(
                None,
                _("The record was not saved: another record took this LAUSD ID meanwhile."),
            )
        else:
            for warning in form.warnings:
                messages.warning(request, warning)
            messages.success(request, _("Intake saved for %(name)s.") % {"name": case.youth})
            return redirect("youth:detail", case.youth_id)
    return render(
        request,
        "youth/intake.html",
        {"form": form, "matches": matches, "center_id": form["center"].value() or ""},
    )


@require_POST
@limited("search")
def intake_check(request):
    """The live duplicate check beside the intake form (htmx). POST, so that what was typed
    never appears in a URL, and so in no request log."""
    if not staff_access(request.user).writable_center_ids:
        raise PermissionDenied
    check = DuplicateCheckForm(request.POST)
    matches = []
    if check.is_valid():
        candidates = likely_duplicates(
            first_name=check.cleaned_data["legal_first_name"],
            last_name=check.cleaned_data["legal_last_name"],
            birth_date=check.cleaned_data["birth_date"],
            phone=check.cleaned_data["phone"],
            lausd_id=check.cleaned_data["lausd_id"],
        )
        matches = _matches_for_display(request, candidates)
    return render(
        request,
        "youth/intake.html#matches",
        {"matches": matches, "checked": True, "center_id": request.POST.get("center", "")},
    )


def _merged_into_id(pk: int) -> int | None:
    return Youth.objects.filter(pk=pk).values_list("merged_into_id", flat=True).first()


def detail(request, pk: int):
    try:
        youth = get_youth_for_user(request.user, pk)
    except Http404:
        youth = None
    # A merged record sends to the one it was merged into. Its cases moved there, so it is
    # seldom in scope: asked after the record, an ordinary page costs no query for it.
    merged_into_id = youth.merged_into_id if youth else _merged_into_id(pk)
    if merged_into_id is not None:
        get_youth_for_user(request.user, merged_into_id)
        messages.info(request, _("That record was merged into this one."))
        return redirect("youth:detail", merged_into_id)
    if youth is None:
        raise Http404
    context = selectors.youth_page(youth, request.user)
    context.update(sis_views.panel_context(youth, request.user, cases=context["cases"]))
    access_record(
        request=request,
        action=Action.VIEWED,
        youth=youth,
        detail={"education_records": context["credits"] is not None},
    )
    context["supervises"] = context["open_case"] is not None and (
        context["open_case"].center_id in staff_access(request.user).supervised_center_ids
    )
    context["note_editable"] = {
        note.pk for note in context["notes"] if services.note_editable_by(note, request.user)
    }
    context["reads_disclosure_log"] = reads_disclosure_log(
        request.user, [case.center_id for case in context["cases"]]
    )
    return render(request, "youth/detail.html", context)


def edit(request, pk: int):
    youth = get_youth_for_user(request.user, pk, write=True)
    form = YouthProfileForm(request.POST or None, instance=youth)
    version = _posted_version(request, youth)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.youth_update(
                request=request, youth=youth, version=version, changes=form.profile()
            )
        except services.StaleEdit as refused:
            stale = refused
            form.add_error(
                None,
                _(
                    "Someone else saved this record after you opened it. Nothing was saved; "
                    "your changes are still in the form. Compare them with the saved values "
                    "below, then save again."
                ),
            )
            version = refused.current.version
        except ValidationError as error:
            form.add_error(None, error)
        else:
            for warning in form.warnings:
                messages.warning(request, warning)
            messages.success(request, _("Record saved."))
            return redirect("youth:detail", youth.pk)
    return render(
        request,
        "youth/edit.html",
        {"form": form, "youth": youth, "version": version, "stale": stale},
    )


@limited("search")
def caseload(request):
    check_works_at_a_center(request.user)
    filterset = selectors.caseload(request.user, request.GET)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    access_record_list(
        request=request,
        youth_ids=[case.youth_id for case in page.object_list],
        detail={"list": "caseload"},
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "query": query.urlencode()}
    template = "youth/caseload.html#results" if request.htmx else "youth/caseload.html"
    return render(request, template, context)


@require_POST
def open_case_here(request, pk: int):
    """A returning youth, found by the intake check, starts a new case at this center."""
    if pk not in request.session.get(RETURNING_CANDIDATES, []):
        raise Http404
    youth = get_returning_youth(request.user, pk)
    writable = staff_access(request.user).writable_center_ids
    chosen = request.POST.get("center") or (next(iter(writable)) if len(writable) == 1 else None)
    if not str(chosen or "").isdigit():
        raise Http404
    center = get_object_or_404(Center, pk=chosen, pk__in=writable)
    try:
        services.case_open(request=request, youth=youth, center=center, counselor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("youth:intake")
    messages.success(request, _("A new case is open here for this youth."))
    return redirect("youth:detail", youth.pk)
