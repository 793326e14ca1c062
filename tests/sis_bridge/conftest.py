"""Fixtures for the mock SIS tests: an in-process app and client, no Django, no database."""

from __future__ import annotations

import warnings

import pytest

from sis_bridge.mock.app import MockSIS, create_app

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its test client; httpx is what the project pins.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

SEED = 42
STUDENTS = 300
CLIENT = ("reengage", "reengage-dev-secret")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sis(clock: FakeClock) -> MockSIS:
    return create_app(clock=clock, seed=SEED, students=STUDENTS, token_lifetime=60)


@pytest.fixture
def client(sis: MockSIS) -> TestClient:
    return TestClient(sis)


@pytest.fixture
def auth(client: TestClient) -> dict[str, str]:
    response = client.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=CLIENT)
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
