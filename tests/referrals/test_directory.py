import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from referrals.models import Program, ProgramKind, ReferralStatus
from referrals.programs import PROGRAMS, load_programs
from tests.referrals.factories import ReferralFactory
from tests.youth.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_the_data_migration_loaded_the_programs_directory():
    assert set(Program.objects.values_list("code", flat=True)) >= {p["code"] for p in PROGRAMS}


@pytest.mark.parametrize(
    ("code", "kind", "min_age", "max_age"),
    [
        ("home-high-school", ProgramKind.SCHOOL, None, 18),
        ("continuation-high-school", ProgramKind.SCHOOL, 16, 17),
        ("independent-study", ProgramKind.SCHOOL, None, 18),
        ("adult-school-diploma", ProgramKind.SCHOOL, 18, None),
        ("dropout-recovery-charter", ProgramKind.SCHOOL, 16, None),
        ("hiset", ProgramKind.EQUIVALENCY, 18, None),
        ("ged", ProgramKind.EQUIVALENCY, 18, None),
        ("chspe", ProgramKind.EQUIVALENCY, 16, None),
        ("youthbuild", ProgramKind.OTHER, 16, 24),
        ("job-corps", ProgramKind.OTHER, 16, 24),
        ("community-college", ProgramKind.OTHER, 18, None),
        ("wioa-youth-program", ProgramKind.WIOA, 16, 24),
    ],
)
def test_the_directory_carries_each_options_kind_and_age_rule(code, kind, min_age, max_age):
    program = Program.objects.get(code=code)
    assert (program.kind, program.min_age, program.max_age) == (kind, min_age, max_age)


def test_the_adult_school_notes_its_170_credit_diploma():
    assert "170 credits" in Program.objects.get(code="adult-school-diploma").conditions


def test_the_hiset_notes_its_special_cases_for_16_and_17_year_olds():
    assert "16-17" in Program.objects.get(code="hiset").conditions


def test_one_wioa_youth_program_serves_every_center():
    program = Program.objects.get(code="wioa-youth-program")
    assert not program.centers.exists()
    assert not program.external


def test_programs_outside_lausd_and_the_center_need_consent():
    external = set(Program.objects.filter(external=True).values_list("code", flat=True))
    assert external == {"dropout-recovery-charter", "youthbuild", "job-corps", "community-college"}


def test_the_directory_lists_wioa_services_with_their_program_element():
    services = Program.objects.filter(kind=ProgramKind.WIOA).exclude(wioa_element="")
    assert set(services.values_list("wioa_element", flat=True)) == {
        "work_experience",
        "occupational_training",
        "tutoring",
    }


def test_loading_the_directory_again_keeps_an_administrators_edits():
    Program.objects.filter(code="continuation-high-school").update(contact_phone="213-555-0100")
    assert load_programs(Program) == 0
    assert Program.objects.get(code="continuation-high-school").contact_phone == "213-555-0100"


def test_loading_the_directory_restores_a_missing_program():
    Program.objects.filter(code="chspe").delete()
    assert load_programs(Program) == 1
    assert Program.objects.filter(code="chspe").exists()


@pytest.fixture
def directory_keeper(administrator):
    administrator.user_permissions.set(Permission.objects.filter(content_type__model="program"))
    return administrator


def test_an_administrator_edits_a_program_in_the_admin(client_for, directory_keeper, center_a):
    program = Program.objects.get(code="continuation-high-school")
    client = client_for(directory_keeper)
    url = reverse("admin:referrals_program_change", args=[program.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "code": program.code,
            "name": program.name,
            "kind": program.kind,
            "provider": program.provider,
            "centers": [center_a.pk],
            "min_age": 16,
            "max_age": 17,
            "contact_phone": "213-555-0100",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    program.refresh_from_db()
    assert program.contact_phone == "213-555-0100"
    assert list(program.centers.all()) == [center_a]


def test_referrals_are_read_only_in_the_admin(client_for, administrator, center_a):
    administrator.is_superuser = True
    administrator.save(update_fields=["is_superuser"])
    referral = ReferralFactory(
        case=CaseFactory(), status=ReferralStatus.SENT, program=Program.objects.get(code="ged")
    )
    client = client_for(administrator)

    listing = client.get(reverse("admin:referrals_referral_changelist"))
    assert listing.status_code == 200
    assert b"GED" in listing.content
    assert client.get(reverse("admin:referrals_referral_add")).status_code == 403
    change_url = reverse("admin:referrals_referral_change", args=[referral.pk])
    response = client.post(change_url, {"status": ReferralStatus.WITHDRAWN})
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
