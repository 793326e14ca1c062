import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.accounts.factories import current_code
from tests.centers.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_supervisor_sets_up_two_step_sign_in_then_signs_in_with_a_code(
    site, page, supervisor, assert_accessible
):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill("sam.supervisor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # First sign-in: the role requires two-step sign-in, so only the set-up page opens.
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    expect(page.get_by_role("link", name="Pipeline")).to_have_count(0)
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.locator(".usa-error-message")).to_contain_text("That code is not right")
    assert_accessible(page)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    page.get_by_label("Code from the app").fill(current_code(device))
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your backup codes")
    expect(page.get_by_role("list", name="Backup codes").locator("li")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="I have kept my codes, continue").click()
    expect(page.get_by_role("link", name="Pipeline")).to_be_visible()

    page.get_by_role("link", name="Two-step sign-in").click()
    expect(page.get_by_text("Two-step sign-in is on.")).to_be_visible()
    assert_accessible(page)

    # The next sign-in asks for the code.
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.get_by_label("Username").fill("sam.supervisor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in")
    assert_accessible(page)
    page.get_by_label("Code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Pipeline")).to_be_visible()
