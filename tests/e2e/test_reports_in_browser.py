import datetime
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.centers.factories import PASSWORD
from tests.referrals.factories import ProgramFactory, ReferralFactory
from tests.youth.factories import CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_analyst_picks_a_program_year_and_downloads_the_same_numbers(
    site, page, sign_in, analyst, centers, assert_accessible
):
    for code, intakes in (("EAST", 3), ("BOYLE", 2)):
        for n in range(intakes):
            CaseFactory(center=centers[code], intake_date=datetime.date(2025, 9, n + 1))
    enrolled = CaseFactory(center=centers["EAST"], intake_date=datetime.date(2025, 10, 1))
    ReferralFactory(
        case=enrolled,
        program=ProgramFactory(),
        status="enrolled",
        sent_at=datetime.datetime(2025, 10, 2, 19, tzinfo=datetime.UTC),
        enrolled_on=datetime.date(2025, 10, 20),
    )

    sign_in("ann.analyst", PASSWORD)
    page.goto(f"{site}/reports/")
    assert_accessible(page)
    page.get_by_label("Program year").select_option("2025-26")
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("heading", name="Period 2025-26")).to_be_visible()
    by_center = page.get_by_role("table", name="Youth at each center")
    expect(by_center.locator('tr[data-row="EAST"] td[data-figure="intake"]')).to_have_text("4")
    expect(by_center.locator('tr[data-row="BOYLE"] td[data-figure="intake"]')).to_have_text("2")
    overall = by_center.locator('tr[data-row="overall"] td')
    expect(overall).to_have_text(["6", "6", "0", "1", "1", "1", "0"])
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download XLSX").click()
    download = info.value
    assert download.suggested_filename == "reengage-grant-report-2025-26.xlsx"
    # Playwright keeps the file under a name without extension, which openpyxl refuses.
    with open(download.path(), "rb") as stream:
        workbook = load_workbook(io.BytesIO(stream.read()), read_only=True)
    rows = list(workbook["Figures by center"].iter_rows(values_only=True))
    assert rows[-1][0] == "All chosen centers, each youth once"
    assert list(rows[-1][1:]) == [int(text) for text in overall.all_inner_texts()]
