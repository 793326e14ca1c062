"""Fixtures for the mock SIS and adapter tests: an in-process app and client, and a live mock
process over HTTP shared by the session."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sis_bridge.client import SisClient
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


# --- the mock as its own uvicorn process, for the adapter's tests over real HTTP ---------------

LIVE_SEED = 42
LIVE_STUDENTS = 300
LIVE_CLIENT = ("reengage", "adapter-secret")


@contextlib.contextmanager
def running_mock(*, seed: int, students: int, client: tuple[str, str]) -> Iterator[str]:
    """A mock SIS process on a free port, stopped afterwards; yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "MOCK_SIS_STUDENTS": str(students),
        "SIS_CLIENT_ID": client[0],
        "SIS_CLIENT_SECRET": client[1],
    }
    command = [sys.executable, "-m", "sis_bridge.mock", "--port", str(port)]
    command += ["--seed", str(seed), "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=Path(__file__).resolve().parents[2], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(f"{base}/_mock/health", timeout=1).raise_for_status()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def live_sis() -> Iterator[str]:
    """Base URL of a mock SIS process shared by the session; tests clear its faults."""
    with running_mock(seed=LIVE_SEED, students=LIVE_STUDENTS, client=LIVE_CLIENT) as base:
        yield base


class LiveControls:
    """The mock's test controls: faults, bumps, token expiry."""

    def __init__(self, base: str) -> None:
        self.base = base

    def fault(self, **fault) -> None:
        httpx.post(f"{self.base}/_mock/faults", json=fault, timeout=2).raise_for_status()

    def clear(self) -> None:
        httpx.delete(f"{self.base}/_mock/faults", timeout=2).raise_for_status()

    def bump(self, student_unique_id: str) -> int:
        response = httpx.post(
            f"{self.base}/_mock/bump", params={"studentUniqueId": student_unique_id}, timeout=2
        )
        return response.raise_for_status().json()["changeVersion"]

    def expire_tokens(self) -> None:
        httpx.delete(f"{self.base}/_mock/tokens", timeout=2).raise_for_status()


@pytest.fixture
def mock_sis(live_sis: str) -> Iterator[LiveControls]:
    controls = LiveControls(live_sis)
    controls.clear()
    yield controls
    controls.clear()


class Sleeps(list):
    """An injected sleep: records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def live_client(mock_sis: LiveControls, sleeps: Sleeps) -> Iterator[SisClient]:
    with SisClient(
        base_url=mock_sis.base,
        client_id=LIVE_CLIENT[0],
        client_secret=LIVE_CLIENT[1],
        timeout=0.3,
        max_attempts=3,
        sleep=sleeps,
    ) as sis_client:
        yield sis_client


@pytest.fixture
def sis_settings(settings, mock_sis: LiveControls):
    """Django settings pointing at the live mock (for tasks that build their own client)."""
    settings.SIS_BASE_URL = mock_sis.base
    settings.SIS_CLIENT_ID, settings.SIS_CLIENT_SECRET = LIVE_CLIENT
    settings.SIS_TIMEOUT_SECONDS = 2.0
    return settings
