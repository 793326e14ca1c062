"""Demo youth for the run command: a few hundred records across the 13 centers with cases,
consents, notes and follow-ups, some linked to mock-SIS students by LAUSD ID, and a handful of
deliberate near-duplicates for the intake check and the merge page to find."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from centers.models import Center, Role, StaffMembership
from sis_bridge.mock.generator import student_identity

from .choices import (
    Barrier,
    ClosedReason,
    Language,
    NoteKind,
    OutreachSource,
    Race,
    SchoolStatus,
    Sex,
    SignerRole,
    YesNoUndisclosed,
)
from .models import Case, CaseNote, Consent, FollowUp, Youth

MOCK_SIS_SEED = 42  # the mock's default seed: demo youth with an LAUSD ID exist there
YOUTH_PER_CENTER = 24
FIRST = {
    "Female": (
        "María",
        "Guadalupe",
        "Jasmine",
        "Yesenia",
        "Destiny",
        "Ashley",
        "Daniela",
        "Imani",
        "Brianna",
        "Karla",
        "Jocelyn",
        "Aaliyah",
        "Stephanie",
        "Mei",
    ),
    "Male": (
        "José",
        "Jesús",
        "Luis",
        "Anthony",
        "DeShawn",
        "Christopher",
        "Kevin",
        "Brandon",
        "Miguel",
        "Francisco",
        "Andre",
        "Jonathan",
        "Eduardo",
        "Minh",
    ),
}
LAST = (
    "García",
    "Hernández",
    "Martínez",
    "López",
    "González",
    "Rodríguez",
    "Pérez",
    "Flores",
    "Ramírez",
    "Sánchez",
    "Quintero-Ávila",
    "de la Cruz",
    "Johnson",
    "Williams",
    "Jackson",
    "Brown",
    "Robinson",
    "Nguyen",
    "Kim",
    "Castillo Ruiz",
    "Morales",
    "Washington",
)
NOTES = (
    "Came in with a friend; wants to finish the diploma and work part time.",
    "Called to confirm the orientation date; left a message with the grandmother.",
    "Talked through options: adult school or a dropout-recovery charter.",
    "Home visit: the family is moving next month, will keep the same phone.",
    "Texted the schedule for the CASAS test.",
)


def _profile(rng: random.Random, sex: str) -> dict:
    school_status = rng.choices(
        [SchoolStatus.DROPOUT, SchoolStatus.NOT_ATTENDING, SchoolStatus.GRADUATE],
        weights=[6, 3, 1],
    )[0]
    hispanic = rng.random() < 0.75
    return {
        "sex": Sex.FEMALE if sex == "Female" else Sex.MALE,
        "hispanic_latino": YesNoUndisclosed.YES if hispanic else YesNoUndisclosed.NO,
        "races": [] if hispanic else [rng.choice([Race.BLACK, Race.BLACK, Race.ASIAN, Race.WHITE])],
        "preferred_language": Language.SPANISH
        if hispanic and rng.random() < 0.4
        else Language.ENGLISH,
        "phone": f"{rng.choice(['213', '323', '818', '310'])}555{rng.randint(0, 9999):04d}",
        "zip_code": rng.choice(["90021", "90033", "90043", "90037", "90002", "91340", "90731"]),
        "school_status": school_status,
        "highest_grade_completed": rng.choice([9, 10, 10, 11, 11, 12]),
        "barriers": rng.sample(list(Barrier.values), k=rng.choice([0, 1, 1, 2, 3])),
        "outreach_source": rng.choice(list(OutreachSource.values)),
    }


def _youth_from_mock(index: int, rng: random.Random) -> Youth | None:
    student = student_identity(MOCK_SIS_SEED, index)
    if (timezone.localdate() - student["birth_date"]).days > 24.9 * 365:
        return None
    return Youth(
        legal_first_name=student["first_name"],
        legal_middle_name=student["middle_name"] or "",
        legal_last_name=student["last_surname"],
        preferred_name=student["preferred_first_name"] or "",
        birth_date=student["birth_date"],
        lausd_id=student["student_unique_id"],
        last_school_attended="LAUSD",
        **_profile(rng, student["sex"]),
    )


def _invented_youth(rng: random.Random) -> Youth:
    sex = rng.choice(["Female", "Male"])
    today = timezone.localdate()
    return Youth(
        legal_first_name=rng.choice(FIRST[sex]),
        legal_last_name=rng.choice(LAST),
        birth_date=today - datetime.timedelta(days=rng.randint(int(16.2 * 365), int(24.5 * 365))),
        **_profile(rng, sex),
    )


def _counselors_by_center() -> dict[int, list]:
    staff: dict[int, list] = {}
    for membership in StaffMembership.objects.filter(
        role=Role.COUNSELOR, read_only=False
    ).select_related("user"):
        staff.setdefault(membership.center_id, []).append(membership.user)
    return staff


def _near_duplicate(original: Youth) -> Youth:
    """The same person typed again: accents dropped, day and month swapped, no LAUSD ID."""
    twin = Youth(
        legal_first_name=original.legal_first_name.replace("í", "i").replace("é", "e"),
        legal_last_name=original.legal_last_name.replace("á", "a").replace("Á", "A"),
        birth_date=original.birth_date.replace(month=original.birth_date.day)
        if original.birth_date.day <= 12
        else original.birth_date,
        sex=original.sex,
        school_status=original.school_status,
        phone=original.phone,
    )
    return twin


@transaction.atomic
def seed_demo_youth(*, seed: int = 2026) -> int:
    """Create the demo youth once; run again, it changes nothing. Returns the youth count."""
    if Youth.objects.exists():
        return Youth.objects.count()
    rng = random.Random(seed)  # noqa: S311  (demo data, not secrets)
    today = timezone.localdate()
    counselors = _counselors_by_center()
    mock_index = 0
    originals = []
    for center in Center.objects.order_by("code"):
        for number in range(YOUTH_PER_CENTER):
            youth = None
            if number % 2 == 0:
                while youth is None:
                    youth = _youth_from_mock(mock_index, rng)
                    mock_index += 1
            else:
                youth = _invented_youth(rng)
            youth.save()
            originals.append(youth)
            counselor = rng.choice(counselors[center.pk])
            intake = today - datetime.timedelta(days=rng.randint(1, 330))
            closed = rng.random() < 0.15
            case = Case.objects.create(
                youth=youth,
                center=center,
                counselor=counselor,
                intake_date=intake,
                status="closed" if closed else "open",
                closed_on=intake + datetime.timedelta(days=60) if closed else None,
                closed_reason=rng.choice([ClosedReason.SERVED, ClosedReason.MOVED])
                if closed
                else "",
            )
            if rng.random() < 0.7:
                Consent.objects.create(
                    youth=youth,
                    signer_name=str(youth)
                    if youth.age >= 18
                    else f"Parent of {youth.legal_first_name}",
                    signer_role=SignerRole.YOUTH if youth.age >= 18 else SignerRole.PARENT,
                    signed_on=intake,
                    covers_school_records=True,
                    covers_wioa_sharing=rng.random() < 0.8,
                    covers_text_contact=rng.random() < 0.6,
                    expires_on=intake + datetime.timedelta(days=365),
                    recorded_by=counselor,
                )
            last_contact = None
            for _ in range(rng.randint(0, 4)):
                contact_on = min(today, intake + datetime.timedelta(days=rng.randint(0, 120)))
                kind = rng.choice(list(NoteKind.values))
                CaseNote.objects.create(
                    case=case,
                    kind=kind,
                    contact_on=contact_on,
                    body=rng.choice(NOTES),
                    author=counselor,
                )
                if kind != NoteKind.CONTACT_ATTEMPT:
                    last_contact = max(filter(None, [last_contact, contact_on]))
            if last_contact:
                Case.objects.filter(pk=case.pk).update(last_contact_on=last_contact)
            if not closed and rng.random() < 0.5:
                FollowUp.objects.create(
                    case=case,
                    due_on=today + datetime.timedelta(days=rng.randint(-20, 30)),
                    description=rng.choice(
                        [
                            "Call about the orientation date",
                            "Bring the transcript release",
                            "Check on the CASAS appointment",
                            "Confirm the YouthBuild interview",
                        ]
                    ),
                    assignee=counselor,
                    created_by=counselor,
                )
    for original in originals[5:60:11]:
        twin = _near_duplicate(original)
        twin.save()
        center = original.cases.first().center
        Case.objects.create(
            youth=twin,
            center=center,
            counselor=rng.choice(counselors[center.pk]),
            intake_date=today - datetime.timedelta(days=rng.randint(1, 30)),
            status="closed",
            closed_on=today,
            closed_reason=ClosedReason.OTHER,
            closed_note="Entered twice by mistake; to be merged.",
        )
    return Youth.objects.count()
