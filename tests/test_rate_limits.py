"""Rate limits: sign-in per address, searches and exports per user; past the limit a 429 page
says what happened and when to try again."""

import socket
import types
import uuid

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from tests.centers.factories import PASSWORD

pytestmark = pytest.mark.django_db

# A fixed clock for django-ratelimit alone, so that no count straddles the end of a window.
NOW = 1_800_000_000.0


@pytest.fixture(autouse=True)
def small_limits(settings, monkeypatch):
    """Three of each per window (tests/conftest.py gives each test a cache of its own)."""
    settings.RATE_LIMITS = {
        "sign_in": "3/m",
        "search": "3/m",
        "export": "2/h",
        "report_download": "2/h",
    }
    monkeypatch.setattr("django_ratelimit.core.time", types.SimpleNamespace(time=lambda: NOW))


def assert_limited(response, *, within: int):
    assert response.status_code == 429
    text = response.content.decode()
    assert "more of these requests in a short time than it allows" in text
    assert "Nothing was changed." in text
    assert "Try again in" in text
    assert 1 <= int(response["Retry-After"]) <= within


def test_searching_the_caseload_past_the_limit_answers_429(client_for, counselor):
    client = client_for(counselor)
    for query in ("ana", "luis", "rosa"):
        assert client.get(reverse("youth:caseload"), {"q": query}).status_code == 200
    limited = client.get(reverse("youth:caseload"), {"q": "omar"})
    assert_limited(limited, within=60)
    # The full page, with its heading and the site's navigation.
    assert "<h1>Too many requests</h1>" in limited.content.decode()
    assert reverse("youth:intake") in limited.content.decode()


def test_an_htmx_search_past_the_limit_gets_the_message_alone(client_for, counselor):
    client = client_for(counselor)
    htmx = {"HX-Request": "true"}
    for _ in range(3):
        assert client.get(reverse("youth:caseload"), headers=htmx).status_code == 200
    limited = client.get(reverse("youth:caseload"), {"q": "x"}, headers=htmx)
    assert_limited(limited, within=60)
    assert "<html" not in limited.content.decode()
    # Swapped into the results, which stay in place for the next search.
    assert limited["HX-Reswap"] == "innerHTML"


def test_the_limit_is_per_user(client_for, counselor, readonly_colleague):
    client = client_for(counselor)
    for _ in range(4):
        client.get(reverse("youth:caseload"))
    assert client.get(reverse("youth:caseload")).status_code == 429
    colleague = Client()
    colleague.force_login(readonly_colleague)
    assert colleague.get(reverse("youth:caseload")).status_code == 200


def test_the_intake_duplicate_check_is_limited(client_for, counselor, center_a):
    client = client_for(counselor)
    typed = {"legal_first_name": "Ana", "legal_last_name": "Lopez", "center": center_a.pk}
    for _ in range(3):
        response = client.post(reverse("youth:intake_check"), typed)
        assert response.status_code == 200
    assert_limited(client.post(reverse("youth:intake_check"), typed), within=60)


def test_the_sis_student_search_is_limited(client_for, counselor, consented_youth_a, settings):
    settings.SIS_BASE_URL = ""  # the search is refused or fails; it still counts
    client = client_for(counselor)
    url = reverse("sis_bridge:find", args=[consented_youth_a.pk])
    for _ in range(3):
        assert client.post(url).status_code == 200
    assert_limited(client.post(url), within=60)


@pytest.fixture
def exporting_analyst(analyst):
    analyst.user_permissions.add(Permission.objects.get(codename="export_participants"))
    return analyst


def test_grant_report_downloads_are_limited(client_for, analyst, center_a):
    client = client_for(analyst)
    url = reverse("reports:grant_report_download", args=["csv"])
    query = {"year": "2024-25", "centers": center_a.pk}
    for _ in range(2):
        response = client.get(url, query)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
    limited = client.get(url, query)
    assert_limited(limited, within=3600)
    assert limited["Content-Type"].startswith("text/html")


def test_asking_for_extracts_is_limited_but_watching_them_is_not(
    client_for, exporting_analyst, settings, tmp_path
):
    settings.EXPORTS_DIR = tmp_path
    client = client_for(exporting_analyst)
    form = {"start": "2025-07-01", "end": "2026-06-30", "fmt": "csv"}
    for _ in range(2):
        assert client.post(reverse("reports:extract"), form).status_code == 302
    for _ in range(3):
        assert client.get(reverse("reports:extract")).status_code == 200
    assert_limited(client.post(reverse("reports:extract"), form), within=3600)


def test_sign_in_posts_are_limited_per_address_whatever_the_account(client, counselor):
    url = reverse("accounts:login")
    for username in ("someone", "someone.else", "alice.counselor"):
        response = client.post(url, {"username": username, "password": "wrong-password"})
        assert response.status_code == 200  # the form again, with its error
    # Past the limit even the right password waits: the limit is on the address.
    limited = client.post(url, {"username": "alice.counselor", "password": PASSWORD})
    assert_limited(limited, within=60)
    assert "_auth_user_id" not in client.session
    # The page itself still shows, and another address may still sign in.
    assert client.get(url).status_code == 200
    elsewhere = Client(REMOTE_ADDR="10.0.0.2")
    response = elsewhere.post(url, {"username": "alice.counselor", "password": PASSWORD})
    assert response.status_code == 302


def test_the_admin_sign_in_shares_the_limit(client):
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "x", "password": "wrong-password"})
    limited = client.post(reverse("admin:login"), {"username": "x", "password": "wrong-password"})
    assert_limited(limited, within=60)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_with_redis_down_pages_go_on_without_counting(client_for, counselor, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "reengage.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    client = client_for(counselor)
    for _ in range(5):
        assert client.get(reverse("youth:caseload")).status_code == 200
    response = Client().post(
        reverse("accounts:login"), {"username": "alice.counselor", "password": PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.redis
def test_the_limits_are_counted_in_redis_when_it_is_configured(client_for, counselor, settings):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: the cache is in process memory")
    settings.CACHES = {
        "default": {
            "BACKEND": "reengage.cache.FailOpenRedisCache",
            "LOCATION": settings.REDIS_URL,
            # Counters of this test alone, gone with their window.
            "KEY_PREFIX": f"test-{uuid.uuid4()}",
        }
    }
    client = client_for(counselor)
    for _ in range(3):
        assert client.get(reverse("youth:caseload")).status_code == 200
    assert client.get(reverse("youth:caseload")).status_code == 429
