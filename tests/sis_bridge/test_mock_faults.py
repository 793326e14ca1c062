"""Faults injected into the mock SIS, by request header or queued through /_mock/faults."""

from __future__ import annotations

import json
import time

import pytest
from starlette.testclient import TestClient

from sis_bridge.mock.faults import DroppedConnection

from .conftest import CLIENT

API = "/data/v3/ed-fi"


def _queue(client: TestClient, **fault: object) -> None:
    response = client.post("/_mock/faults", json=fault)
    assert response.status_code == 201, response.text


def test_latency_delays_the_response(client: TestClient, auth: dict) -> None:
    started = time.monotonic()
    response = client.get(f"{API}/schools", headers={**auth, "X-Mock-Fault": "latency;ms=250"})

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.25


@pytest.mark.parametrize("status", [500, 502, 503, 504, 403])
def test_error_faults_answer_the_status_for_the_next_requests_only(
    client: TestClient, auth: dict, status: int
) -> None:
    _queue(client, kind="error", status=status, count=2, retry_after=3)

    first = client.get(f"{API}/students", headers=auth)
    second = client.get(f"{API}/students", headers=auth)
    third = client.get(f"{API}/students", headers=auth)

    assert (first.status_code, second.status_code, third.status_code) == (status, status, 200)
    assert first.headers["Retry-After"] == "3"
    if status == 500:
        assert first.json()["type"] == "urn:ed-fi:api:system"
    elif status == 403:
        assert first.json()["type"].startswith("urn:ed-fi:api:security:authorization")
    else:
        assert first.headers["content-type"].startswith("text/html")


def test_rate_limit_answers_429_with_retry_after(client: TestClient, auth: dict) -> None:
    response = client.get(
        f"{API}/students", headers={**auth, "X-Mock-Fault": "rate-limit;retry-after=7"}
    )

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert client.get(f"{API}/students", headers=auth).status_code == 200


def test_faults_hit_only_their_path_prefix_and_never_the_controls(
    client: TestClient, auth: dict
) -> None:
    _queue(client, kind="error", status=500, count=None, path_prefix=f"{API}/courseTranscripts")

    assert client.get(f"{API}/students", headers=auth).status_code == 200
    assert client.get("/_mock/health").json()["status"] == "ok"
    assert client.get(f"{API}/courseTranscripts", headers=auth).status_code == 500
    assert client.get(f"{API}/courseTranscripts", headers=auth).status_code == 500
    assert client.get("/_mock/faults").json()["faults"][0]["count"] is None

    assert client.delete("/_mock/faults").status_code == 204
    assert client.get(f"{API}/courseTranscripts", headers=auth).status_code == 200


def test_the_token_endpoint_is_faulted_only_when_asked(client: TestClient) -> None:
    _queue(client, kind="error", status=503)
    token = client.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=CLIENT)
    assert token.status_code == 200

    client.delete("/_mock/faults")
    _queue(client, kind="error", status=503, path_prefix="/oauth")
    token = client.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=CLIENT)
    assert token.status_code == 503


def test_drop_in_process_raises_instead_of_answering(client: TestClient, auth: dict) -> None:
    _queue(client, kind="drop")

    with pytest.raises(DroppedConnection):
        client.get(f"{API}/students", headers=auth)
    assert client.get(f"{API}/students", headers=auth).status_code == 200


def test_an_expired_token_mid_sync_is_revoked_until_the_client_gets_a_new_one(
    client: TestClient, auth: dict
) -> None:
    _queue(client, kind="token_expired")

    expired = client.get(f"{API}/students", headers=auth)
    assert expired.status_code == 401
    assert 'error="invalid_token"' in expired.headers["www-authenticate"]
    assert client.get(f"{API}/students", headers=auth).status_code == 401

    token = client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=CLIENT
    ).json()
    fresh = {"Authorization": f"Bearer {token['access_token']}"}
    assert client.get(f"{API}/students", headers=fresh).status_code == 200


def test_slow_pages_delay_list_pages_but_not_items(client: TestClient, auth: dict) -> None:
    _queue(client, kind="slow_pages", ms=300, count=1)
    item_id = client.get(f"{API}/schools", headers=auth).json()[0]["id"]  # the slow page
    _queue(client, kind="slow_pages", ms=300, count=1)

    started = time.monotonic()
    client.get(f"{API}/schools/{item_id}", headers=auth)
    item_time = time.monotonic() - started
    client.get(f"{API}/schools", headers=auth)
    page_time = time.monotonic() - started - item_time

    assert item_time < 0.25 <= page_time


def test_malformed_records_have_a_wrong_type_or_a_missing_field(
    client: TestClient, auth: dict
) -> None:
    clean = client.get(f"{API}/courseTranscripts", params={"limit": 7}, headers=auth).json()
    _queue(client, kind="malformed", every=3)
    broken = client.get(f"{API}/courseTranscripts", params={"limit": 7}, headers=auth).json()

    assert broken[0]["earnedCredits"] == "five"
    assert "courseAttemptResultDescriptor" not in broken[3]
    assert broken[6]["earnedCredits"] == "five"
    assert [broken[i] for i in (1, 2, 4, 5)] == [clean[i] for i in (1, 2, 4, 5)]
    student = client.get(f"{API}/students", headers={**auth, "X-Mock-Fault": "malformed"}).json()[0]
    assert isinstance(student["birthDate"], int)


def test_partial_pages_are_truncated_stripped_or_cut(client: TestClient, auth: dict) -> None:
    params = {"limit": 10, "totalCount": "true"}
    truncated = client.get(
        f"{API}/studentAcademicRecords", params=params, headers={**auth, "X-Mock-Fault": "partial"}
    )
    nested = client.get(
        f"{API}/studentAcademicRecords",
        params=params,
        headers={**auth, "X-Mock-Fault": "partial;mode=nested"},
    )
    cut = client.get(
        f"{API}/studentAcademicRecords",
        params=params,
        headers={**auth, "X-Mock-Fault": "partial;mode=body"},
    )

    assert len(truncated.json()) == 5 and int(truncated.headers["Total-Count"]) > 10
    assert len(nested.json()) == 10 and all("gradePointAverages" not in r for r in nested.json())
    assert cut.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.content)


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "fire"},
        {"kind": "error", "status": 418},
        {"kind": "partial", "mode": "half"},
        {"kind": "latency", "ms": -1},
        {"kind": "drop", "when": "now"},
    ],
)
def test_invalid_faults_are_refused(client: TestClient, fault: dict) -> None:
    response = client.post("/_mock/faults", json=fault)

    assert response.status_code == 400
    assert client.get("/_mock/faults").json() == {"faults": []}


def test_an_invalid_fault_header_is_a_400(client: TestClient, auth: dict) -> None:
    response = client.get(f"{API}/students", headers={**auth, "X-Mock-Fault": "latency;ms=soon"})

    assert response.status_code == 400
    assert response.json()["type"] == "urn:ed-fi:api:bad-request:parameter-validation-failed"
