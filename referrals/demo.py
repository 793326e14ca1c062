"""Demo assessments and referrals, in every status, so the pipeline has something to show."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from youth.choices import CaseStatus, Pathway
from youth.eligibility import EligibilityFacts, determine
from youth.models import Assessment, Case

from .models import ALLOWED_MOVES, Program, Referral, ReferralEvent, ReferralStatus

# Each referral walks the flow this far; the weights give a believable funnel.
PATHS = [
    ([ReferralStatus.DRAFT], 1),
    ([ReferralStatus.SENT], 3),
    ([ReferralStatus.SENT, ReferralStatus.ACCEPTED], 2),
    ([ReferralStatus.SENT, ReferralStatus.DECLINED], 1),
    ([ReferralStatus.SENT, ReferralStatus.WITHDRAWN], 1),
    ([ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.ENROLLED], 4),
    (
        [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.ENROLLED, "completed"],
        1,
    ),
    ([ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.ENROLLED, "exited"], 1),
]
REASONS = {
    ReferralStatus.DECLINED: "No seats until the spring session.",
    ReferralStatus.WITHDRAWN: "The youth chose another program.",
    ReferralStatus.EXITED: "Moved out of the area.",
}


@transaction.atomic
def seed_demo_referrals(*, seed: int = 2026) -> int:
    """Assess about two thirds of the open cases and refer most of those. Run once; again, it
    changes nothing. Returns the number of referrals."""
    if Referral.objects.exists():
        return Referral.objects.count()
    rng = random.Random(seed)  # noqa: S311  (demo data, not secrets)
    today = timezone.localdate()
    programs = list(Program.objects.active())
    cases = Case.objects.filter(status=CaseStatus.OPEN).select_related("youth", "counselor")
    for case in cases.order_by("pk"):
        if rng.random() > 0.65:
            continue
        youth = case.youth
        assessed_on = min(today, case.intake_date + datetime.timedelta(days=rng.randint(0, 14)))
        determination = determine(
            EligibilityFacts(
                birth_date=youth.birth_date,
                school_status=youth.school_status,
                barriers=frozenset(youth.barriers),
                evidence_on_file=frozenset({"age_proof", "school_status_proof"}),
            ),
            on=assessed_on,
        )
        Assessment.objects.create(
            youth=youth,
            case=case,
            counselor=case.counselor,
            assessed_on=assessed_on,
            barriers=youth.barriers,
            goals="Finish the diploma and find part-time work.",
            pathway=rng.choice(Pathway.values),
            pathway_reasoning="Credits and age fit; the youth prefers a small school.",
            wioa_eligible=determination.eligible,
            wioa_criterion=determination.criterion or "",
            wioa_regulation=determination.regulation or "",
            wioa_determined_on=assessed_on,
            wioa_expires_on=determination.expires_on,
        )
        if rng.random() > 0.8:
            continue
        path = rng.choices([p for p, _ in PATHS], weights=[w for _, w in PATHS])[0]
        _referral(rng, case, rng.choice(programs), path, assessed_on, today)
    return Referral.objects.count()


def _referral(rng, case, program, path, start: datetime.date, today: datetime.date) -> None:
    counselor = case.counselor
    days = sorted(rng.choices(range((today - start).days + 1), k=len(path)))
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time(10)))
    at = [first + datetime.timedelta(days=day) for day in days]
    final = path[-1]
    referral = Referral.objects.create(
        youth=case.youth,
        case=case,
        program=program,
        counselor=counselor,
        status=final,
        status_changed_at=at[-1],
        sent_at=at[0] if path[0] == ReferralStatus.SENT else None,
        enrolled_on=at[2].date() if ReferralStatus.ENROLLED in path else None,
        confirmed_by=counselor if ReferralStatus.ENROLLED in path else None,
        status_reason=REASONS.get(final, ""),
    )
    events = [
        ReferralEvent(referral=referral, from_status="", to_status="draft", at=at[0], by=counselor)
    ]
    previous = "draft"
    for status, moment in zip(path, at, strict=True):
        if status == "draft":
            continue
        assert status in ALLOWED_MOVES[previous]
        events.append(
            ReferralEvent(
                referral=referral,
                from_status=previous,
                to_status=status,
                at=moment,
                by=counselor,
                reason=REASONS.get(status, ""),
            )
        )
        previous = status
    ReferralEvent.objects.bulk_create(events)
