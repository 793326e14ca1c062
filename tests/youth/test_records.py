import datetime

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from tests.youth.factories import CaseFactory, ConsentFactory, YouthFactory
from youth.models import Case, Consent, Youth
from youth.services import consent_terms, school_records_consented

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def intake_data(center, counselor, **overrides):
    data = {
        "legal_first_name": "Guadalupe",
        "legal_last_name": "Quintero-Ávila",
        "birth_date": "2007-03-04",
        "sex": "female",
        "hispanic_latino": "yes",
        "preferred_language": "es",
        "phone": "(213) 555-0142",
        "city": "Los Angeles",
        "zip_code": "90021",
        "lausd_id": "030407F123",
        "school_status": "dropout",
        "highest_grade_completed": "10",
        "barriers": ["low_income", "pregnant_parenting"],
        "center": center.pk,
        "counselor": counselor.pk,
        "intake_date": TODAY.isoformat(),
    }
    data.update(overrides)
    return data


def test_an_intake_creates_the_youth_and_an_open_case(client_for, counselor, center_a):
    response = client_for(counselor).post(reverse("youth:intake"), intake_data(center_a, counselor))
    youth = Youth.objects.get(lausd_id="030407F123")
    assert response.status_code == 302
    assert response.url == reverse("youth:detail", args=[youth.pk])
    assert youth.phone == "2135550142"
    assert youth.barriers == ["low_income", "pregnant_parenting"]
    case = youth.cases.get()
    assert (case.center, case.counselor, case.status) == (center_a, counselor, "open")
    assert AccessLogEntry.objects.filter(youth=youth, action="created").exists()
    assert youth.events.count() == 1  # pghistory kept the insert


def test_bad_input_gets_field_errors_and_keeps_what_was_typed(client_for, counselor, center_a):
    data = intake_data(
        center_a,
        counselor,
        birth_date="2030-01-01",
        phone="555-01",
        zip_code="9002",
        lausd_id="12345",
        email="not-an-email",
        legal_first_name="Guadalupe",
    )
    response = client_for(counselor).post(reverse("youth:intake"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"birth_date", "phone", "zip_code", "lausd_id", "email"}
    assert "The date of birth is in the future." in errors["birth_date"]
    assert b'value="Guadalupe"' in response.content
    assert b'value="555-01"' in response.content
    assert not Youth.objects.exists()


def test_an_age_outside_14_to_24_is_refused(client_for, counselor, center_a):
    birth = TODAY.replace(year=TODAY.year - 30).isoformat()
    response = client_for(counselor).post(
        reverse("youth:intake"), intake_data(center_a, counselor, birth_date=birth)
    )
    assert "birth_date" in response.context["form"].errors
    assert not Youth.objects.exists()


def test_a_15_year_old_is_taken_with_a_wioa_age_warning(client_for, counselor, center_a):
    birth = (TODAY.replace(year=TODAY.year - 15) - datetime.timedelta(days=10)).isoformat()
    response = client_for(counselor).post(
        reverse("youth:intake"), intake_data(center_a, counselor, birth_date=birth), follow=True
    )
    assert Youth.objects.count() == 1
    assert "outside the WIOA youth ages" in response.content.decode()


def test_an_existing_record_blocks_the_intake_until_confirmed(client_for, counselor, center_a):
    existing = YouthFactory(
        legal_first_name="Guadalupe",
        legal_last_name="Quintero Avila",
        birth_date=datetime.date(2007, 3, 4),
    )
    CaseFactory(youth=existing, center=center_a, counselor=counselor)
    client = client_for(counselor)
    data = intake_data(center_a, counselor, lausd_id="")
    response = client.post(reverse("youth:intake"), data)
    assert response.status_code == 200
    assert Youth.objects.count() == 1
    assert [m["candidate"].youth for m in response.context["matches"]][:1] == [existing]
    assert b"this is a different person" in response.content
    response = client.post(reverse("youth:intake"), {**data, "confirmed_different": "on"})
    assert response.status_code == 302
    assert Youth.objects.count() == 2


def test_a_match_at_another_center_shows_only_where_the_record_is(
    client_for, other_counselor, counselor, center_a, center_b
):
    existing = YouthFactory(
        legal_first_name="Guadalupe",
        legal_last_name="Quintero-Ávila",
        birth_date=datetime.date(2007, 3, 4),
        phone="2135550142",
    )
    CaseFactory(youth=existing, center=center_a, counselor=counselor)
    response = client_for(other_counselor).post(
        reverse("youth:intake_check"),
        {"legal_first_name": "Lupe", "legal_last_name": "Quintero", "birth_date": "2007-03-04"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "A record exists with an open case at Para Los Niños" in page
    assert "Quintero" not in page
    assert reverse("youth:detail", args=[existing.pk]) not in page


def test_one_youth_has_one_open_case_at_a_time(case_a, center_b, other_counselor):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(youth=case_a.youth, center=center_b, counselor=other_counselor)


def test_the_access_log_refuses_update_and_delete(client_for, counselor, youth_a):
    client_for(counselor).get(reverse("youth:detail", args=[youth_a.pk]))
    entry = AccessLogEntry.objects.get(youth=youth_a)
    with pytest.raises(InternalError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(action="changed")
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accesslogentry")
    assert AccessLogEntry.objects.filter(pk=entry.pk, action="viewed").exists()


def test_bulk_updates_are_kept_in_the_history(youth_a):
    Youth.objects.filter(pk=youth_a.pk).update(phone="3235550100")
    assert youth_a.events.order_by("pgh_id").last().phone == "3235550100"


def test_a_returning_youth_can_be_opened_only_after_the_check_found_them(
    client_for, counselor, other_counselor, center_a
):
    youth = YouthFactory(
        legal_first_name="Guadalupe",
        legal_last_name="Quintero-Ávila",
        birth_date=datetime.date(2007, 3, 4),
    )
    CaseFactory(
        youth=youth,
        center=center_a,
        counselor=counselor,
        status="closed",
        closed_on=TODAY,
        closed_reason="moved",
    )
    client = client_for(other_counselor)
    url = reverse("youth:open_case_here", args=[youth.pk])
    assert client.post(url).status_code == 404
    client.post(
        reverse("youth:intake_check"),
        {"legal_first_name": "Lupe", "legal_last_name": "Quintero", "birth_date": "2007-03-04"},
    )
    assert client.post(url).status_code == 302
    assert youth.cases.get(status="open").center.code == "CRENS"


@pytest.mark.parametrize("persona", ["analyst", "administrator", "readonly_colleague"])
def test_the_duplicate_check_is_only_for_staff_who_take_intakes(persona, request, client_for):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(reverse("youth:intake_check"), {"phone": "2135550142"})
    assert response.status_code == 403


def test_every_match_shown_by_the_check_is_logged(client_for, other_counselor, counselor, center_a):
    youth = YouthFactory(phone="2135550142", legal_last_name="Quintero")
    CaseFactory(youth=youth, center=center_a, counselor=counselor)
    client_for(other_counselor).post(
        reverse("youth:intake_check"), {"legal_last_name": "Quintero", "phone": "213-555-0142"}
    )
    assert AccessLogEntry.objects.filter(
        youth=youth, user=other_counselor, action="listed"
    ).exists()


def test_consent_terms_read_as_values_answer_as_the_consents_themselves():
    """The nightly sync reads consents as ConsentTerms (values, 100,000 youth at a time): for
    every kind of consent it must allow exactly what the model instances allow."""
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    month_ago = today - 30 * day
    cases = {
        "in force": {},
        "not covering school records": {"covers_school_records": False},
        "withdrawn yesterday": {"signed_on": month_ago, "withdrawn_on": today - day},
        "withdrawn from tomorrow": {"signed_on": month_ago, "withdrawn_on": today + day},
        "expired yesterday": {"signed_on": month_ago, "expires_on": today - day},
        "expires today": {"signed_on": month_ago, "expires_on": today},
        "signed tomorrow": {"signed_on": today + day},
    }
    youths = {name: ConsentFactory(**fields).youth for name, fields in cases.items()}
    youths["no consent"] = YouthFactory()

    terms = consent_terms([youth.pk for youth in youths.values()])
    instances: dict[int, list[Consent]] = {}
    for consent in Consent.objects.filter(youth__in=youths.values()):
        instances.setdefault(consent.youth_id, []).append(consent)

    allowed = {}
    for name, youth in youths.items():
        from_values = school_records_consented(terms.get(youth.pk, []), today)
        assert from_values == school_records_consented(instances.get(youth.pk, []), today), name
        allowed[name] = from_values
    assert allowed == {
        "in force": True,
        "not covering school records": False,
        "withdrawn yesterday": False,
        "withdrawn from tomorrow": True,
        "expired yesterday": False,
        "expires today": True,
        "signed tomorrow": False,
        "no consent": False,
    }
