from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sis_bridge.access import visible_credit_summary

from ..access import get_youth_for_user
from ..assessing import assessment_record
from ..forms import AssessmentForm, SkillsScoreFormSet


def assess(request, pk: int):
    youth = get_youth_for_user(request.user, pk, write=True)
    case = youth.cases.get(status="open")
    credits = visible_credit_summary(request.user, youth)
    plan_areas = [
        {"code": area.code, "label": str(area.label), "needed": area.needed}
        for area in (credits.areas if credits else [])
        if area.needed
    ]
    data = request.POST or None
    form = AssessmentForm(data, plan_areas=plan_areas, initial={"barriers": youth.barriers})
    scores = SkillsScoreFormSet(data, prefix="scores")
    if request.method == "POST" and form.is_valid() and scores.is_valid():
        assessment = assessment_record(
            request=request,
            youth=youth,
            case=case,
            academic_plan=form.academic_plan(),
            scores=[s for s in (f.score() for f in scores) if s],
            **{k: v for k, v in form.cleaned_data.items() if not k.startswith("plan_")},
        )
        if assessment.wioa_eligible:
            messages.success(request, _("Assessment saved: eligible for WIOA youth services."))
        else:
            messages.info(request, _("Assessment saved: not eligible for WIOA youth services yet."))
        return redirect("youth:detail", youth.pk)
    return render(
        request,
        "youth/assessment_form.html",
        {"youth": youth, "form": form, "scores": scores, "credits": credits},
    )
