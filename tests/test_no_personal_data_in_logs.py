"""No personal data in logs: a whole counselor's journey, every log record captured at DEBUG,
and the youth's name, birth date and student ID found in none of them.

The journey: intake (with the live duplicate check), a consent, the LAUSD ID saved, credits
pulled from the mock SIS over real HTTP, a note, a referral, a pull that fails (the SIS answers
503), a pull that quarantines malformed records, a form with errors, a caseload search and a
page that is not found with the name in its query string.
"""

import datetime
import logging
import re
import traceback

import pytest
from django.urls import reverse
from django.utils import timezone
from zeal import zeal_context

from reengage.celery import app as celery_app
from sis_bridge.mock.dataset import Dataset
from sis_bridge.models import SisLink, SyncRun, SyncStatus
from tests.referrals.factories import ProgramFactory
from tests.sis_bridge.conftest import (
    LIVE_CLIENT,
    LIVE_SEED,
    LIVE_STUDENTS,
    LiveControls,
    running_mock,
)
from youth.models import Youth

pytestmark = pytest.mark.django_db

# The mock's student with the longest name: a name no staff member or page text shares.
STUDENT = 189
# Loggers that do not pass their records up to the root logger, or that the settings quieten.
LOGGERS = (
    "django",
    "django.request",
    "django.server",
    "django.security",
    "celery",
    "httpx",
    "httpcore",
    "sis_bridge",
    "reengage",
    "axes",
)


@pytest.fixture(scope="module")
def mock_sis_process():
    with running_mock(seed=LIVE_SEED, students=LIVE_STUDENTS, client=LIVE_CLIENT) as base:
        yield LiveControls(base)


@pytest.fixture
def sis(settings, mock_sis_process):
    settings.SIS_BASE_URL = mock_sis_process.base
    settings.SIS_CLIENT_ID, settings.SIS_CLIENT_SECRET = LIVE_CLIENT
    settings.SIS_TIMEOUT_SECONDS = 2.0
    settings.RATE_LIMITS = {kind: "100000/m" for kind in getattr(settings, "RATE_LIMITS", {})}
    mock_sis_process.clear()
    # The pull runs in the request, as without a broker (CI sets REDIS_URL; the worker tests
    # cover the broker's path), so its log records are captured here.
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield mock_sis_process
    celery_app.conf.task_always_eager = was_eager
    mock_sis_process.clear()


@pytest.fixture
def every_log_record(caplog):
    """caplog at DEBUG on the root logger and on every logger named above, its handler also on
    those that do not propagate."""
    caplog.set_level(logging.DEBUG)
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    attached = [
        logging.getLogger(name) for name in LOGGERS if not logging.getLogger(name).propagate
    ]
    for logger in attached:
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in attached:
        logger.removeHandler(caplog.handler)


def student():
    return Dataset(seed=LIVE_SEED, students=LIVE_STUDENTS).student_records("students", STUDENT)[0]


def personal_data(record: dict) -> list[str]:
    """What must not be logged: the names (as typed and as the search columns keep them), the
    birth date in the ways people and programs write it, and the student ID."""
    born = datetime.date.fromisoformat(record["birthDate"])
    names = f"{record['firstName']} {record.get('middleName') or ''} {record['lastSurname']}"
    words = {word for word in re.split(r"[\s-]+", names) if len(word) > 3}
    plain = str.maketrans("áéíóúñÁÉÍÓÚÑ", "aeiounAEIOUN")
    words |= {word.translate(plain) for word in words}
    dates = {
        born.isoformat(),
        born.strftime("%m/%d/%Y"),
        f"{born.month}/{born.day}/{born.year}",
        born.strftime("%d/%m/%Y"),
        born.strftime("%Y%m%d"),
        born.strftime("%B %d, %Y"),
        born.strftime("%b. %d, %Y"),
        f"{born.day} {born:%B %Y}",
        repr(born),
    }
    return sorted(words | dates | {record["studentUniqueId"]})


# The message and arguments are read above; django.request attaches the live request object,
# which no handler here prints (an error reporter added later must scrub its query string).
NOT_PRINTED = ("msg", "args", "request")


def everything_logged(records: list[logging.LogRecord]) -> str:
    """Each record's message, its raw arguments, any extra attributes, and the text of any
    exception or stack it carries."""
    parts = []
    for record in records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        parts.extend(repr(value) for key, value in vars(record).items() if key not in NOT_PRINTED)
        if record.exc_info and record.exc_info[1] is not None:
            parts.extend(traceback.format_exception(*record.exc_info))
        if record.stack_info:
            parts.append(record.stack_info)
    return "\n".join(parts)


class EachRequestWatched:
    """The test client, each request watched for N+1 queries on its own: the zeal plugin
    watches a whole test, and this one loads the same youth on every page of the journey."""

    def __init__(self, client):
        self.client = client

    def get(self, *args, **kwargs):
        with zeal_context():
            return self.client.get(*args, **kwargs)

    def post(self, *args, **kwargs):
        with zeal_context():
            return self.client.post(*args, **kwargs)


def test_a_whole_journey_logs_no_name_birth_date_or_student_id(
    sis, every_log_record, client_for, counselor, center_a, django_capture_on_commit_callbacks
):
    them = student()
    program = ProgramFactory()
    client = EachRequestWatched(client_for(counselor))
    profile = {
        "legal_first_name": them["firstName"],
        "legal_last_name": them["lastSurname"],
        "birth_date": them["birthDate"],
        "sex": "female",
        "hispanic_latino": "yes",
        "preferred_language": "es",
        "phone": "(213) 555-0199",
        "city": "Los Angeles",
        "school_status": "dropout",
    }

    # Intake, with the live duplicate check as the counselor types.
    assert client.get(reverse("youth:intake")).status_code == 200
    check = client.post(reverse("youth:intake_check"), profile, headers={"HX-Request": "true"})
    assert check.status_code == 200
    intake = {
        **profile,
        "center": center_a.pk,
        "counselor": counselor.pk,
        "intake_date": timezone.localdate().isoformat(),
    }
    assert client.post(reverse("youth:intake"), intake).status_code == 302
    youth = Youth.objects.get(legal_last_name=them["lastSurname"])

    # A parent's consent covering school records (the youth is a minor).
    consent = {
        "signer_name": f"{them['firstName']} parent",
        "signer_role": "parent",
        "signed_on": timezone.localdate().isoformat(),
        "covers_school_records": "on",
        "covers_wioa_sharing": "on",
    }
    url = reverse("youth:consent_add", args=[youth.pk])
    assert client.post(url, consent).status_code == 302

    # The LAUSD ID saved on the record, then credits pulled over HTTP by the (eager) task.
    edit = {**profile, "lausd_id": them["studentUniqueId"], "version": youth.version}
    assert client.post(reverse("youth:edit", args=[youth.pk]), edit).status_code == 302
    with zeal_context(), django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("sis_bridge:refresh", args=[youth.pk])).status_code == 302
    link = SisLink.objects.get(youth=youth)
    assert link.last_refreshed_at is not None, link.last_error
    assert client.get(reverse("youth:detail", args=[youth.pk])).status_code == 200

    # A note and a referral.
    note = {"kind": "meeting", "contact_on": timezone.localdate().isoformat(), "body": "Met."}
    assert client.post(reverse("youth:note_add", args=[youth.pk]), note).status_code == 302
    referral = {"program": program.pk, "send_now": "on", "notes": "Wants to finish school."}
    assert client.post(reverse("referrals:new", args=[youth.pk]), referral).status_code == 302

    # A pull that fails: the SIS answers 503 to every data request, through the retries.
    sis.fault(kind="error", status=503, count=None, path_prefix="/data/")
    with zeal_context(), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sis_bridge:refresh", args=[youth.pk]))
    assert SyncRun.objects.filter(youth=youth).latest("started_at").status == SyncStatus.FAILED
    sis.clear()

    # A pull that quarantines malformed records (which keep the raw record, in the database).
    sis.fault(kind="malformed", every=1, count=None, path_prefix="/data/v3/ed-fi/students")
    with zeal_context(), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sis_bridge:refresh", args=[youth.pk]))
    assert SyncRun.objects.filter(youth=youth).latest("started_at").failed == 1
    sis.clear()

    # A form with errors, a caseload search, and a page not found with the name in its query.
    bad = {**edit, "phone": "12", "version": Youth.objects.get(pk=youth.pk).version}
    assert client.post(reverse("youth:edit", args=[youth.pk]), bad).status_code == 200
    assert client.get(reverse("youth:caseload"), {"q": them["lastSurname"]}).status_code == 200
    missing = reverse("youth:detail", args=[youth.pk + 100000])
    assert client.get(missing, {"q": them["lastSurname"]}).status_code == 404

    logged = everything_logged(every_log_record.records)
    # The journey did log (retries, the failed pulls, the 404), so the check below has teeth.
    assert "SIS" in logged and "Not Found" in logged
    leaked = [item for item in personal_data(them) if item.lower() in logged.lower()]
    where = [
        f"{record.name} {record.levelname}: {record.getMessage()[:300]}"
        for record in every_log_record.records
        if any(item.lower() in everything_logged([record]).lower() for item in leaked)
    ]
    assert not leaked, f"Logged: {leaked}, by:\n" + "\n".join(where)
