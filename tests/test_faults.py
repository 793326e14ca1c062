"""Faults of what the site depends on: the database dropping a connection, the task broker
(Redis) or the district SIS being down. Pages answer with a clear message, lose nothing, and
/healthz names the part that is down."""

import re
import socket
import time
from html import unescape

import httpx
import pytest
from django.contrib.auth.models import Permission
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.db.models.signals import pre_save
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from zeal import zeal_context

from reengage import faults
from reengage.celery import app as celery_app
from reengage.views import server_error
from reports.models import ExportJob, ExportStatus
from sis_bridge.mock.generator import student_identity
from sis_bridge.models import SyncRun
from tests.sis_bridge.conftest import running_mock
from tests.youth.factories import CaseFactory, ConsentFactory, YouthFactory
from youth.models import CaseNote, Consent

TODAY = timezone.localdate()
SIS_SEED = 42
SIS_CLIENT = ("reengage", "faults-secret")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- a browser through Django's real request handler -----------------------------------------


class Browser:
    """Requests through Django's WSGI handler, as a server sends them: unlike the test client
    it closes broken database connections between requests and checks CSRF tokens."""

    def __init__(self, user):
        signed_in = Client()
        signed_in.force_login(user)
        handler = WSGIHandler()

        def app(environ, start_response):
            # Each request watched for N+1 queries on its own, as tests/zeal_plugin.py does
            # for the test client's.
            with zeal_context():
                return handler(environ, start_response)

        # HTTPS, as behind the production proxy: the CSRF cookie is Secure with debug off.
        self.http = httpx.Client(
            transport=httpx.WSGITransport(app=app),
            base_url="https://testserver",
            headers={"Origin": "https://testserver"},
        )
        self.http.cookies.set("sessionid", signed_in.cookies["sessionid"].value)

    def get(self, url, **kwargs) -> httpx.Response:
        return self.http.get(url, **kwargs)

    def post(self, url, data, **kwargs) -> httpx.Response:
        token = self.http.cookies.get("csrftoken")
        return self.http.post(url, data={**data, "csrfmiddlewaretoken": token}, **kwargs)


def hidden_fields(page: str) -> list[tuple[str, str]]:
    return [
        (name, unescape(value))
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    ]


def kill(pid: int) -> None:
    """End a database backend from another connection, as a restart does."""
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    finally:
        other.close()


def backend_pid() -> int:
    connection.ensure_connection()
    return connection.connection.info.backend_pid


# --- the database ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_mid_save_answers_503_and_keeps_what_was_typed(counselor, case_a):
    browser = Browser(counselor)
    detail = reverse("youth:detail", args=[case_a.youth_id])
    assert browser.get(detail).status_code == 200  # and the CSRF cookie

    def drop_the_connection(sender, **kwargs):
        pre_save.disconnect(drop_the_connection, sender=CaseNote)
        kill(backend_pid())

    pre_save.connect(drop_the_connection, sender=CaseNote)
    typed = {
        "kind": "phone",
        "contact_on": TODAY.isoformat(),
        "body": "Called about <orientation>.",
    }
    response = browser.post(reverse("youth:note_add", args=[case_a.youth_id]), typed)

    assert response.status_code == 503
    page = response.text
    assert "The database is not answering" in page
    assert "Your change was not saved." in page
    assert "Traceback" not in page
    assert ("body", "Called about <orientation>.") in hidden_fields(page)
    assert response.headers["Content-Security-Policy"]
    assert not CaseNote.objects.exists()

    # The next request gets a working connection, and sending again saves the note once.
    assert browser.get(detail).status_code == 200
    again = browser.post(
        reverse("youth:note_add", args=[case_a.youth_id]), dict(hidden_fields(page))
    )
    assert again.status_code == 302
    assert list(CaseNote.objects.values_list("body", flat=True)) == ["Called about <orientation>."]


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_between_requests_is_replaced_by_the_health_check(counselor, case_a):
    browser = Browser(counselor)
    detail = reverse("youth:detail", args=[case_a.youth_id])
    assert browser.get(detail).status_code == 200

    kill(backend_pid())
    assert browser.get(detail).status_code == 200  # CONN_HEALTH_CHECKS found it dead

    # Without the health check the first query, loading the session, fails: outside any view,
    # so handler500 answers, with the same page and no stack trace.
    kill(backend_pid())
    connection.health_check_enabled = False
    try:
        response = browser.get(detail)
    finally:
        connection.health_check_enabled = True
    assert response.status_code == 503
    assert "The database is not answering" in response.text
    assert "Try again" in response.text
    assert browser.get(detail).status_code == 200


@pytest.mark.django_db
def test_a_post_that_failed_before_its_view_ran_was_not_saved():
    request = RequestFactory().post("/youth/1/notes/new/", {"body": "x", "password": "secret"})
    assert faults.change_state(request) == faults.NOT_SAVED
    request._view_returned = True
    assert faults.change_state(request) == faults.MAYBE_SAVED
    page = faults.database_unavailable(request, change=faults.MAYBE_SAVED).content.decode()
    assert "may have been saved" in page
    assert "Send it again" not in page  # it might save twice


def test_the_error_pages_make_no_query():
    # No database mark: pytest-django fails any query this test makes.
    request = RequestFactory().post("/youth/1/edit/", {"body": "typed", "new_password1": "pw"})
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        plain = server_error(request)
    unavailable = faults.database_unavailable(request, change=faults.NOT_SAVED)
    assert plain.status_code == 500
    assert "Something went wrong" in plain.content.decode()
    assert unavailable.status_code == 503
    page = unavailable.content.decode()
    assert ("body", "typed") in hidden_fields(page)
    assert "pw" not in [value for _name, value in hidden_fields(page)]
    assert "Passwords and attached files are not kept" in page


# --- the task broker -------------------------------------------------------------------------


@pytest.fixture
def broker_down(settings):
    """Redis refuses connections: the broker, and what /healthz probes."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    conf = celery_app.conf
    was = (conf.broker_url, conf.task_always_eager)
    # The app's pools stay open and come back afterwards: closing them would leave the
    # producers other tests hold bound to a closed pool.
    pools = (celery_app._pool, celery_app.amqp._producer_pool)
    celery_app._pool = celery_app.amqp._producer_pool = None
    conf.broker_url, conf.task_always_eager = url, False
    settings.REDIS_URL = url
    yield url
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    conf.broker_url, conf.task_always_eager = was
    celery_app._pool, celery_app.amqp._producer_pool = pools


@pytest.fixture
def district_youth(counselor, center_a):
    """A youth at center A with an LAUSD ID, for the counselor (LAUSD staff)."""
    youth = YouthFactory(lausd_id="123456A789")
    CaseFactory(youth=youth, center=center_a, counselor=counselor)
    return youth


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_consent_is_saved_and_the_page_says_the_refresh_waits(
    client_for, counselor, district_youth, broker_down
):
    client = client_for(counselor)
    started = time.monotonic()
    response = client.post(
        reverse("youth:consent_add", args=[district_youth.pk]),
        {
            "signer_name": "Signer",
            "signer_role": "youth" if district_youth.age >= 18 else "parent",
            "signed_on": TODAY.isoformat(),
            "covers_school_records": "on",
            "recipients": "LAUSD",
        },
    )
    assert time.monotonic() - started < 8  # no hanging on the broker
    assert response.status_code == 302
    assert Consent.objects.filter(youth=district_youth, covers_school_records=True).exists()
    assert not SyncRun.objects.exists()
    page = client.get(response.url).content.decode()
    assert "the credit refresh could not be queued" in page
    assert "The nightly SIS sync will refresh the credits" in page


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_refresh_credits_reloads_the_page_to_say_why(
    client_for, counselor, district_youth, broker_down
):
    ConsentFactory(youth=district_youth, recorded_by=counselor)
    client = client_for(counselor)
    response = client.post(
        reverse("sis_bridge:refresh", args=[district_youth.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    page = client.get(reverse("youth:detail", args=[district_youth.pk])).content.decode()
    assert "the credit refresh could not be queued" in page


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_an_extract_fails_at_once_and_says_so(
    client_for, analyst, broker_down, settings, tmp_path
):
    settings.EXPORTS_DIR = tmp_path
    analyst.user_permissions.add(Permission.objects.get(codename="export_participants"))
    client = client_for(analyst)
    response = client.post(
        reverse("reports:extract"), {"start": "2025-07-01", "end": "2026-06-30", "fmt": "csv"}
    )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED
    assert "task queue was not answering" in job.error
    page = client.get(response.url).content.decode()
    assert "The extract could not be started" in page


def test_outside_a_request_a_refused_task_still_raises(broker_down):
    from kombu.exceptions import OperationalError

    from sis_bridge.tasks import sis_student_pull_task

    with pytest.raises(OperationalError):
        sis_student_pull_task.delay(1, None)


@pytest.mark.django_db
def test_healthz_names_the_broker_when_it_is_down(client, broker_down, settings):
    settings.SIS_BASE_URL = ""
    strict = client.get(reverse("healthz") + "?strict")
    assert strict.status_code == 503
    assert strict.json()["broker"] == {"ok": False, "mode": "redis", "error": "ConnectionError"}
    assert strict.json()["database"] == {"ok": True}
    # For the load balancer, pages can still be served.
    assert client.get(reverse("healthz")).status_code == 200


# --- the district SIS ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sis_base():
    with running_mock(seed=SIS_SEED, students=40, client=SIS_CLIENT) as base:
        yield base


@pytest.fixture
def eager_tasks():
    was = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = was


@pytest.mark.django_db(transaction=True)
def test_with_the_sis_down_the_panel_says_so_and_keeps_the_last_good_credits(
    client_for, counselor, center_a, settings, sis_base, eager_tasks
):
    settings.SIS_BASE_URL = sis_base
    settings.SIS_CLIENT_ID, settings.SIS_CLIENT_SECRET = SIS_CLIENT
    settings.SIS_TIMEOUT_SECONDS = 2.0
    person = student_identity(SIS_SEED, 3)
    youth = YouthFactory(
        legal_first_name=person["first_name"],
        legal_last_name=person["last_surname"],
        birth_date=person["birth_date"],
        lausd_id=person["student_unique_id"],
    )
    ConsentFactory(youth=youth, recorded_by=counselor)
    CaseFactory(youth=youth, center=center_a, counselor=counselor)
    client = client_for(counselor)
    refresh = reverse("sis_bridge:refresh", args=[youth.pk])
    detail = reverse("youth:detail", args=[youth.pk])

    assert client.post(refresh).status_code == 302
    good = client.get(detail).content.decode()
    credits = re.search(r"[\d.]+ of 210 credits", good).group(0)

    settings.SIS_BASE_URL = f"http://127.0.0.1:{closed_port()}"
    assert client.post(refresh).status_code == 302
    page = client.get(detail).content.decode()
    assert "did not complete (the district system did not answer)" in page
    assert "For the help desk: SisUnavailable: ConnectError after" in page
    assert "What is shown is the last good pull." in page
    assert credits in page

    strict = client.get(reverse("healthz") + "?strict")
    assert strict.status_code == 503
    assert strict.json()["sis"] == {"ok": False, "error": "ConnectError"}
