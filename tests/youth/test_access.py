"""Every youth view: a counselor at another center gets 404, a read-only colleague gets 403 on
changes, analysts and administrators see no case content."""

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry

pytestmark = pytest.mark.django_db

READ_VIEWS = ["youth:detail"]
WRITE_VIEWS = [
    "youth:edit",
    "youth:note_add",
    "youth:follow_up_add",
    "youth:consent_add",
    "youth:transfer_request",
]
SUPERVISOR_VIEWS = ["youth:close", "youth:reassign"]


@pytest.mark.parametrize("name", READ_VIEWS + WRITE_VIEWS + SUPERVISOR_VIEWS)
def test_a_counselor_at_another_center_gets_404(name, client_for, other_counselor, youth_a):
    response = client_for(other_counselor).get(reverse(name, args=[youth_a.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["analyst", "administrator"])
@pytest.mark.parametrize("name", READ_VIEWS + WRITE_VIEWS)
def test_analysts_and_administrators_see_no_case_content(
    name, persona, request, client_for, youth_a
):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse(name, args=[youth_a.pk])).status_code == 404


@pytest.mark.parametrize("name", WRITE_VIEWS)
def test_a_read_only_colleague_gets_403_on_changes(name, client_for, readonly_colleague, youth_a):
    assert client_for(readonly_colleague).get(reverse(name, args=[youth_a.pk])).status_code == 403


def test_a_read_only_colleague_may_read_the_record(client_for, readonly_colleague, youth_a):
    assert (
        client_for(readonly_colleague).get(reverse("youth:detail", args=[youth_a.pk])).status_code
        == 200
    )


@pytest.mark.parametrize("name", SUPERVISOR_VIEWS)
def test_closing_and_reassigning_are_for_supervisors(
    name, client_for, counselor, supervisor, youth_a
):
    assert client_for(counselor).get(reverse(name, args=[youth_a.pk])).status_code == 403
    assert client_for(supervisor).get(reverse(name, args=[youth_a.pk])).status_code == 200


def test_the_caseload_lists_only_the_users_centers(client_for, other_counselor, youth_a):
    youth_a.legal_last_name = "Zamudio-Quintanilla"
    youth_a.save()
    response = client_for(other_counselor).get(reverse("youth:caseload"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert b"Zamudio-Quintanilla" not in response.content


def test_viewing_a_record_is_logged(client_for, counselor, youth_a):
    client_for(counselor).get(reverse("youth:detail", args=[youth_a.pk]))
    entry = AccessLogEntry.objects.get(youth=youth_a, action="viewed")
    assert entry.user == counselor
    assert entry.path == reverse("youth:detail", args=[youth_a.pk])


def test_a_caseload_page_logs_each_youth_listed(client_for, counselor, youth_a):
    client_for(counselor).get(reverse("youth:caseload"))
    assert (
        AccessLogEntry.objects.filter(youth=youth_a, action="listed", user=counselor).count() == 1
    )


def test_a_refused_view_logs_nothing(client_for, other_counselor, youth_a):
    client_for(other_counselor).get(reverse("youth:detail", args=[youth_a.pk]))
    assert not AccessLogEntry.objects.filter(youth=youth_a).exists()
