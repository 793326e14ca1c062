import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from centers.models import Role
from tests.centers.factories import staff
from tests.youth.factories import CaseFactory, FollowUpFactory, YouthFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def names(response):
    return [case.youth.legal_last_name for case in response.context["page"].object_list]


@pytest.fixture
def caseload(counselor, center_a):
    colleague = staff("carla.counselor", Role.COUNSELOR, "EAST")
    young = YouthFactory(
        legal_last_name="Quintero-Ávila",
        birth_date=TODAY.replace(year=TODAY.year - 17),
        barriers=["foster_care"],
    )
    older = YouthFactory(
        legal_last_name="Washington",
        birth_date=TODAY.replace(year=TODAY.year - 22),
        school_status="not_attending",
    )
    quiet = YouthFactory(legal_last_name="Nguyen", birth_date=TODAY.replace(year=TODAY.year - 19))
    CaseFactory(youth=young, center=center_a, counselor=counselor, last_contact_on=TODAY)
    CaseFactory(youth=older, center=center_a, counselor=colleague, last_contact_on=TODAY)
    quiet_case = CaseFactory(
        youth=quiet,
        center=center_a,
        counselor=counselor,
        intake_date=TODAY - datetime.timedelta(days=60),
        last_contact_on=TODAY - datetime.timedelta(days=45),
    )
    FollowUpFactory(case=quiet_case, due_on=TODAY - datetime.timedelta(days=1))
    return {"colleague": colleague}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Nguyen", "Quintero-Ávila", "Washington"]),
        ({"q": "quintero avila"}, ["Quintero-Ávila"]),
        ({"q": "Washingtn"}, ["Washington"]),
        ({"age": "16-17"}, ["Quintero-Ávila"]),
        ({"school_status": "not_attending"}, ["Washington"]),
        ({"barrier": ["foster_care", "disability"]}, ["Quintero-Ávila"]),
        ({"no_contact_days": "30"}, ["Nguyen"]),
        ({"follow_up_due": "true"}, ["Nguyen"]),
        ({"sort": "age"}, ["Quintero-Ávila", "Nguyen", "Washington"]),
        ({"sort": "contact"}, ["Nguyen", "Quintero-Ávila", "Washington"]),
    ],
)
def test_the_caseload_filters(query, expected, client_for, counselor, caseload):
    response = client_for(counselor).get(reverse("youth:caseload"), query)
    assert response.status_code == 200
    assert names(response) == expected


def test_the_caseload_filters_by_counselor(client_for, counselor, caseload):
    response = client_for(counselor).get(
        reverse("youth:caseload"), {"counselor": caseload["colleague"].pk}
    )
    assert names(response) == ["Washington"]


def test_an_htmx_request_gets_only_the_results(client_for, counselor, caseload):
    response = client_for(counselor).get(
        reverse("youth:caseload"), {"q": "nguyen"}, HTTP_HX_REQUEST="true"
    )
    assert response.content.lstrip().startswith(b'<div id="results"')
    assert b"<html" not in response.content


def test_the_caseload_pages_by_25(client_for, counselor, center_a):
    for _ in range(30):
        CaseFactory(center=center_a, counselor=counselor)
    client = client_for(counselor)
    first = client.get(reverse("youth:caseload"))
    assert len(first.context["page"].object_list) == 25
    second = client.get(reverse("youth:caseload"), {"page": 2})
    assert len(second.context["page"].object_list) == 5


def test_the_caseload_issues_a_fixed_number_of_queries(
    client_for, counselor, center_a, django_assert_num_queries
):
    for _ in range(10):
        CaseFactory(center=center_a, counselor=counselor)
    client = client_for(counselor)
    # session, user, memberships, filter choices (centers, counselors), count, rows,
    # access-log insert (one bulk insert, in a savepoint); the session's new expiry
    # (savepoint, update, release)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("youth:caseload"))
    ten = len(captured.captured_queries)
    for _ in range(10):
        CaseFactory(center=center_a, counselor=counselor)
    with django_assert_num_queries(ten):
        client.get(reverse("youth:caseload"))


def test_the_youth_page_issues_a_fixed_number_of_queries(
    client_for, counselor, case_a, django_assert_num_queries
):
    from tests.youth.factories import CaseNoteFactory, ConsentFactory

    ConsentFactory(youth=case_a.youth)  # so the education-records panel reads the SIS tables
    client = client_for(counselor)
    url = reverse("youth:detail", args=[case_a.youth_id])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    baseline = len(captured.captured_queries)
    for _ in range(5):
        CaseNoteFactory(case=case_a)
        FollowUpFactory(case=case_a)
        ConsentFactory(youth=case_a.youth)
    with django_assert_num_queries(baseline):
        client.get(url)
