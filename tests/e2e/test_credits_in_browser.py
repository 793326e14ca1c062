import contextlib

import pytest
from django.conf import settings
from playwright.sync_api import expect

from reengage.celery import app as celery_app
from tests.centers.factories import PASSWORD
from tests.sis_bridge.conftest import live_sis, mock_sis, sis_settings  # noqa: F401
from tests.sis_bridge.test_sync import youth_for
from tests.youth.factories import CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def task_runner():
    """A real Celery worker on the Redis broker when there is one; else tasks run in-process."""
    if not settings.REDIS_URL:
        yield
        return
    from celery.contrib.testing.worker import start_worker

    with start_worker(celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        yield


def test_a_counselor_refreshes_credits_and_they_survive_a_failing_sis(
    site,
    page,
    sign_in,
    counselor,
    center_a,
    sis_settings,  # noqa: F811  (fixtures from the SIS tests)
    mock_sis,  # noqa: F811
    assert_accessible,
):
    youth = youth_for(19)
    CaseFactory(youth=youth, center=center_a, counselor=counselor)
    with task_runner():
        sign_in("alice.counselor", PASSWORD)
        page.goto(f"{site}/youth/{youth.pk}/")
        panel = page.locator("#education-records")
        expect(panel.get_by_text("District data has not been pulled yet.")).to_be_visible()

        panel.get_by_role("button", name="Refresh credits").click()
        expect(panel.get_by_text("of 210 credits")).to_be_visible(timeout=20_000)
        expect(
            panel.get_by_role(
                "table", name="Credits by subject area against the LAUSD requirements"
            )
        ).to_be_visible()
        assert_accessible(page)
        summary = panel.get_by_text("of 210 credits").inner_text()

        mock_sis.fault(kind="error", status=503, count=None)
        panel.get_by_role("button", name="Refresh credits").click()
        expect(panel.get_by_text("did not complete")).to_be_visible(timeout=20_000)
        expect(panel.get_by_text(summary)).to_be_visible()
        assert_accessible(page)
