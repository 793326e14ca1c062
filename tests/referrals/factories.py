import datetime

import factory
from django.test import RequestFactory
from django.utils import timezone

from referrals.models import (
    ENROLLED_STATUSES,
    STATUSES_NEEDING_REASON,
    Program,
    ProgramKind,
    Referral,
    ReferralStatus,
)
from tests.youth.factories import CaseFactory


class ProgramFactory(factory.django.DjangoModelFactory):
    """A program with no entry rules, open to every center, unless given."""

    class Meta:
        model = Program
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"test-program-{n}")
    name = factory.Sequence(lambda n: f"Test program {n}")
    kind = ProgramKind.SCHOOL
    provider = "Los Angeles Unified School District"

    @factory.post_generation
    def centers(self, create, extracted, **kwargs):
        if create and extracted:
            self.centers.set(extracted)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral made in an open case by the case's counselor, for the case's youth. Given a
    status, it carries what that status requires (sent date, enrollment, reason)."""

    class Meta:
        model = Referral

    case = factory.SubFactory(CaseFactory)
    youth = factory.SelfAttribute("case.youth")
    counselor = factory.SelfAttribute("case.counselor")
    program = factory.SubFactory(ProgramFactory)
    status = ReferralStatus.DRAFT
    sent_at = factory.LazyAttribute(
        lambda referral: (
            None
            if referral.status == ReferralStatus.DRAFT
            else timezone.now() - datetime.timedelta(days=20)
        )
    )
    enrolled_on = factory.LazyAttribute(
        lambda referral: (
            timezone.localdate() - datetime.timedelta(days=10)
            if referral.status in ENROLLED_STATUSES
            else None
        )
    )
    confirmed_by = factory.LazyAttribute(
        lambda referral: referral.counselor if referral.status in ENROLLED_STATUSES else None
    )
    status_reason = factory.LazyAttribute(
        lambda referral: (
            "Reason given at the time" if referral.status in STATUSES_NEEDING_REASON else ""
        )
    )


def request_for(user):
    """A request made by the signed-in user, as services receive it from a view."""
    request = RequestFactory().post("/referrals/")
    request.user = user
    return request
