"""Making a referral from a youth's page, and moving it through its steps."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sis_bridge.access import visible_credit_summary
from youth.access import get_youth_for_user

from . import services
from .access import get_referral_for_user
from .forms import ReferralForm, ReferralMoveForm
from .matching import options_for
from .models import Program, ReferralStatus

MOVES = {
    ReferralStatus.SENT: lambda request, referral, form: services.referral_send(
        request=request, referral=referral, note=form["reason"]
    ),
    ReferralStatus.ACCEPTED: lambda request, referral, form: services.referral_accept(
        request=request, referral=referral, note=form["reason"]
    ),
    ReferralStatus.DECLINED: lambda request, referral, form: services.referral_decline(
        request=request, referral=referral, reason=form["reason"]
    ),
    ReferralStatus.ENROLLED: lambda request, referral, form: services.referral_enroll(
        request=request,
        referral=referral,
        enrolled_on=form["enrolled_on"],
        confirmed_by=request.user,
        note=form["reason"],
    ),
    ReferralStatus.COMPLETED: lambda request, referral, form: services.referral_complete(
        request=request, referral=referral, note=form["reason"]
    ),
    ReferralStatus.EXITED: lambda request, referral, form: services.referral_exit(
        request=request, referral=referral, reason=form["reason"]
    ),
    ReferralStatus.WITHDRAWN: lambda request, referral, form: services.referral_withdraw(
        request=request, referral=referral, reason=form["reason"]
    ),
}


def referral_new(request, pk: int):
    youth = get_youth_for_user(request.user, pk, write=True)
    case = youth.cases.select_related("center").get(status="open")
    programs = Program.objects.active().prefetch_related("centers").order_by("kind", "name")
    summary = visible_credit_summary(request.user, youth)
    credits = summary.earned if summary else None
    options = options_for(age=youth.age, credits=credits, center=case.center, programs=programs)
    form = ReferralForm(request.POST or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                request=request,
                youth=youth,
                case=case,
                program=form.cleaned_data["program"],
                fit_override_reason=form.cleaned_data["fit_override_reason"],
                credits=credits,
                notes=form.cleaned_data["notes"],
            )
            if form.cleaned_data["send_now"]:
                services.referral_send(request=request, referral=referral)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Referral made."))
            return redirect("youth:detail", youth.pk)
    return render(
        request,
        "referrals/referral_new.html",
        {"youth": youth, "form": form, "options": options, "credits": credits},
    )


@require_POST
def referral_move(request, referral_pk: int):
    referral = get_referral_for_user(request.user, referral_pk, write=True)
    youth = referral.youth
    form = ReferralMoveForm(request.POST)
    enrolling = form.is_valid() and form.cleaned_data["to"] == ReferralStatus.ENROLLED
    if enrolling and not form.cleaned_data["enrolled_on"]:
        form.add_error("enrolled_on", _("An enrollment needs its date."))
    if not form.is_valid():
        messages.error(request, _("Choose the next step; an enrollment needs its date."))
        return redirect("youth:detail", youth.pk)
    try:
        referral = MOVES[form.cleaned_data["to"]](request, referral, form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except KeyError:
        messages.error(request, _("That step is not possible."))
    else:
        messages.success(
            request,
            _("Referral to %(program)s: %(status)s.")
            % {"program": referral.program.name, "status": referral.get_status_display()},
        )
    return redirect("youth:detail", youth.pk)
