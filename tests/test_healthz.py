import socket

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthz_reports_each_dependency(client, settings):
    settings.SIS_BASE_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == {"ok": True}
    assert body["broker"]["ok"] is True
    assert body["broker"]["mode"] == ("redis" if settings.REDIS_URL else "in-process")
    assert body["sis"] == {"ok": False, "error": "not configured"}
    assert body["status"] == "degraded"


def test_healthz_names_an_unreachable_sis(client, settings):
    settings.SIS_BASE_URL = f"http://127.0.0.1:{free_port()}"
    body = client.get(reverse("healthz")).json()
    assert body["sis"] == {"ok": False, "error": "ConnectError"}


def test_healthz_names_an_unreachable_broker(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200  # the site still serves pages
    assert response.json()["broker"] == {"ok": False, "mode": "redis", "error": "ConnectionError"}


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "OperationalError"}
    assert response.json()["status"] == "down"
