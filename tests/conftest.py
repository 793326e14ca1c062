"""The personas every test speaks of, defined once (STYLE.md): a counselor at center A (EAST), a
read-only colleague at A, a counselor at center B (CRENS), a supervisor of A, a CDD analyst and
an administrator."""

import uuid

import factory.random
import pytest
from django.utils import translation

from centers.models import Center, Role
from centers.seed import load_youthsource_centers
from tests.accounts.factories import sign_in_fully
from tests.centers.factories import staff
from tests.youth.factories import CaseFactory, ConsentFactory

# Factories draw names and dates from Faker: the same ones on every run.
factory.random.reseed_random("reengage")

CENTER_A = "EAST"
CENTER_B = "CRENS"


@pytest.fixture(autouse=True)
def _static_files_from_the_tree(settings):
    # Production serves hashed copies made by collectstatic (CI checks that step); tests read
    # the files where they are.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _rate_limits_counted_per_test(settings):
    # Each test counts its requests from zero: in Redis, counters would outlive the test and,
    # since a new test database gives the same user ids, reach into the next run.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4()}",
        }
    }


@pytest.fixture(autouse=True)
def _each_test_in_the_default_language():
    # A request in Spanish leaves Spanish active in the thread (LocaleMiddleware activates, and
    # nothing deactivates); a later test that stores a translated reason would read Spanish.
    yield
    translation.deactivate()


@pytest.fixture
def centers(db):
    # The data migration loads the centers, but transactional tests (the browser's live
    # server) flush tables, so tests that need them ask for them.
    load_youthsource_centers(Center)
    return {center.code: center for center in Center.objects.all()}


@pytest.fixture
def center_a(centers):
    return centers[CENTER_A]


@pytest.fixture
def center_b(centers):
    return centers[CENTER_B]


@pytest.fixture
def counselor(centers):
    # The LAUSD PSA counselor of center A: may read district records with consent.
    return staff("alice.counselor", Role.COUNSELOR, CENTER_A, reads_district_records=True)


@pytest.fixture
def readonly_colleague(centers):
    return staff("rita.readonly", Role.COUNSELOR, CENTER_A, read_only=True)


@pytest.fixture
def other_counselor(centers):
    return staff("bob.counselor", Role.COUNSELOR, CENTER_B, reads_district_records=True)


@pytest.fixture
def supervisor(centers):
    return staff("sam.supervisor", Role.SUPERVISOR, CENTER_A, "BOYLE")


@pytest.fixture
def analyst(centers):
    return staff("ann.analyst", Role.ANALYST)


@pytest.fixture
def administrator(centers):
    user = staff("ada.admin", Role.ADMINISTRATOR)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def client_for(client):
    """`client_for(user)`: the test client fully signed in as that user, past the second factor
    for roles that require one (tests/accounts covers the sign-in steps themselves)."""

    def sign_in(user):
        return sign_in_fully(client, user)

    return sign_in


@pytest.fixture
def case_a(counselor, center_a):
    """An open case at center A, the counselor persona's."""
    return CaseFactory(center=center_a, counselor=counselor)


@pytest.fixture
def youth_a(case_a):
    return case_a.youth


@pytest.fixture
def consented_youth_a(youth_a, counselor):
    ConsentFactory(youth=youth_a, recorded_by=counselor)
    return youth_a
