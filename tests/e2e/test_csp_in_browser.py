"""The Content-Security-Policy in a real browser: the main pages, their htmx updates and the
admin site run without a single violation (no inline script or style, no eval)."""

import datetime
import types

import pytest
from playwright.sync_api import expect

from tests.centers.factories import PASSWORD
from tests.youth.factories import CaseFactory, ConsentFactory, YouthFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def problems(page):
    """Everything the browser reports against the policy, and any script error."""
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: found.append(f"script error: {error}"))
    return found


@pytest.fixture
def existing_youth(counselor, center_a):
    youth = YouthFactory(
        legal_first_name="Guadalupe",
        legal_last_name="Quintero-Ávila",
        birth_date=datetime.date(2007, 3, 4),
    )
    CaseFactory(youth=youth, center=center_a, counselor=counselor)
    ConsentFactory(youth=youth, recorded_by=counselor)
    return youth


def test_a_counselors_pages_and_htmx_updates_break_no_policy(
    site, page, sign_in, counselor, existing_youth, problems
):
    sign_in("alice.counselor", PASSWORD)
    expect(page.get_by_role("link", name="Caseload", exact=True)).to_be_visible()

    page.get_by_role("link", name="Caseload", exact=True).click()
    page.get_by_label("Search name, phone or LAUSD ID").fill("quintero")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Guadalupe Quintero-Ávila").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Guadalupe Quintero-Ávila")
    expect(page.get_by_role("heading", name="Education records")).to_be_visible()

    page.get_by_role("link", name="Intake", exact=True).click()
    page.get_by_label("Legal first name").fill("Lupe")
    page.get_by_label("Legal last name(s)").fill("Quintero Avila")
    page.get_by_label("Date of birth").fill("2007-03-04")
    expect(page.locator("#matches").get_by_text("Strong match")).to_be_visible()

    # The menu of a narrow screen is USWDS's script at work.
    page.set_viewport_size({"width": 400, "height": 800})
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("navigation", name="Primary navigation")).to_be_visible()
    assert problems == []


def test_the_pipeline_breaks_no_policy(site, page, sign_in, supervisor, problems):
    sign_in("sam.supervisor", PASSWORD)
    page.goto(f"{site}/referrals/pipeline/")
    expect(page.locator("#funnel")).to_be_visible()
    expect(page.locator("svg.pipeline-chart")).to_be_visible()
    assert problems == []


def test_the_grant_report_breaks_no_policy(site, page, sign_in, analyst, problems):
    sign_in("ann.analyst", PASSWORD)
    page.goto(f"{site}/reports/")
    page.get_by_label("Program year").select_option("2025-26")
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("heading", name="Period 2025-26")).to_be_visible()
    assert problems == []


def test_the_admin_site_breaks_no_policy(site, page, sign_in, administrator, problems):
    # Every admin page, whatever the permissions the role gives.
    administrator.is_superuser = True
    administrator.save(update_fields=["is_superuser"])
    sign_in("ada.admin", PASSWORD)
    page.goto(f"{site}/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto(f"{site}/admin/centers/center/")
    page.locator("#result_list tbody tr").first.locator("th a").click()
    expect(page.locator("#content h1")).to_be_visible()
    # The user form: the widest admin scripts (the permission picker, the password widget).
    page.goto(f"{site}/admin/accounts/user/{administrator.pk}/change/")
    expect(page.locator("#id_user_permissions_from")).to_be_visible()
    assert problems == []


def test_a_search_past_the_limit_says_so_in_place_of_the_results(
    site, page, sign_in, counselor, existing_youth, settings, monkeypatch, problems
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "2/m"}
    monkeypatch.setattr(
        "django_ratelimit.core.time", types.SimpleNamespace(time=lambda: 1_800_000_000.0)
    )
    sign_in("alice.counselor", PASSWORD)
    page.goto(f"{site}/youth/")  # the first search of the minute
    search = page.get_by_label("Search name, phone or LAUSD ID")
    with page.expect_response(lambda response: "q=quintero" in response.url):
        search.fill("quintero")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    with page.expect_response(lambda response: "q=guadalupe" in response.url) as answer:
        search.fill("guadalupe")
    assert answer.value.status == 429
    expect(page.locator("#results")).to_contain_text("Try again in 1 minute.")
    # The results area stays, so the next search once the minute is over has its place.
    expect(page.locator("#results")).to_have_count(1)
    assert problems == []
