"""The SIS client against the mock: in-process where possible, over HTTP for the network faults."""

from __future__ import annotations

import threading

import pytest

from sis_bridge.client import (
    SisClient,
    SisPartialResponse,
    SisResponseError,
    SisUnavailable,
    validate,
)

from .conftest import CLIENT, STUDENTS


@pytest.fixture
def sis_client(client, sleeps):
    """The adapter's client over the in-process mock (the conftest's Starlette test client)."""
    return SisClient(
        base_url="http://testserver",
        client_id=CLIENT[0],
        client_secret=CLIENT[1],
        timeout=2,
        sleep=sleeps,
        jitter=lambda: 1.0,
        http=client,
    )


def queue(sis, **fault):
    from sis_bridge.mock.faults import fault_from_json

    sis.faults.add(fault_from_json(fault))


def test_it_pages_through_every_student_with_offset_and_limit(sis_client):
    fetched = sis_client.fetch_all("students", page_size=128)
    ids = {s["studentUniqueId"] for s in fetched.records}
    assert len(ids) == STUDENTS
    assert fetched.invalid == []
    # discovery, token, then pages of 128, 128 and 44
    assert sis_client.requests == 5


def test_it_reuses_its_token(sis, sis_client):
    sis_client.fetch_all("schools")
    sis_client.fetch_all("courses")
    assert len(sis.tokens._tokens) == 1


def test_it_authenticates_again_once_when_the_token_expired(sis, sis_client, clock):
    sis_client.fetch_all("schools")
    first = sis_client._token
    clock.now += 61  # the mock's tokens live 60 s
    assert len(sis_client.fetch_all("schools").records) == 15
    assert sis_client._token != first


def test_a_token_refused_twice_is_an_error_not_a_loop(sis, sis_client):
    queue(sis, kind="token_expired", count=None)
    with pytest.raises(SisResponseError, match="HTTP 401"):
        sis_client.fetch_all("schools")
    assert sis_client.requests == 5  # discovery, token, 401, token, 401


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_it_retries_server_errors_with_growing_backoff(sis, sis_client, sleeps, status):
    queue(sis, kind="error", status=status, count=2)
    assert len(sis_client.fetch_all("schools").records) == 15
    assert sleeps == [0.5, 1.0]


def test_it_gives_up_after_its_attempts(sis, sis_client, sleeps):
    queue(sis, kind="error", status=503, count=None)
    with pytest.raises(SisUnavailable, match="HTTP 503 after 4 attempts"):
        sis_client.fetch_all("schools")
    assert len(sleeps) == 3


@pytest.mark.parametrize(("retry_after", "waited"), [(7, 7.0), (600, 30.0)])
def test_it_waits_as_long_as_retry_after_says_up_to_a_cap(
    sis, sis_client, sleeps, retry_after, waited
):
    queue(sis, kind="rate_limit", retry_after=retry_after)
    assert len(sis_client.fetch_all("schools").records) == 15
    assert sleeps == [waited]


def test_it_does_not_retry_a_refusal(sis, sis_client, sleeps):
    queue(sis, kind="error", status=403)
    with pytest.raises(SisResponseError, match="HTTP 403"):
        sis_client.fetch_all("schools")
    assert sleeps == []


def test_malformed_records_come_back_named_by_resource_id_and_field(sis, sis_client):
    uid = sis_client.fetch_all("students", page_size=1).records[0]["studentUniqueId"]
    queue(sis, kind="malformed", every=2, path_prefix="/data/v3/ed-fi/courseTranscripts")
    fetched = sis_client.fetch_all("courseTranscripts", studentUniqueId=uid)
    fields = [bad.field for bad in fetched.invalid]
    assert fields[:2] == ["earnedCredits", "courseAttemptResultDescriptor"]
    assert all(
        len(bad.record_id) == 32 and bad.resource == "courseTranscripts" for bad in fetched.invalid
    )
    assert "earnedCredits: must be a finite number, got str" in str(fetched.invalid[0])
    assert fetched.invalid[0].raw["earnedCredits"] == "five"
    total = len(fetched.records) + len(fetched.invalid)
    assert total == len(sis_client.fetch_all("courseTranscripts", studentUniqueId=uid).records)


def test_a_truncated_page_is_a_partial_response(sis, sis_client):
    queue(sis, kind="partial", mode="truncate", path_prefix="/data/v3/ed-fi/students")
    with pytest.raises(SisPartialResponse, match="of 300 records"):
        sis_client.fetch_all("students")


def test_a_cut_body_is_an_error(sis, sis_client):
    queue(sis, kind="partial", mode="body", path_prefix="/data/v3/ed-fi/schools")
    with pytest.raises(SisResponseError, match="not valid JSON"):
        sis_client.fetch_all("schools")


def test_records_stripped_of_nested_arrays_break_the_contract(sis, sis_client):
    queue(sis, kind="partial", mode="nested", path_prefix="/data/v3/ed-fi/studentAcademicRecords")
    fetched = sis_client.fetch_all("studentAcademicRecords", page_size=20)
    assert len(fetched.invalid) == 20  # the whole first page
    assert {bad.field for bad in fetched.invalid} == {"gradePointAverages"}


@pytest.mark.parametrize(
    ("resource", "record", "field"),
    [
        (
            "students",
            {
                "id": "a" * 32,
                "studentUniqueId": "1",
                "firstName": "A",
                "lastSurname": "B",
                "birthDate": "2008-13",
            },
            "birthDate",
        ),
        ("students", ["not", "an", "object"], "$"),
        (
            "studentSchoolAssociations",
            {
                "id": "x",
                "entryDate": "2024-08-12",
                "schoolReference": {},
                "studentReference": {"studentUniqueId": "1"},
                "entryGradeLevelDescriptor": "g",
            },
            "schoolReference.schoolId",
        ),
        (
            "courses",
            {
                "id": "x",
                "courseCode": "1",
                "courseTitle": "T",
                "numberOfParts": 1,
                "educationOrganizationReference": {"educationOrganizationId": 1},
                "identificationCodes": [{"identificationCode": 9}],
            },
            "identificationCodes[0].identificationCode",
        ),
        ("schools", {"id": "x", "schoolId": True, "nameOfInstitution": "S"}, "schoolId"),
    ],
)
def test_validation_names_the_field(resource, record, field):
    problem = validate(resource, record)
    assert problem is not None
    assert (problem.resource, problem.field) == (resource, field)


def test_an_unknown_field_is_ignored():
    school = {"id": "x", "schoolId": 1, "nameOfInstitution": "S", "_ext": {}, "link": {}}
    assert validate("schools", school) is None


# --- over HTTP: the faults only a real socket shows ----------------------------------------


def test_a_dropped_connection_is_retried(mock_sis, live_client, sleeps):
    mock_sis.fault(kind="drop", path_prefix="/data/v3/ed-fi/schools")
    assert len(live_client.fetch_all("schools").records) == 15
    assert len(sleeps) == 1


def test_an_answer_slower_than_the_timeout_is_retried(mock_sis, live_client, sleeps):
    mock_sis.fault(kind="latency", ms=600, path_prefix="/data/v3/ed-fi/schools")
    assert len(live_client.fetch_all("schools").records) == 15
    assert len(sleeps) == 1


def test_a_sis_that_keeps_dropping_is_unavailable(mock_sis, live_client):
    mock_sis.fault(kind="drop", count=None)
    with pytest.raises(SisUnavailable, match="RemoteProtocolError after 3 attempts"):
        live_client.fetch_all("schools")


def test_expired_tokens_are_replaced_over_http(mock_sis, live_client):
    live_client.fetch_all("schools")
    mock_sis.expire_tokens()
    assert len(live_client.fetch_all("schools").records) == 15


def test_change_versions_window_the_students(mock_sis, live_client):
    oldest, newest = live_client.change_versions()
    assert oldest == 0 and newest >= 1000 + 2 * 300
    uid = live_client.fetch_all("students", page_size=1).records[0]["studentUniqueId"]
    version = mock_sis.bump(uid)
    window = {"minChangeVersion": version, "maxChangeVersion": version}
    changed = live_client.fetch_all("students", **window).records
    assert [s["studentUniqueId"] for s in changed] == [uid]


# --- pages in flight: several asked for at once, handed back in order ---------------------


def _ids(pages) -> list[str]:
    return [record["id"] for page in pages for record in page.ordered]


@pytest.mark.parametrize("in_flight", [2, 3])
def test_pages_in_flight_come_back_as_one_at_a_time_does(mock_sis, live_client, in_flight):
    one_by_one = _ids(live_client.pages("studentAcademicRecords", page_size=100))
    before = live_client.requests
    together = _ids(live_client.pages("studentAcademicRecords", page_size=100, in_flight=in_flight))
    assert together == one_by_one and len(set(together)) == len(together) > 300
    pages = -(-len(together) // 100)  # none past the end: the first page told how many
    assert live_client.requests - before == pages


def _pages_before(error, pages):
    """(pages handed back before `error` was raised, their records' ids, the error)."""
    count, ids = 0, []
    with pytest.raises(error) as raised:
        for page in pages:
            count += 1
            ids += [record["id"] for record in page.ordered]
    return count, ids, raised.value


def test_a_truncated_page_in_flight_is_a_partial_response(mock_sis, live_client):
    whole = [r["id"] for r in live_client.fetch_all("students").records]
    mock_sis.fault(kind="partial", mode="truncate", path_prefix="/data/v3/ed-fi/students")
    count, ids, error = _pages_before(
        SisPartialResponse, live_client.pages("students", page_size=100, in_flight=2)
    )
    assert "of 300 records" in str(error)
    # Whichever of the two pages was cut, what came before it came whole and in order.
    assert ids == whole[: len(ids)] and count <= 1


def test_a_failed_page_in_flight_fails_in_its_place(mock_sis, live_client):
    whole = [r["id"] for r in live_client.fetch_all("studentAcademicRecords").records]
    mock_sis.fault(kind="error", status=403, path_prefix="/data/v3/ed-fi/studentAcademicRecords")
    count, ids, error = _pages_before(
        SisResponseError,
        live_client.pages("studentAcademicRecords", page_size=100, in_flight=2),
    )
    assert "HTTP 403" in str(error)
    assert ids == whole[: len(ids)] and count <= 1


def test_a_page_longer_than_its_limit_is_refused(sis, sis_client, monkeypatch):
    """Pages are asked for at fixed offsets: a host that sent more than the limit would
    overlap the next page, and the count of records would end the list early."""
    find = sis.dataset.find

    def generous(resource, filters, window, offset, limit, with_total):
        return find(resource, filters, window, offset, limit + 1, with_total)

    monkeypatch.setattr(sis.dataset, "find", generous)
    with pytest.raises(SisResponseError, match="51 records for a limit of 50"):
        list(sis_client.pages("students", page_size=50))


def test_pages_in_flight_let_their_threads_go_when_the_reader_stops(mock_sis, live_client):
    pages = live_client.pages("courseTranscripts", page_size=50, in_flight=3)
    assert len(next(pages).ordered) == 50
    pages.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("sis-page")]
