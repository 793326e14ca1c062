"""Security headers on every page, and the production settings Django's deploy check wants."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.youth.factories import CaseFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in parts}


def assert_strict_policy(response):
    policy = directives(response["Content-Security-Policy"])
    for name, value in POLICY.items():
        assert policy[name] == value, name
    assert "unsafe" not in response["Content-Security-Policy"]


def test_the_sign_in_page_carries_the_policy_and_the_other_headers(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert_strict_policy(response)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_every_kind_of_page_carries_the_policy(
    client_for, counselor, supervisor, analyst, center_a
):
    youth = CaseFactory(center=center_a, counselor=counselor).youth
    pages = [
        (counselor, reverse("home"), 200),
        (counselor, reverse("youth:caseload") + "?q=zz", 200),
        (counselor, reverse("youth:detail", args=[youth.pk]), 200),
        (counselor, reverse("youth:intake"), 200),
        (counselor, reverse("youth:detail", args=[999_999]), 404),
        (supervisor, reverse("referrals:pipeline"), 200),
        (analyst, reverse("reports:grant_report"), 200),
        (analyst, reverse("reports:extract"), 403),  # without the export permission
        (counselor, reverse("healthz"), 200),
    ]
    for user, url, status in pages:
        response = client_for(user).get(url)
        assert response.status_code == status, url
        assert_strict_policy(response)


def test_htmx_fragments_and_redirects_carry_the_policy_too(client_for, counselor, center_a):
    client = client_for(counselor)
    fragment = client.get(reverse("youth:caseload"), {"q": "zz"}, headers={"HX-Request": "true"})
    assert b"<html" not in fragment.content
    assert_strict_policy(fragment)
    refused = client.post(reverse("youth:intake"), {"center": center_a.pk})
    assert refused.status_code == 200  # the form again, with its errors
    assert_strict_policy(refused)
    redirect = Client().get(reverse("home"))
    assert redirect.status_code == 302
    assert_strict_policy(redirect)


def test_the_admin_pages_carry_the_policy(client_for, administrator):
    response = client_for(administrator).get(reverse("admin:index"))
    assert response.status_code == 200
    assert_strict_policy(response)


PRODUCTION_PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

# Only where the static files come from: production reads collectstatic's manifest.
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
    client = Client()
    page = client.get("/accounts/login/", secure=True)
    plain = client.get("/accounts/login/")
    health = client.get("/healthz")
print(json.dumps({
    "status": page.status_code,
    "headers": dict(page.headers),
    "cookies": {
        name: {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"])}
        for name, morsel in page.cookies.items()
    },
    "plain": [plain.status_code, plain.get("Location")],
    "health": health.status_code,
    "settings": {
        "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
        "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
        "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
        "DEBUG": settings.DEBUG,
    },
}))
"""


@pytest.fixture
def production_env():
    """The environment of a production process, on the test database."""
    params = connection.settings_dict
    database_url = (
        f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
        f"/{params['NAME']}"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "SIS_"))
    }
    return {
        **env,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver,reengage.example.org",
        "DJANGO_SETTINGS_MODULE": "reengage.settings",
    }


def run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_settings_pass_the_deploy_check(production_env):
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_pages_send_hsts_secure_cookies_and_the_policy(production_env):
    result = run([sys.executable, "-c", PRODUCTION_PROBE], production_env)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["settings"] == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "DEBUG": False,
    }
    assert probe["status"] == 200
    headers = probe["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    policy = directives(headers["Content-Security-Policy"])
    assert all(policy[name] == value for name, value in POLICY.items())
    assert probe["cookies"]["csrftoken"] == {"secure": True, "httponly": False}
    # Plain HTTP is sent to HTTPS, except the health check that load balancers call.
    assert probe["plain"] == [301, "https://testserver/accounts/login/"]
    assert probe["health"] in (200, 503)
