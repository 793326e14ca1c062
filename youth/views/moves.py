"""Moving cases: transfers between centers, reassignment, closing, merging duplicates."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.models import Action
from audit.services import access_record, access_record_list
from centers.access import staff_access
from centers.models import Center

from .. import merges, selectors, services
from ..access import (
    check_can_supervise,
    check_works_at_a_center,
    get_merge_for_user,
    get_transfer_to_decide,
    get_youth_for_user,
    youth_visible_to,
)
from ..choices import TransferStatus
from ..forms import (
    CaseloadReassignForm,
    CloseCaseForm,
    MergeForm,
    ReassignForm,
    TransferDecisionForm,
    TransferRequestForm,
)
from ..models import Transfer, Youth, YouthMerge
from .forms_page import form_page

OVERDUE_PAGE_SIZE = 50


def transfer_request(request, pk: int):
    youth = get_youth_for_user(request.user, pk, write=True)
    case = youth.cases.select_related("center").get(status="open")
    form = TransferRequestForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_request(request=request, case=case, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Transfer requested. The other center must accept it."))
            return redirect("youth:detail", youth.pk)
    return form_page(
        request,
        form,
        youth=youth,
        title=_("Transfer to another center"),
        intro=_("The receiving center accepts or declines. Until then the case stays here."),
        submit=_("Request transfer"),
    )


def transfers(request):
    check_works_at_a_center(request.user)
    context = selectors.transfers_for(request.user)
    access_record_list(
        request=request,
        youth_ids=[t.case.youth_id for t in [*context["incoming"], *context["outgoing"]]],
        detail={"list": "transfers"},
    )
    return render(request, "youth/transfers.html", context)


def transfer_decide(request, transfer_pk: int):
    """The receiving center sees only what it needs to decide: the youth's name and the
    reason. The record opens to it once it accepts."""
    transfer = get_transfer_to_decide(request.user, transfer_pk)
    form = TransferDecisionForm(
        request.POST or None, counselors=selectors.staff_at([transfer.to_center_id])
    )
    if request.method == "GET":
        access_record(
            request=request,
            action=Action.VIEWED,
            youth=Youth(pk=transfer.case.youth_id),
            detail={"transfer": transfer.pk},
        )
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.transfer_decide(
                request=request,
                transfer=transfer,
                accept=accept,
                counselor=form.cleaned_data["counselor"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("youth:transfers")
        if accept:
            messages.success(request, _("Transfer accepted: the case is open at your center."))
            return redirect("youth:detail", transfer.case.youth_id)
        messages.success(request, _("Transfer declined."))
        return redirect("youth:transfers")
    return render(request, "youth/transfer_decide.html", {"transfer": transfer, "form": form})


@require_POST
def transfer_cancel(request, pk: int, transfer_pk: int):
    youth = get_youth_for_user(request.user, pk, write=True)
    transfer = get_object_or_404(
        Transfer, pk=transfer_pk, case__youth=youth, status=TransferStatus.REQUESTED
    )
    services.transfer_cancel(request=request, transfer=transfer)
    messages.success(request, _("Transfer request cancelled."))
    return redirect("youth:detail", youth.pk)


def case_close(request, pk: int):
    youth = get_youth_for_user(request.user, pk, write=True)
    case = youth.cases.get(status="open")
    check_can_supervise(request.user, case.center_id)
    form = CloseCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(request=request, case=case, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Case closed."))
            return redirect("youth:detail", youth.pk)
    return form_page(request, form, youth=youth, title=_("Close the case"), submit=_("Close case"))


def case_reassign(request, pk: int):
    youth = get_youth_for_user(request.user, pk, write=True)
    case = youth.cases.get(status="open")
    check_can_supervise(request.user, case.center_id)
    form = ReassignForm(
        request.POST or None,
        counselors=selectors.staff_at([case.center_id]),
        initial={"counselor": case.counselor_id},
    )
    if request.method == "POST" and form.is_valid():
        services.case_reassign(request=request, case=case, counselor=form.cleaned_data["counselor"])
        messages.success(request, _("Case reassigned."))
        return redirect("youth:detail", youth.pk)
    return form_page(request, form, youth=youth, title=_("Reassign the case"), submit=_("Reassign"))


def caseload_reassign(request, code: str):
    center = get_object_or_404(Center, code=code.upper())
    check_can_supervise(request.user, center.pk)
    form = CaseloadReassignForm(
        request.POST or None,
        from_counselors=selectors.counselors_with_open_cases(center),
        counselors=selectors.staff_at([center.pk]),
    )
    if request.method == "POST" and form.is_valid():
        moved = services.caseload_reassign(request=request, center=center, **form.cleaned_data)
        messages.success(
            request,
            ngettext("%(count)s open case reassigned.", "%(count)s open cases reassigned.", moved)
            % {"count": moved},
        )
        return redirect("youth:caseload")
    return form_page(
        request,
        form,
        title=_("Reassign a caseload at %(center)s") % {"center": center.name},
        intro=_("Every open case of the first counselor at this center moves to the second."),
        submit=_("Reassign all open cases"),
    )


def merge(request):
    if not staff_access(request.user).supervised_center_ids:
        raise PermissionDenied
    form = MergeForm(request.POST or request.GET or None)
    if request.method == "POST" and form.is_valid():
        visible = youth_visible_to(request.user)
        survivor = visible.filter(pk=form.cleaned_data["survivor"]).first()
        merged = visible.filter(pk=form.cleaned_data["merged"]).first()
        if survivor is None or merged is None:
            form.add_error(None, _("Both records must be at centers you supervise."))
        else:
            try:
                merges.youth_merge(
                    request=request,
                    survivor=survivor,
                    merged=merged,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Records merged. You can undo this below."))
                return redirect("youth:detail", survivor.pk)
    recent = YouthMerge.objects.filter(performed_by=request.user).select_related(
        "survivor", "merged"
    )[:20]
    return render(request, "youth/merge.html", {"form": form, "recent": recent})


@require_POST
def merge_undo(request, merge_pk: int):
    if not staff_access(request.user).supervised_center_ids:
        raise PermissionDenied
    merge_record = get_merge_for_user(request.user, merge_pk)
    try:
        merges.youth_merge_undo(request=request, merge=merge_record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Merge undone: the two records are separate again."))
    return redirect("youth:merge")


def overdue(request):
    check_works_at_a_center(request.user)
    page = Paginator(selectors.overdue_follow_ups(request.user), OVERDUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    access_record_list(
        request=request,
        youth_ids=[follow_up.case.youth_id for follow_up in page.object_list],
        detail={"list": "overdue follow-ups"},
    )
    return render(request, "youth/overdue.html", {"follow_ups": page.object_list, "page": page})
