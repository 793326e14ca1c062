import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.centers.factories import PASSWORD
from tests.youth.factories import CaseFactory, YouthFactory

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = timezone.localdate()


@pytest.fixture
def existing_youth(counselor, center_a):
    youth = YouthFactory(
        legal_first_name="Guadalupe",
        legal_last_name="Quintero-Ávila",
        birth_date=datetime.date(2007, 3, 4),
        phone="2135550142",
    )
    CaseFactory(youth=youth, center=center_a, counselor=counselor)
    return youth


def fill_intake(page, first, last, birth_date):
    page.get_by_label("Legal first name").fill(first)
    page.get_by_label("Legal last name(s)").fill(last)
    page.get_by_label("Date of birth").fill(birth_date)
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("School status").select_option("dropout")


def test_intake_warns_about_an_existing_record_before_creating_a_duplicate(
    site, page, sign_in, counselor, existing_youth, assert_accessible
):
    sign_in("alice.counselor", PASSWORD)
    page.get_by_role("link", name="Intake", exact=True).click()
    expect(page.get_by_role("heading", name="New intake")).to_be_visible()
    assert_accessible(page)

    fill_intake(page, "Lupe", "Quintero Avila", "2007-03-04")
    matches = page.locator("#matches")
    expect(matches.get_by_role("link", name="Guadalupe Quintero-Ávila")).to_be_visible()
    expect(matches.get_by_text("Strong match")).to_be_visible()

    page.get_by_role("button", name="Save intake").click()
    expect(page.get_by_text("This looks like a youth who already has a record")).to_be_visible()
    expect(page.get_by_label("Legal first name")).to_have_value("Lupe")
    assert_accessible(page)

    # USWDS hides the box itself and draws it on the label, which is what a person clicks.
    page.get_by_text("I checked the possible matches: this is a different person").click()
    page.get_by_role("button", name="Save intake").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lupe Quintero Avila")
    expect(page.get_by_text("Intake saved")).to_be_visible()
    assert_accessible(page)


def test_a_counselor_adds_a_note_and_a_follow_up(
    site, page, sign_in, counselor, existing_youth, assert_accessible
):
    sign_in("alice.counselor", PASSWORD)
    page.get_by_role("link", name="Caseload", exact=True).click()
    page.get_by_label("Search name, phone or LAUSD ID").fill("quintero")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("link", name="Guadalupe Quintero-Ávila").click()

    page.get_by_role("link", name="Add a note").click()
    page.get_by_label("Kind").select_option("phone")
    page.get_by_label("Note", exact=True).fill("Called about the orientation on Monday.")
    assert_accessible(page)
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Called about the orientation on Monday.")).to_be_visible()

    page.get_by_role("link", name="Schedule a follow-up").click()
    page.get_by_label("Due").fill((TODAY + datetime.timedelta(days=3)).isoformat())
    page.get_by_label("What to do").fill("Confirm the orientation")
    page.get_by_role("button", name="Schedule").click()
    follow_ups = page.locator("section", has=page.get_by_role("heading", name="Follow-ups"))
    expect(follow_ups.get_by_text("Confirm the orientation")).to_be_visible()
    follow_ups.get_by_role("button", name="Mark done").click()
    expect(follow_ups.get_by_text("Done", exact=True)).to_be_visible()
    assert_accessible(page)


def test_a_transfer_is_requested_and_accepted_by_the_other_center(
    site, page, sign_in, counselor, other_counselor, existing_youth, assert_accessible
):
    sign_in("alice.counselor", PASSWORD)
    page.goto(f"{site}/youth/{existing_youth.pk}/")
    page.get_by_role("link", name="Transfer", exact=True).click()
    page.get_by_label("Transfer to").select_option(label="Brotherhood Crusade (South)")
    page.get_by_label("Reason").fill("The family moved to South LA.")
    assert_accessible(page)
    page.get_by_role("button", name="Request transfer").click()
    expect(page.get_by_text("waiting for that center")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in("bob.counselor", PASSWORD)
    page.get_by_role("link", name="Transfers", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Accept or decline").click()
    page.get_by_text("Accept the case").click()
    page.get_by_label("Counselor who takes the case").select_option(str(other_counselor.pk))
    assert_accessible(page)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Guadalupe Quintero-Ávila")
    expect(page.get_by_text(re.compile("at Brotherhood Crusade with"))).to_be_visible()


def test_a_supervisor_merges_two_records_and_undoes_it(
    site, page, sign_in, supervisor, counselor, center_a, assert_accessible
):
    keep = CaseFactory(center=center_a, counselor=counselor).youth
    duplicate = CaseFactory(center=center_a, counselor=counselor).youth
    sign_in("sam.supervisor", PASSWORD)
    page.get_by_role("link", name="Merge", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Record to keep (number)").fill(str(keep.pk))
    page.get_by_label("Duplicate record to merge into it (number)").fill(str(duplicate.pk))
    page.get_by_label("Why these are one person").fill("Same person entered twice")
    page.get_by_role("button", name="Merge", exact=True).click()
    expect(page.get_by_text("Records merged")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(keep.display_name)

    page.get_by_role("link", name="Merge", exact=True).click()
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Merge undone")).to_be_visible()
    expect(page.get_by_text("Undone", exact=True)).to_be_visible()
    assert_accessible(page)
