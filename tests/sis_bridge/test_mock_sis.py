"""The mock LAUSD SIS speaks the Ed-Fi contract: tokens, paging, filters, items, change queries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from sis_bridge.mock.app import create_app

from .conftest import CLIENT, STUDENTS, FakeClock

API = "/data/v3/ed-fi"
EDFI = Path(__file__).resolve().parents[3] / "shared" / "edfi"  # the design folder


def _all(client: TestClient, auth: dict, resource: str, limit: int = 500, **params) -> list:
    records, offset = [], 0
    while True:
        page = client.get(
            f"{API}/{resource}", params={"offset": offset, "limit": limit, **params}, headers=auth
        ).json()
        records.extend(page)
        if len(page) < limit:
            return records
        offset += limit


# --- discovery and tokens ---------------------------------------------------------------------


def test_discovery_points_every_url_at_this_server(client: TestClient) -> None:
    body = client.get("/", headers={"Host": "mock-sis:8001"}).json()

    assert body["urls"]["oauth"] == "http://mock-sis:8001/oauth/token"
    assert body["urls"]["dataManagementApi"] == "http://mock-sis:8001/data/v3/"
    assert body["urls"]["changeQueries"] == "http://mock-sis:8001/changeQueries/v1/"
    assert {"name": "Ed-Fi", "version": "5.0.0"}.items() <= body["dataModels"][0].items()
    assert client.get(body["urls"]["dependencies"]).json()[0]["resource"] == "/ed-fi/schools"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": {"grant_type": "client_credentials"}, "auth": CLIENT},
        {
            "data": {
                "grant_type": "client_credentials",
                "client_id": CLIENT[0],
                "client_secret": CLIENT[1],
            }
        },
        {
            "json": {
                "grant_type": "client_credentials",
                "client_id": CLIENT[0],
                "client_secret": CLIENT[1],
            }
        },
    ],
    ids=["basic", "form", "json"],
)
def test_it_issues_a_bearer_token_for_client_credentials(client: TestClient, kwargs: dict) -> None:
    response = client.post("/oauth/token", **kwargs)

    assert response.status_code == 200
    body = response.json()
    assert len(body["access_token"]) == 32 and int(body["access_token"], 16) >= 0
    assert body["expires_in"] == 60 and body["token_type"] == "bearer"
    assert (
        client.get(
            f"{API}/schools", headers={"Authorization": f"Bearer {body['access_token']}"}
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("kwargs", "status", "error"),
    [
        (
            {"data": {"grant_type": "client_credentials"}, "auth": ("reengage", "wrong")},
            401,
            "invalid_client",
        ),
        ({"data": {"grant_type": "client_credentials"}}, 401, "invalid_request"),
        (
            {"data": {"grant_type": "client_credentials", "client_id": "reengage"}, "auth": CLIENT},
            400,
            "invalid_client",
        ),
        ({"data": {"grant_type": "password"}, "auth": CLIENT}, 400, "unsupported_grant_type"),
        (
            {"data": {"grant_type": "client_credentials", "scope": "abc"}, "auth": CLIENT},
            400,
            "invalid_scope",
        ),
        (
            {
                "data": {"grant_type": "client_credentials"},
                "headers": {"Authorization": "Bearer x"},
            },
            401,
            "invalid_client",
        ),
        (
            {
                "data": {"grant_type": "client_credentials"},
                "headers": {"Authorization": "Basic !!"},
            },
            400,
            "invalid_request",
        ),
    ],
    ids=["bad-secret", "no-credentials", "both-places", "grant", "scope", "scheme", "malformed"],
)
def test_it_refuses_bad_token_requests_with_oauth_errors(
    client: TestClient, kwargs: dict, status: int, error: str
) -> None:
    response = client.post("/oauth/token", **kwargs)

    assert response.status_code == status
    assert response.json()["error"] == error


def test_a_numeric_scope_of_the_district_is_echoed(client: TestClient) -> None:
    body = client.post(
        "/oauth/token", data={"grant_type": "client_credentials", "scope": "1964733"}, auth=CLIENT
    ).json()

    assert body["scope"] == "1964733"


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "Authorization header is missing."),
        ({"Authorization": "Basic abc"}, "Invalid Authorization header."),
        (
            {"Authorization": "Bearer 0123456789abcdef0123456789abcdef"},
            "Invalid token or token expired.",
        ),
    ],
)
def test_data_routes_answer_401_problems_without_a_valid_token(
    client: TestClient, headers: dict, message: str
) -> None:
    for path in (f"{API}/students", "/changeQueries/v1/availableChangeVersions"):
        response = client.get(path, headers=headers)

        assert response.status_code == 401
        body = response.json()
        assert body["type"] == "urn:ed-fi:api:security:authentication"
        assert body["title"] == "Authentication Failed" and body["status"] == 401
        assert body["errors"] == [message] and body["correlationId"]


def test_tokens_expire_after_their_lifetime(
    client: TestClient, auth: dict, clock: FakeClock
) -> None:
    assert client.get(f"{API}/schools", headers=auth).status_code == 200

    clock.now += 61

    response = client.get(f"{API}/schools", headers=auth)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_the_token_limit_answers_429_too_many_tokens() -> None:
    client = TestClient(create_app(seed=1, students=10, token_limit=2))
    statuses = [
        client.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=CLIENT)
        for _ in range(3)
    ]

    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert statuses[2].json()["type"] == "urn:ed-fi:api:security:authentication:too-many-tokens"


# --- paging, filters, items -------------------------------------------------------------------


def test_paging_returns_every_student_once_and_the_total_count(
    client: TestClient, auth: dict
) -> None:
    first = client.get(f"{API}/students", params={"limit": 7, "totalCount": "true"}, headers=auth)
    students = _all(client, auth, "students", limit=100)

    assert first.headers["Total-Count"] == str(STUDENTS)
    assert len(first.json()) == 7
    assert len(students) == STUDENTS == len({s["studentUniqueId"] for s in students})
    assert [s["id"] for s in students[:7]] == [s["id"] for s in first.json()]
    assert "Total-Count" not in client.get(f"{API}/students", headers=auth).headers


def test_default_page_is_25_and_limit_0_only_counts(client: TestClient, auth: dict) -> None:
    assert len(client.get(f"{API}/students", headers=auth).json()) == 25
    counted = client.get(
        f"{API}/courseTranscripts", params={"limit": 0, "totalCount": "true"}, headers=auth
    )
    assert counted.json() == [] and int(counted.headers["Total-Count"]) > STUDENTS * 3


@pytest.mark.parametrize(
    "resource", ["studentSchoolAssociations", "studentAcademicRecords", "courseTranscripts"]
)
def test_global_pages_of_student_records_match_the_per_student_records(
    client: TestClient, auth: dict, resource: str
) -> None:
    students = _all(client, auth, "students")[:40]
    per_student = [
        record["id"]
        for s in students
        for record in client.get(
            f"{API}/{resource}",
            params={"studentUniqueId": s["studentUniqueId"], "limit": 500},
            headers=auth,
        ).json()
    ]
    paged = [r["id"] for r in _all(client, auth, resource, limit=37)]
    total = client.get(f"{API}/{resource}", params={"limit": 0, "totalCount": "true"}, headers=auth)

    assert paged[: len(per_student)] == per_student
    assert len(paged) == len(set(paged)) == int(total.headers["Total-Count"])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": 501}, "Limit must be omitted or set to a value between 0 and 500."),
        ({"limit": -1}, "Limit must be omitted or set to a value between 0 and 500."),
        ({"limit": "ten"}, "Limit must be omitted or set to a value between 0 and 500."),
        ({"offset": -5}, "Offset must be omitted or set to a value greater than or equal to 0."),
        ({"schoolId": "abc"}, "The value 'abc' is not valid for schoolId."),
    ],
)
def test_bad_parameters_are_400_parameter_validation_problems(
    client: TestClient, auth: dict, params: dict, message: str
) -> None:
    response = client.get(f"{API}/studentSchoolAssociations", params=params, headers=auth)

    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "urn:ed-fi:api:bad-request:parameter-validation-failed"
    assert body["title"] == "Parameter Validation Failed"
    assert body["errors"] == [message]


def test_filters_by_student_school_term_and_course(client: TestClient, auth: dict) -> None:
    uid = _all(client, auth, "students")[5]["studentUniqueId"]
    transcripts = client.get(
        f"{API}/courseTranscripts", params={"studentUniqueId": uid, "limit": 500}, headers=auth
    ).json()
    first = transcripts[0]["studentAcademicRecordReference"]
    term_records = client.get(
        f"{API}/studentAcademicRecords",
        params={
            "studentUniqueId": uid,
            "schoolYear": first["schoolYear"],
            "termDescriptor": first["termDescriptor"],
        },
        headers=auth,
    ).json()
    school_id = 884001
    at_school = _all(client, auth, "studentSchoolAssociations", schoolId=school_id)
    english = client.get(
        f"{API}/courseTranscripts", params={"courseCode": "9105A", "limit": 500}, headers=auth
    ).json()

    assert transcripts and all(
        t["studentAcademicRecordReference"]["studentUniqueId"] == uid for t in transcripts
    )
    assert (
        len(term_records) == 1
        and term_records[0]["educationOrganizationReference"]["educationOrganizationId"]
        == first["educationOrganizationId"]
    )
    assert at_school and all(a["schoolReference"]["schoolId"] == school_id for a in at_school)
    assert english and all(t["courseReference"]["courseCode"] == "9105A" for t in english)
    assert (
        client.get(f"{API}/students", params={"studentUniqueId": "999999X999"}, headers=auth).json()
        == []
    )
    assert (
        len(client.get(f"{API}/schools", params={"schoolId": school_id}, headers=auth).json()) == 1
    )


def test_get_by_id_returns_the_item_and_404_otherwise(client: TestClient, auth: dict) -> None:
    for resource in ("schools", "courses", "students", "courseTranscripts"):
        listed = client.get(
            f"{API}/{resource}", params={"offset": 3, "limit": 1}, headers=auth
        ).json()[0]
        assert client.get(f"{API}/{resource}/{listed['id']}", headers=auth).json() == listed

    missing = client.get(f"{API}/students/{'0' * 32}", headers=auth)
    assert missing.status_code == 404
    assert missing.json()["type"] == "urn:ed-fi:api:not-found"
    assert missing.json()["detail"] == "The specified item could not be found."
    transcript_id = client.get(f"{API}/courseTranscripts", headers=auth).json()[0]["id"]
    assert client.get(f"{API}/students/{transcript_id}", headers=auth).status_code == 404
    assert client.get(f"{API}/staffs", headers=auth).json()["type"] == "urn:ed-fi:api:not-found"


def test_items_carry_etags_and_if_none_match_gives_304(client: TestClient, auth: dict) -> None:
    student = client.get(f"{API}/students", headers=auth).json()[0]
    response = client.get(f"{API}/students/{student['id']}", headers=auth)

    assert response.headers["ETag"] == f'"{student["_etag"]}"'
    cached = client.get(
        f"{API}/students/{student['id']}",
        headers={**auth, "If-None-Match": response.headers["ETag"]},
    )
    assert cached.status_code == 304 and cached.content == b""
    stale = client.get(f"{API}/students/{student['id']}", headers={**auth, "If-None-Match": '"1"'})
    assert stale.status_code == 200
    locked = client.put(
        f"{API}/students/{student['id']}", headers={**auth, "If-Match": '"1"'}, json={}
    )
    assert (
        locked.status_code == 412
        and locked.json()["type"] == "urn:ed-fi:api:optimistic-lock-failed"
    )
    assert client.post(f"{API}/students", headers=auth, json={}).status_code == 405


# --- change queries ---------------------------------------------------------------------------


def test_change_versions_separate_the_initial_load_from_later_edits(
    client: TestClient, auth: dict
) -> None:
    health = client.get("/_mock/health").json()
    versions = client.get("/changeQueries/v1/availableChangeVersions", headers=auth).json()
    initial = health["initialLoadChangeVersion"]
    loaded = _all(client, auth, "students", maxChangeVersion=initial)
    edited = _all(client, auth, "students", minChangeVersion=initial + 1)
    everyone = {s["studentUniqueId"] for s in _all(client, auth, "students")}

    assert versions == {
        "oldestChangeVersion": 0,
        "newestChangeVersion": health["newestChangeVersion"],
    }
    assert 0 < len(edited) < STUDENTS / 5
    assert {s["studentUniqueId"] for s in loaded} | {
        s["studentUniqueId"] for s in edited
    } == everyone
    assert len(loaded) + len(edited) == STUDENTS
    edited_ids = {s["studentUniqueId"] for s in edited}
    edited_transcripts = _all(client, auth, "courseTranscripts", minChangeVersion=initial + 1)
    assert {
        t["studentAcademicRecordReference"]["studentUniqueId"] for t in edited_transcripts
    } == edited_ids


def test_bumping_a_student_puts_its_records_in_the_next_window(
    client: TestClient, auth: dict
) -> None:
    newest = client.get("/changeQueries/v1/availableChangeVersions", headers=auth).json()[
        "newestChangeVersion"
    ]
    student = client.get(f"{API}/students", params={"offset": 10, "limit": 1}, headers=auth).json()[
        0
    ]

    bumped = client.post("/_mock/bump", params={"studentUniqueId": student["studentUniqueId"]})

    assert bumped.json() == {
        "studentUniqueId": student["studentUniqueId"],
        "changeVersion": newest + 1,
    }
    after = client.get("/changeQueries/v1/availableChangeVersions", headers=auth).json()
    assert after["newestChangeVersion"] == newest + 1
    window = {"minChangeVersion": newest + 1, "maxChangeVersion": newest + 1}
    assert [s["id"] for s in _all(client, auth, "students", **window)] == [student["id"]]
    records = _all(client, auth, "studentAcademicRecords", **window)
    assert records and {r["studentReference"]["studentUniqueId"] for r in records} == {
        student["studentUniqueId"]
    }
    refreshed = client.get(f"{API}/students/{student['id']}", headers=auth).json()
    assert (
        refreshed["_etag"] != student["_etag"]
        and refreshed["_lastModifiedDate"] > student["_lastModifiedDate"]
    )
    assert client.post("/_mock/bump", params={"studentUniqueId": "000000X000"}).status_code == 404


def test_deletes_and_key_changes_list_enrollment_changes_in_the_window(
    client: TestClient, auth: dict
) -> None:
    initial = client.get("/_mock/health").json()["initialLoadChangeVersion"]
    ssa = f"{API}/studentSchoolAssociations"
    deletes = client.get(
        f"{ssa}/deletes", params={"minChangeVersion": initial + 1, "limit": 500}, headers=auth
    ).json()
    changes = client.get(
        f"{ssa}/keyChanges", params={"minChangeVersion": initial + 1, "limit": 500}, headers=auth
    ).json()

    assert deletes and changes
    assert set(deletes[0]) == {"id", "changeVersion", "keyValues"}
    assert set(deletes[0]["keyValues"]) == {"entryDate", "schoolId", "studentUniqueId"}
    assert all(d["changeVersion"] > initial for d in deletes + changes)
    moved = changes[0]
    current = client.get(f"{ssa}/{moved['id']}", headers=auth).json()
    assert (
        current["entryDate"]
        == moved["newKeyValues"]["entryDate"]
        != moved["oldKeyValues"]["entryDate"]
    )
    assert (
        client.get(f"{ssa}/deletes", params={"maxChangeVersion": initial}, headers=auth).json()
        == []
    )
    assert client.get(f"{API}/students/keyChanges", headers=auth).json() == []


# --- generated data ---------------------------------------------------------------------------


def _snapshot(seed: int) -> list:
    client = TestClient(create_app(seed=seed, students=50))
    token = client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=CLIENT
    ).json()
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    return [
        _all(client, auth, r)
        for r in ("students", "studentSchoolAssociations", "courseTranscripts")
    ]


def test_the_same_seed_gives_the_same_data_and_another_seed_differs() -> None:
    first, again, other = _snapshot(7), _snapshot(7), _snapshot(8)

    assert first == again
    assert [s["studentUniqueId"] for s in first[0]] != [s["studentUniqueId"] for s in other[0]]
    assert first[2] != other[2]


def test_records_use_only_fields_of_the_ed_fi_schemas(client: TestClient, auth: dict) -> None:
    spec_path = EDFI / "edfi-subset.openapi.json"
    if not spec_path.exists():
        pytest.skip("the shared Ed-Fi contract is not available")
    schemas = json.loads(spec_path.read_text())["components"]["schemas"]
    names = {
        "schools": "edFi_school",
        "courses": "edFi_course",
        "students": "edFi_student",
        "studentSchoolAssociations": "edFi_studentSchoolAssociation",
        "studentAcademicRecords": "edFi_studentAcademicRecord",
        "courseTranscripts": "edFi_courseTranscript",
    }
    for resource, schema_name in names.items():
        schema = schemas[schema_name]
        for record in client.get(f"{API}/{resource}", params={"limit": 50}, headers=auth).json():
            assert set(schema["required"]) <= set(record), resource
            assert set(record) - set(schema["properties"]) <= {"_ext"}, resource
            assert len(record["id"]) == 32


def test_descriptor_values_come_from_data_standard_5(client: TestClient, auth: dict) -> None:
    path = EDFI / "descriptors-ds5.json"
    if not path.exists():
        pytest.skip("the shared Ed-Fi descriptors are not available")
    known = {
        uri
        for values in json.loads(path.read_text()).values()
        if isinstance(values, list)
        for uri in values
    }
    extra_types = ("SchoolCategoryDescriptor#High School",)  # not in the 18 types listed there
    used: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, str) and value.startswith("uri://"):
            used.add(value)
        elif isinstance(value, dict):
            for v in value.values():
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    for resource in (
        "schools",
        "courses",
        "students",
        "studentSchoolAssociations",
        "studentAcademicRecords",
        "courseTranscripts",
    ):
        collect(_all(client, auth, resource))

    unknown = {u for u in used - known if not u.endswith(extra_types)}
    assert unknown == set()
    assert "uri://ed-fi.org/ExitWithdrawTypeDescriptor#Dropout" in used
    assert "uri://ed-fi.org/MethodCreditEarnedDescriptor#Credit recovery" in used
