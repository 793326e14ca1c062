"""The platform's wiring: production settings, Celery, translations."""

import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from reengage.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_settings():
    environment = {
        **{
            name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"
        },
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "k3J9-production-like-secret-" + "x7Qp2" * 8,
        "DJANGO_ALLOWED_HOSTS": "reengage.example.org",
        "DJANGO_SECURE_SSL_REDIRECT": "true",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    environment = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_celery_speaks_json_only_and_has_time_limits():
    assert celery_app.conf.task_serializer == "json"
    assert celery_app.conf.accept_content == ["json"]
    assert celery_app.conf.task_time_limit == 300
    assert celery_app.conf.task_soft_time_limit < celery_app.conf.task_time_limit


def test_periodic_tasks_are_declared_in_code_and_exist():
    schedule = celery_app.conf.beat_schedule
    assert "clear-expired-sessions" in schedule
    celery_app.loader.import_default_modules()
    for entry in schedule.values():
        assert entry["task"] in celery_app.tasks


def test_tasks_run_in_process_without_redis_and_through_a_broker_with_it():
    assert celery_app.conf.task_always_eager is (not settings.REDIS_URL)


@pytest.mark.django_db
def test_the_session_cleanup_task_removes_expired_sessions(client_for, counselor):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from accounts.tasks import clear_expired_sessions

    client_for(counselor)
    Session.objects.update(expire_date=timezone.now() - timedelta(minutes=1))
    clear_expired_sessions.apply()
    assert Session.objects.count() == 0


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_session_cleanup_from_the_redis_broker(client_for, counselor):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: tasks run in-process")
    import time

    from celery.contrib.testing.worker import start_worker
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from accounts.tasks import clear_expired_sessions

    client_for(counselor)
    Session.objects.update(expire_date=timezone.now() - timedelta(minutes=1))
    with start_worker(celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        clear_expired_sessions.delay()
        deadline = time.monotonic() + 15
        while Session.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_the_site_speaks_spanish_when_asked(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("accounts:login"))
    assert page.headers["Content-Language"] == "es"
    assert "Iniciar sesión" in page.content.decode()
    assert 'lang="es"' in page.content.decode()


TRANSLATED_SOURCES = (
    "accounts",
    "audit",
    "centers",
    "reengage",
    "referrals",
    "reports",
    "sis_bridge",
    "templates",
    "youth",
    "locale",
)


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="needs GNU gettext (apt-get gettext)")
def test_every_user_facing_string_has_a_spanish_translation(tmp_path, settings):
    """Extract the strings anew, in a copy of the sources, into a copy of the catalogue: none
    may be left untranslated. (makemessages writes into any locale/ folder above the files it
    reads, so it must not run in the checkout.)"""
    copy = tmp_path / "project"
    for name in TRANSLATED_SOURCES:
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    settings.LOCALE_PATHS = [copy / "locale"]
    cwd = os.getcwd()
    os.chdir(copy)
    try:
        call_command("makemessages", locale=["es"], verbosity=0)
    finally:
        os.chdir(cwd)
    catalogue = copy / "locale" / "es" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(catalogue)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def test_the_compiled_spanish_catalogue_ships():
    assert (ROOT / "locale" / "es" / "LC_MESSAGES" / "django.mo").exists()


def test_request_log_lines_leave_out_the_query_string():
    import logging

    from reengage.logging import WithoutQueryString

    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /youth/?q=maria+garcia&age=16-17 HTTP/1.1", "200", "512"),
        None,
    )
    WithoutQueryString().filter(record)
    assert record.getMessage() == '"GET /youth/ HTTP/1.1" 200 512'
