"""Recording an assessment: the credit picture of the day, NRS levels from the bands table,
and the WIOA out-of-school youth determination made from them."""

import datetime

from django.db import transaction

from audit.models import Action
from audit.services import access_record

from .basic_skills import Band, basic_skills_deficient, nrs_level
from .eligibility import EligibilityFacts, determine
from .models import Assessment, Case, ScaleScoreBand, SkillsTestScore, Youth


def current_bands() -> list[Band]:
    """The editable cut table, as administrators keep it."""
    return [
        Band(row.test, row.subject, row.level, row.low, row.high, row.grade_range)
        for row in ScaleScoreBand.objects.all()
    ]


def credit_snapshot(youth: Youth, case: Case, user, on: datetime.date) -> dict | None:
    """The credit summary as of `on`, as plain data kept with the assessment, when the user
    may read district records (LAUSD staff at the case's center, with consent)."""
    from sis_bridge.access import visible_credit_summary

    summary = visible_credit_summary(user, youth, on)
    if summary is None:
        return None
    return {
        "as_of": on.isoformat(),
        "earned": summary.earned,
        "required": summary.required,
        "needed": summary.needed,
        "state_minimum": summary.state_minimum,
        "needed_for_state_minimum": summary.needed_for_state_minimum,
        "possibly_state_minimum": summary.possibly_state_minimum,
        "on_track_for_grade": summary.on_track_for_grade,
        "areas": [
            {
                "code": area.code,
                "label": str(area.label),
                "required": area.required,
                "earned": area.earned,
                "needed": area.needed,
            }
            for area in summary.areas
        ],
        "ag_missing": [area.code for area in summary.ag if not area.met],
    }


@transaction.atomic
def assessment_record(
    *,
    request,
    youth: Youth,
    case: Case,
    assessed_on: datetime.date,
    barriers: list[str],
    goals: str,
    pathway: str,
    pathway_reasoning: str,
    evidence_on_file: list[str],
    academic_plan: list[dict],
    scores: list[dict],
) -> Assessment:
    """Save the assessment with its scores, the NRS levels they give, the credit snapshot of
    the day and the eligibility determination."""
    bands = current_bands()
    levels = [
        nrs_level(score["test"], score["subject"], score["scale_score"], bands) for score in scores
    ]
    deficient = basic_skills_deficient(level for level in levels if level is not None)
    determination = determine(
        EligibilityFacts(
            birth_date=youth.birth_date,
            school_status=youth.school_status,
            barriers=frozenset(barriers),
            basic_skills_deficient=deficient,
            evidence_on_file=frozenset(evidence_on_file),
        ),
        on=assessed_on,
    )
    assessment = Assessment.objects.create(
        youth=youth,
        case=case,
        counselor=request.user,
        assessed_on=assessed_on,
        credit_snapshot=credit_snapshot(youth, case, request.user, assessed_on),
        barriers=barriers,
        goals=goals,
        pathway=pathway,
        pathway_reasoning=pathway_reasoning,
        academic_plan=academic_plan,
        evidence_on_file=evidence_on_file,
        basic_skills_deficient=deficient,
        wioa_eligible=determination.eligible,
        wioa_criterion=determination.criterion or "",
        wioa_regulation=determination.regulation or "",
        wioa_missing_evidence=[code for code, _label in determination.missing_evidence],
        wioa_determined_on=determination.determined_on,
        wioa_expires_on=determination.expires_on,
    )
    SkillsTestScore.objects.bulk_create(
        SkillsTestScore(assessment=assessment, nrs_level=level, **score)
        for score, level in zip(scores, levels, strict=True)
    )
    access_record(
        request=request,
        action=Action.CHANGED,
        youth=youth,
        detail={"assessment": assessment.pk, "wioa_eligible": determination.eligible},
    )
    return assessment
