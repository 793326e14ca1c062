import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry, Action
from centers.models import Role
from tests.audit.factories import logged
from tests.centers.factories import staff

pytestmark = pytest.mark.django_db

ZONE = timezone.get_current_timezone()
URL = reverse("audit:export")


def at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, 0, tzinfo=ZONE)


def download(client, **fields):
    response = client.post(URL, {"start": "2026-03-02", "end": "2026-03-04", **fields})
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    return response, text


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_an_analyst_downloads_the_period_as_csv_oldest_first(
    client_for, analyst, counselor, youth_a
):
    logged(youth=youth_a, user=counselor, action=Action.VIEWED, at=at(1))  # before the period
    first = logged(youth=youth_a, user=counselor, action=Action.VIEWED, at=at(2, 8))
    # 11 pm on the last day in Los Angeles (already the next day in UTC) is in the period.
    last = logged(youth=youth_a, user=counselor, action=Action.CHANGED, at=at(4, 23))
    logged(youth=youth_a, user=counselor, action=Action.CHANGED, at=at(5, 9))  # after it

    response, text = download(client_for(analyst))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="access-log-2026-03-02-to-2026-03-04.csv"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert text.startswith("\ufeff")
    header, *rows = rows_of(text)
    assert header == [
        "when",
        "user_id",
        "username",
        "roles_and_centers",
        "action",
        "youth_id",
        "page",
        "ip_address",
    ]
    assert rows == [
        [
            "2026-03-02T08:00:00-08:00",
            str(counselor.pk),
            counselor.username,
            "counselor:EAST",
            "viewed",
            str(youth_a.pk),
            first.path,
            "10.0.0.7",
        ],
        [
            "2026-03-04T23:00:00-08:00",
            str(counselor.pk),
            counselor.username,
            "counselor:EAST",
            "changed",
            str(youth_a.pk),
            last.path,
            "10.0.0.7",
        ],
    ]
    assert youth_a.legal_last_name not in text


def test_a_center_limits_the_rows_to_what_its_staff_did(
    client_for, analyst, counselor, other_counselor, youth_a, center_b
):
    logged(youth=youth_a, user=counselor, action=Action.VIEWED, at=at(2))
    theirs = logged(youth=youth_a, user=other_counselor, action=Action.LISTED, at=at(3))

    _, text = download(client_for(analyst), center=center_b.pk)

    rows = rows_of(text)[1:]
    assert [row[1] for row in rows] == [str(other_counselor.pk)]
    assert rows[0][6] == theirs.path


def test_the_export_is_itself_logged_without_a_youth(client_for, analyst):
    download(client_for(analyst))

    entry = AccessLogEntry.objects.get(user=analyst)
    assert entry.action == Action.EXPORTED
    assert entry.youth is None
    assert entry.detail == {
        "access_log_from": "2026-03-02",
        "access_log_to": "2026-03-04",
        "center": None,
    }


@pytest.fixture
def sneaky(centers):
    return staff("=HYPERLINK(1)", Role.COUNSELOR, "EAST")


def test_cells_that_would_run_as_formulas_are_neutralised(client_for, analyst, sneaky, youth_a):
    logged(youth=youth_a, user=sneaky, action=Action.VIEWED, at=at(3))

    _, text = download(client_for(analyst))

    assert rows_of(text)[1][2] == "'=HYPERLINK(1)"


def test_a_period_that_ends_before_it_starts_is_refused_and_not_logged(client_for, analyst):
    response = client_for(analyst).post(URL, {"start": "2026-03-04", "end": "2026-03-02"})

    assert response.status_code == 200
    assert not response.streaming
    assert "The period ends before it starts." in response.content.decode()
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("persona", ["counselor", "supervisor", "administrator"])
def test_only_analysts_may_export_the_access_log(client_for, persona, request):
    user = request.getfixturevalue(persona)
    client = client_for(user)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"start": "2026-03-02", "end": "2026-03-04"}).status_code == 403
    assert not AccessLogEntry.objects.filter(action=Action.EXPORTED).exists()


def test_analysts_find_the_export_in_the_menu(client_for, analyst):
    assert URL in client_for(analyst).get(reverse("home")).content.decode()


def test_counselors_do_not(client_for, counselor):
    page = client_for(counselor).get(reverse("home"))

    assert page.status_code == 200
    assert URL not in page.content.decode()
