"""The mock SIS as its own uvicorn process, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import running_mock

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_mock(seed=7, students=500, client=("reengage", "live-secret")) as base:
        yield base


@pytest.fixture
def api(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=5) as client:
        client.delete("/_mock/faults")
        token = client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("reengage", "live-secret"),
        ).json()
        client.headers["Authorization"] = f"Bearer {token['access_token']}"
        yield client


def test_the_process_serves_discovery_tokens_and_data_from_its_options(
    server: str, api: httpx.Client
) -> None:
    discovery = httpx.get(f"{server}/").json()
    health = api.get("/_mock/health").json()
    students = api.get("/data/v3/ed-fi/students", params={"limit": 500, "totalCount": "true"})

    assert discovery["urls"]["oauth"] == f"{server}/oauth/token"
    assert health == {**health, "status": "ok", "seed": 7, "students": 500}
    assert students.headers["Total-Count"] == "500" and len(students.json()) == 500


def test_a_dropped_connection_reaches_the_client_as_a_transport_error(api: httpx.Client) -> None:
    api.post("/_mock/faults", json={"kind": "drop"})

    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        api.get("/data/v3/ed-fi/students")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        api.get("/data/v3/ed-fi/schools", headers={"X-Mock-Fault": "drop"})
    assert api.get("/data/v3/ed-fi/students").status_code == 200


def test_a_slow_response_trips_the_client_timeout(api: httpx.Client) -> None:
    with pytest.raises(httpx.ReadTimeout):
        api.get("/data/v3/ed-fi/schools", headers={"X-Mock-Fault": "latency;ms=800"}, timeout=0.3)
    assert api.get("/data/v3/ed-fi/schools").status_code == 200
