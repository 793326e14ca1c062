import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry, Action
from centers.models import Role
from tests.audit.factories import logged
from tests.centers.factories import staff
from tests.youth.factories import CaseFactory, YouthFactory
from youth.choices import CaseStatus, ClosedReason
from youth.models import Youth

pytestmark = pytest.mark.django_db

ZONE = timezone.get_current_timezone()


def at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, 0, tzinfo=ZONE)


def url(youth) -> str:
    return reverse("audit:disclosure_log", args=[youth.pk])


def shown(response) -> list[AccessLogEntry]:
    return [row["entry"] for row in response.context["rows"]]


def test_a_supervisor_sees_who_did_what_to_the_record_newest_first(
    client_for, supervisor, counselor, youth_a
):
    viewed = logged(youth=youth_a, user=counselor, action=Action.VIEWED, at=at(2))
    changed = logged(
        youth=youth_a, user=counselor, action=Action.CHANGED, at=at(3), fields=["phone", "email"]
    )
    pulled = logged(youth=youth_a, user=None, action=Action.SIS_PULLED, at=at(4), sync_run=7)

    response = client_for(supervisor).get(url(youth_a))

    assert response.status_code == 200
    entries = shown(response)
    # The supervisor's own reading of the log comes first: it is the newest read.
    assert entries[0].user == supervisor
    assert entries[1:] == [pulled, changed, viewed]
    page = response.content.decode()
    assert counselor.get_full_name() in page
    assert "Counselor (EAST)" in page
    assert "fields changed: phone, email" in page
    assert "SIS sync run 7" in page
    assert "The system (no staff member)" in page


def test_details_are_written_in_words_never_as_json(client_for, supervisor, counselor, youth_a):
    logged(
        youth=youth_a,
        user=counselor,
        action=Action.TRANSFERRED,
        at=at(2),
        transfer=12,
        to="CRENS",
        status="requested",
    )
    logged(youth=youth_a, user=counselor, action=Action.LISTED, at=at(3), list="caseload")

    page = client_for(supervisor).get(url(youth_a)).content.decode()

    assert "transfer 12; to center CRENS; status: requested" in page
    assert "in the caseload" in page
    assert '"transfer"' not in page
    assert "{&#x27;" not in page and "{'" not in page


def test_reading_the_log_is_itself_logged_as_a_read_of_the_record(client_for, supervisor, youth_a):
    client_for(supervisor).get(url(youth_a))

    entry = AccessLogEntry.objects.get(user=supervisor, youth=youth_a)
    assert entry.action == Action.VIEWED
    assert entry.detail == {"page": "disclosure log"}
    assert entry.path == url(youth_a)


def test_a_counselor_of_the_youths_center_is_refused(client_for, counselor, youth_a):
    response = client_for(counselor).get(url(youth_a))

    assert response.status_code == 403
    assert not AccessLogEntry.objects.filter(user=counselor).exists()


@pytest.mark.parametrize("persona", ["other_counselor", "analyst", "administrator"])
def test_anyone_outside_the_youths_centers_gets_404(client_for, youth_a, persona, request):
    user = request.getfixturevalue(persona)

    assert client_for(user).get(url(youth_a)).status_code == 404


@pytest.fixture
def south_supervisor(centers):
    return staff("sue.supervisor", Role.SUPERVISOR, "CRENS", "VERMT")


def test_a_supervisor_of_other_centers_gets_404(client_for, youth_a, south_supervisor):
    assert client_for(south_supervisor).get(url(youth_a)).status_code == 404


def test_a_supervisor_sees_the_log_of_a_closed_case_at_their_center(
    client_for, supervisor, counselor, center_a
):
    case = CaseFactory(
        center=center_a,
        counselor=counselor,
        status=CaseStatus.CLOSED,
        closed_on=timezone.localdate(),
        closed_reason=ClosedReason.SERVED,
    )

    assert client_for(supervisor).get(url(case.youth)).status_code == 200


def test_the_youth_page_links_to_the_log_for_a_supervisor(client_for, supervisor, youth_a):
    page = client_for(supervisor).get(reverse("youth:detail", args=[youth_a.pk]))

    assert url(youth_a) in page.content.decode()


def test_the_youth_page_has_no_link_to_the_log_for_a_counselor(client_for, counselor, youth_a):
    page = client_for(counselor).get(reverse("youth:detail", args=[youth_a.pk]))

    assert page.status_code == 200
    assert url(youth_a) not in page.content.decode()


def test_entries_of_records_merged_into_this_one_are_included(
    client_for, supervisor, counselor, youth_a
):
    duplicate, older_duplicate = YouthFactory(), YouthFactory()
    Youth.objects.filter(pk=duplicate.pk).update(merged_into=youth_a)
    Youth.objects.filter(pk=older_duplicate.pk).update(merged_into=duplicate)
    before_merge = logged(youth=duplicate, user=counselor, action=Action.CHANGED, at=at(2))
    long_before = logged(youth=older_duplicate, user=counselor, action=Action.VIEWED, at=at(1))
    unrelated = logged(youth=YouthFactory(), user=counselor, action=Action.VIEWED, at=at(3))

    entries = shown(client_for(supervisor).get(url(youth_a)))

    assert entries[-2:] == [before_merge, long_before]
    assert unrelated not in entries


def test_it_filters_by_action_and_by_local_dates(client_for, supervisor, counselor, youth_a):
    # 11 pm on 4 March in Los Angeles is already 5 March in UTC: it belongs to 4 March.
    late_viewed = logged(youth=youth_a, user=counselor, action=Action.VIEWED, at=at(4, 23))
    logged(youth=youth_a, user=counselor, action=Action.VIEWED, at=at(5, 9))
    changed = logged(youth=youth_a, user=counselor, action=Action.CHANGED, at=at(4, 8))
    client = client_for(supervisor)

    by_day = shown(client.get(url(youth_a), {"start": "2026-03-04", "end": "2026-03-04"}))
    by_action = shown(client.get(url(youth_a), {"action": "changed"}))

    assert by_day == [late_viewed, changed]
    assert by_action == [changed]


def test_it_pages_by_fifty(client_for, supervisor, counselor, youth_a):
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(youth=youth_a, user=counselor, action=Action.VIEWED) for _ in range(60)
    )
    client = client_for(supervisor)

    first = client.get(url(youth_a), {"action": "viewed"})
    second = client.get(url(youth_a), {"action": "viewed", "page": 2})

    assert first.context["page"].paginator.count == 61  # with the supervisor's own read
    assert len(shown(first)) == 50
    assert len(shown(second)) == 12  # and the read of the second page
    assert "action=viewed&amp;page=2" in first.content.decode()


@pytest.fixture
def colleagues(centers):
    return [staff(f"staff.{number}", Role.COUNSELOR, "EAST", "BOYLE") for number in range(30)]


def test_the_log_issues_a_fixed_number_of_queries(
    client_for, supervisor, counselor, youth_a, colleagues, django_assert_num_queries
):
    logged(youth=youth_a, user=counselor, action=Action.VIEWED, at=at(1))
    client = client_for(supervisor)
    client.get(url(youth_a))
    # session, user, memberships, the youth (in scope), a case the user supervises, the
    # records merged into it, the log insert, count, the page's rows with each staff member's
    # memberships (one subquery), the session's new expiry
    with CaptureQueriesContext(connection) as captured:
        client.get(url(youth_a))
    baseline = len(captured.captured_queries)
    for number, someone in enumerate(colleagues):
        logged(youth=youth_a, user=someone, action=Action.CHANGED, at=at(2), note=number)
    with django_assert_num_queries(baseline):
        client.get(url(youth_a))
