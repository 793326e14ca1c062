import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.centers.factories import PASSWORD
from tests.referrals.factories import ProgramFactory
from tests.youth.factories import CaseFactory, YouthFactory

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = timezone.localdate()


def test_assess_refer_accept_enroll_and_the_funnel_moves(
    site, page, sign_in, counselor, supervisor, center_a, assert_accessible
):
    youth = YouthFactory(
        legal_first_name="Jesús",
        legal_last_name="Hernández",
        birth_date=TODAY.replace(year=TODAY.year - 19) - datetime.timedelta(days=40),
        school_status="dropout",
    )
    CaseFactory(youth=youth, center=center_a, counselor=counselor)
    ProgramFactory(name="Test adult school", min_age=18)
    ProgramFactory(name="Test continuation school", min_age=16, max_age=17)

    sign_in("alice.counselor", PASSWORD)
    page.goto(f"{site}/youth/{youth.pk}/")
    page.get_by_role("link", name="Assess", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Goals").fill("Finish the diploma")
    page.get_by_label("Recommended pathway").select_option("adult_school")
    page.get_by_label("Why this pathway").fill("Nineteen, wants evening classes")
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_text("WIOA eligible", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Refer", exact=True).click()
    options = page.get_by_role("table", name="Which programs fit, and why the others do not")
    continuation = options.locator("tr", has_text="Test continuation school")
    expect(continuation).to_contain_text("Ages 16-17 only; this youth is 19.")
    assert_accessible(page)
    page.get_by_label("Program", exact=True).select_option(label="Test adult school")
    page.get_by_role("button", name="Make the referral").click()
    referrals = page.locator("section", has=page.get_by_role("heading", name="Referrals"))
    expect(page.get_by_text("Referral made.")).to_be_visible()
    expect(referrals.get_by_role("cell", name="Sent", exact=True)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in("sam.supervisor", PASSWORD)
    page.get_by_role("link", name="Pipeline", exact=True).click()
    expect(page.locator("#funnel")).to_be_visible()
    expect(page.locator('#funnel a[data-figure="referred"]')).to_have_text("1")
    expect(page.locator('#funnel a[data-figure="enrolled"]')).to_have_text("0")
    assert_accessible(page)

    page.goto(f"{site}/youth/{youth.pk}/")
    referrals.get_by_label("Next step").first.select_option("accepted")
    referrals.get_by_role("button", name="Update referral").click()
    expect(page.get_by_text("Referral to Test adult school: Accepted.")).to_be_visible()
    referrals.get_by_label("Next step").first.select_option("enrolled")
    referrals.get_by_role("button", name="Update referral").click()
    expect(page.get_by_text("Referral to Test adult school: Enrolled.")).to_be_visible()

    page.get_by_role("link", name="Pipeline", exact=True).click()
    expect(page.locator('#funnel a[data-figure="enrolled"]')).to_have_text("1")
    expect(page.locator('#funnel a[data-figure="returned_to_school"]')).to_have_text("1")
    page.locator('#funnel a[data-figure="returned_to_school"]').click()
    expect(page.get_by_role("link", name="Jesús Hernández")).to_be_visible()
    assert_accessible(page)
