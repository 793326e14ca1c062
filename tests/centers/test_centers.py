import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.urls import reverse

from centers.access import (
    centers_visible_to,
    check_center_work,
    get_center_for_user,
    role_required,
    staff_access,
)
from centers.models import Center, Role, StaffMembership
from centers.seed import YOUTHSOURCE_CENTERS, load_youthsource_centers

pytestmark = pytest.mark.django_db


def test_the_data_migration_loads_the_13_youthsource_centers():
    assert Center.objects.count() == 13
    assert set(Center.objects.values_list("code", flat=True)) == {
        code for code, *_ in YOUTHSOURCE_CENTERS
    }
    crenshaw = Center.objects.get(code="CRENS")
    assert crenshaw.name == "Brotherhood Crusade"
    assert crenshaw.address == "5414 S Crenshaw Bl, Los Angeles 90043"


def test_loading_the_centers_again_keeps_an_administrators_edits():
    Center.objects.filter(code="HARBR").update(address="New address, San Pedro 90731")
    assert load_youthsource_centers(Center) == 0
    assert Center.objects.get(code="HARBR").address == "New address, San Pedro 90731"


def test_a_counselor_membership_needs_a_center(counselor):
    with pytest.raises(IntegrityError):
        StaffMembership.objects.create(user=counselor, role=Role.COUNSELOR, center=None)


def test_an_analyst_membership_has_no_center(analyst, center_a):
    with pytest.raises(IntegrityError):
        StaffMembership.objects.create(user=analyst, role=Role.ANALYST, center=center_a)


def test_a_counselor_sees_only_their_center(counselor):
    assert list(centers_visible_to(counselor).values_list("code", flat=True)) == ["EAST"]


def test_a_supervisor_sees_each_center_they_supervise(supervisor):
    assert set(centers_visible_to(supervisor).values_list("code", flat=True)) == {"EAST", "BOYLE"}


@pytest.mark.parametrize("persona", ["analyst", "administrator"])
def test_analysts_and_administrators_see_all_centers(persona, request):
    user = request.getfixturevalue(persona)
    assert centers_visible_to(user).count() == 13


def test_another_centers_work_is_not_found_for_a_counselor(other_counselor, center_a):
    with pytest.raises(Http404):
        check_center_work(other_counselor, center_a)


def test_a_read_only_colleague_may_read_but_not_change(readonly_colleague, center_a):
    check_center_work(readonly_colleague, center_a)
    with pytest.raises(PermissionDenied):
        check_center_work(readonly_colleague, center_a, write=True)


def test_a_counselor_may_change_their_centers_work(counselor, center_a):
    check_center_work(counselor, center_a, write=True)


def test_analysts_do_not_work_cases_at_any_center(analyst, center_a):
    # Analysts see aggregate figures for all centers, never case work.
    with pytest.raises(Http404):
        check_center_work(analyst, center_a)


def test_only_administrators_may_edit_a_center(supervisor, administrator):
    with pytest.raises(PermissionDenied):
        get_center_for_user(supervisor, "EAST", write=True)
    assert get_center_for_user(administrator, "east", write=True).code == "EAST"


def test_a_center_outside_scope_is_not_found(counselor):
    with pytest.raises(Http404):
        get_center_for_user(counselor, "CRENS")


def test_an_inactive_user_has_no_access(counselor):
    counselor.is_active = False
    assert staff_access(counselor).roles == frozenset()


def test_role_required_refuses_other_roles(rf, counselor, analyst):
    @role_required(Role.ANALYST)
    def report(request):
        return "report"

    request = rf.get("/")
    request.user = analyst
    assert report(request) == "report"
    request.user = counselor
    with pytest.raises(PermissionDenied):
        report(request)


def test_the_center_list_shows_a_counselor_only_their_center(client_for, counselor):
    response = client_for(counselor).get(reverse("centers:list"))
    assert response.status_code == 200
    assert list(response.context["centers"].values_list("code", flat=True)) == ["EAST"]
    assert b"Brotherhood Crusade" not in response.content


def test_the_center_list_shows_an_analyst_all_13(client_for, analyst, django_assert_num_queries):
    client = client_for(analyst)
    # session, user, the second factor's device, memberships, centers with staff counts; the
    # session's new expiry (savepoint, update, release)
    with django_assert_num_queries(8):
        response = client.get(reverse("centers:list"))
    assert response.status_code == 200
    assert len(re.findall(rb'href="/centers/[A-Z]+/"', response.content)) == 13


def test_a_centers_page_lists_its_staff(client_for, counselor, readonly_colleague):
    response = client_for(counselor).get(reverse("centers:detail", args=["EAST"]))
    assert response.status_code == 200
    assert readonly_colleague.get_full_name().encode() in response.content
    assert b"Para Los Ni" in response.content


def test_another_centers_page_is_not_found_for_a_counselor(client_for, other_counselor):
    response = client_for(other_counselor).get(reverse("centers:detail", args=["EAST"]))
    assert response.status_code == 404


def test_the_administrator_gets_an_edit_link_on_a_center(client_for, administrator):
    response = client_for(administrator).get(reverse("centers:detail", args=["EAST"]))
    center = Center.objects.get(code="EAST")
    assert reverse("admin:centers_center_change", args=[center.pk]).encode() in response.content


def test_an_administrator_can_edit_a_center_in_the_admin(client_for, administrator):
    from django.contrib.auth.models import Permission

    from centers.demo import ADMINISTRATOR_MODELS

    administrator.user_permissions.set(
        Permission.objects.filter(content_type__model__in=ADMINISTRATOR_MODELS)
    )
    center = Center.objects.get(code="HARBR")
    client = client_for(administrator)
    page = client.get(reverse("admin:centers_center_change", args=[center.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("admin:centers_center_change", args=[center.pk]),
        {
            "code": "HARBR",
            "name": "Harbor YouthSource Center",
            "region": "Harbor",
            "address": "222 W 6th St, San Pedro 90731",
            "phone": "310-555-0100",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    center.refresh_from_db()
    assert center.phone == "310-555-0100"
