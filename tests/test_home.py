import pytest
from django.urls import reverse

from tests.centers.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_counselor_lands_on_their_center_and_team(
    client_for, counselor, readonly_colleague, other_counselor, django_assert_num_queries
):
    client = client_for(counselor)
    # session, user, memberships, whether two-step sign-in is on (it is optional for
    # counselors), my open cases, my follow-ups due, my centers with staff counts, team; the
    # session's new expiry (savepoint, update, release)
    with django_assert_num_queries(11):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"Para Los Ni" in response.content
    assert readonly_colleague.get_full_name().encode() in response.content
    assert other_counselor.get_full_name().encode() not in response.content
    assert b"All YouthSource centers" not in response.content


def test_a_supervisor_lands_on_each_center_they_supervise(client_for, supervisor):
    response = client_for(supervisor).get(reverse("home"))
    codes = [center.code for center in response.context["my_centers"]]
    assert sorted(codes) == ["BOYLE", "EAST"]


def test_an_analyst_lands_on_all_13_centers(client_for, analyst):
    response = client_for(analyst).get(reverse("home"))
    assert response.status_code == 200
    assert len(response.context["all_centers"]) == 13
    assert "team" not in response.context


def test_an_administrator_sees_the_13_centers_and_the_staff_accounts(
    client_for, administrator, counselor, django_assert_num_queries
):
    client = client_for(administrator)
    # session, user, the second factor's device, memberships, all centers, active users, users
    # by role, locked accounts; the session's new expiry (savepoint, update, release)
    with django_assert_num_queries(11):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert len(response.context["all_centers"]) == 13
    by_role = dict(response.context["accounts"]["by_role"])
    assert by_role["Counselor"] == 1
    assert by_role["Administrator"] == 1
    assert b"No account is locked." in response.content


def test_a_user_without_a_role_is_told_so(client_for):
    response = client_for(UserFactory(username="newhire")).get(reverse("home"))
    assert response.status_code == 200
    assert b"Your account has no role yet" in response.content


def test_navigation_offers_administration_only_to_administrators(
    client_for, counselor, administrator
):
    assert b"/admin/" not in client_for(counselor).get(reverse("home")).content
    assert b"/admin/" in client_for(administrator).get(reverse("home")).content


def test_the_admin_site_is_refused_to_a_counselor(client_for, counselor):
    response = client_for(counselor).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url
