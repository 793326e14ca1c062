import datetime

import factory

from centers.models import Center
from tests.centers.factories import UserFactory
from youth.choices import CaseStatus, NoteKind, SchoolStatus, Sex, SignerRole
from youth.models import Case, CaseNote, Consent, FollowUp, Youth


class YouthFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Youth

    legal_first_name = factory.Faker("first_name")
    legal_last_name = factory.Faker("last_name")
    birth_date = factory.Faker(
        "date_between", start_date=datetime.date(2002, 1, 1), end_date=datetime.date(2009, 12, 31)
    )
    sex = Sex.FEMALE
    school_status = SchoolStatus.DROPOUT
    phone = factory.Sequence(lambda n: f"213555{n % 10000:04d}")


class CaseFactory(factory.django.DjangoModelFactory):
    """An open case; its counselor works at its center unless given."""

    class Meta:
        model = Case

    youth = factory.SubFactory(YouthFactory)
    center = factory.LazyFunction(lambda: Center.objects.get(code="EAST"))
    counselor = factory.SubFactory(UserFactory)
    status = CaseStatus.OPEN


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    youth = factory.SubFactory(YouthFactory)
    signer_name = factory.LazyAttribute(lambda consent: consent.youth.legal_first_name)
    signer_role = SignerRole.YOUTH
    signed_on = factory.LazyFunction(datetime.date.today)
    covers_school_records = True
    covers_wioa_sharing = True
    recorded_by = factory.SubFactory(UserFactory)


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote

    case = factory.SubFactory(CaseFactory)
    kind = NoteKind.MEETING
    body = "Met at the center."
    author = factory.SelfAttribute("case.counselor")


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    case = factory.SubFactory(CaseFactory)
    due_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=7))
    description = "Call about the orientation date"
    assignee = factory.SelfAttribute("case.counselor")
    created_by = factory.SelfAttribute("case.counselor")
