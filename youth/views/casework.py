"""Notes, follow-ups and consents on a youth's record."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..access import get_youth_for_user
from ..choices import CaseStatus
from ..forms import ConsentForm, ConsentWithdrawForm, FollowUpForm, NoteEditForm, NoteForm
from ..models import CaseNote, FollowUp
from .forms_page import form_page


def _open_case(youth):
    return youth.cases.select_related("center").get(status="open")


def note_add(request, pk: int):
    youth = get_youth_for_user(request.user, pk, write=True)
    case = _open_case(youth)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.note_add(request=request, case=case, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Note added."))
            return redirect("youth:detail", youth.pk)
    return form_page(request, form, youth=youth, title=_("Add a case note"), submit=_("Save note"))


def note_edit(request, pk: int, note_pk: int):
    youth = get_youth_for_user(request.user, pk, write=True)
    note = get_object_or_404(CaseNote, pk=note_pk, case__youth=youth, case__status=CaseStatus.OPEN)
    if not services.note_editable_by(note, request.user):
        messages.error(request, _("Only the author may correct a note, within 15 minutes."))
        return redirect("youth:detail", youth.pk)
    form = NoteEditForm(request.POST or None, instance=note)
    if request.method == "POST" and form.is_valid():
        services.note_edit(request=request, note=note, body=form.cleaned_data["body"])
        messages.success(request, _("Note corrected."))
        return redirect("youth:detail", youth.pk)
    return form_page(
        request, form, youth=youth, title=_("Correct a case note"), submit=_("Save correction")
    )


def follow_up_add(request, pk: int):
    youth = get_youth_for_user(request.user, pk, write=True)
    case = _open_case(youth)
    form = FollowUpForm(
        request.POST or None,
        staff=selectors.staff_at([case.center_id]),
        initial={"assignee": case.counselor_id},
    )
    if request.method == "POST" and form.is_valid():
        services.follow_up_add(request=request, case=case, **form.cleaned_data)
        messages.success(request, _("Follow-up scheduled."))
        return redirect("youth:detail", youth.pk)
    return form_page(
        request, form, youth=youth, title=_("Schedule a follow-up"), submit=_("Schedule")
    )


@require_POST
def follow_up_done(request, pk: int, follow_up_pk: int):
    youth = get_youth_for_user(request.user, pk, write=True)
    follow_up = get_object_or_404(
        FollowUp, pk=follow_up_pk, case__youth=youth, case__status=CaseStatus.OPEN
    )
    if services.follow_up_done(request=request, follow_up=follow_up):
        messages.success(request, _("Follow-up marked done."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("youth:detail", youth.pk)


def consent_add(request, pk: int):
    youth = get_youth_for_user(request.user, pk, write=True)
    form = ConsentForm(request.POST or None, youth=youth)
    if request.method == "POST" and form.is_valid():
        services.consent_record(request=request, youth=youth, **form.cleaned_data)
        messages.success(request, _("Consent recorded."))
        return redirect("youth:detail", youth.pk)
    return form_page(
        request,
        form,
        youth=youth,
        title=_("Record a FERPA consent"),
        intro=_(
            "Record the release as signed: who signed it, what it covers and until when. "
            "A youth under 18 needs a parent or guardian's signature."
        ),
        submit=_("Record consent"),
    )


def consent_withdraw(request, pk: int, consent_pk: int):
    youth = get_youth_for_user(request.user, pk, write=True)
    consent = get_object_or_404(youth.consents, pk=consent_pk)
    form = ConsentWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                request=request,
                consent=consent,
                on=form.cleaned_data["withdrawn_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Consent withdrawn."))
            return redirect("youth:detail", youth.pk)
    return form_page(
        request,
        form,
        youth=youth,
        title=_("Withdraw a consent"),
        intro=_("From this date no education records are pulled or shown under this consent."),
        submit=_("Withdraw consent"),
    )
