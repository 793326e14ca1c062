import re

import pytest
from playwright.sync_api import expect

from tests.centers.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_counselor_signs_in_switches_to_spanish_and_signs_out(
    site, page, sign_in, counselor, assert_accessible
):
    page.goto(site)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)

    sign_in("alice.counselor", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_role("heading", name="Your center")).to_be_visible()
    expect(page.get_by_role("link", name="Para Los Niños")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", name="Su centro")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert_accessible(page)

    page.get_by_role("button", name="Cerrar sesión").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")


def test_five_wrong_passwords_lock_the_account(site, page, sign_in, counselor, assert_accessible):
    for attempt in range(1, 5):
        sign_in("alice.counselor", f"wrong-{attempt}")
        expect(page.locator(".usa-alert--error")).to_be_visible()
    assert_accessible(page)
    sign_in("alice.counselor", "wrong-5")
    expect(page.get_by_role("heading", name="Account locked")).to_be_visible()
    assert_accessible(page)
    sign_in("alice.counselor", PASSWORD)
    expect(page.get_by_role("heading", name="Account locked")).to_be_visible()


def test_an_administrator_sees_the_13_centers(
    site, page, sign_in, administrator, assert_accessible
):
    sign_in("ada.admin", PASSWORD)
    table = page.get_by_role("table", name="YouthSource centers by region")
    expect(table.locator("tbody tr")).to_have_count(13)
    assert_accessible(page)
    page.get_by_role("link", name="Centers", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Centers")
    assert_accessible(page)
    page.get_by_role("link", name="Brotherhood Crusade").click()
    expect(page.get_by_text("5414 S Crenshaw Bl")).to_be_visible()
    assert_accessible(page)


def test_the_password_change_page_shows_errors_and_is_accessible(
    site, page, sign_in, counselor, assert_accessible
):
    sign_in("alice.counselor", PASSWORD)
    page.get_by_role("link", name="Change password").click()
    page.get_by_label("Old password").fill("wrong")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password confirmation").fill("short")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".usa-error-message").first).to_be_visible()
    assert_accessible(page)
