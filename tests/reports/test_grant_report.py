"""The grant report: its figures overall and by center against hand-built data, its breakdowns,
who may see it, and its CSV and XLSX downloads."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from centers.models import Center
from referrals.models import ProgramKind, ReferralStatus
from reports.forms import program_year_bounds
from sis_bridge.models import AcademicTerm
from tests.centers.factories import UserFactory
from tests.referrals.factories import ProgramFactory, ReferralFactory
from tests.youth.factories import CaseFactory, CaseNoteFactory, FollowUpFactory, YouthFactory
from youth.choices import CaseStatus, ClosedReason, NoteKind, Pathway, Race
from youth.models import Assessment, Youth

pytestmark = pytest.mark.django_db

YEAR = "2024-25"
START = datetime.date(2024, 7, 1)
END = datetime.date(2025, 6, 30)
FIGURE_CODES = [
    "reached",
    "intake",
    "assessed",
    "referred",
    "enrolled",
    "returned_to_school",
    "enrolled_in_wioa",
    "credential_attained",
    "skill_gain_transcript",
    "exited",
    "follow_up_done",
]
NONE_NEW = [0, 0, 0, 0]  # the served youth have no diploma, transcript, exit or follow-up


def day(month: int, date: int) -> datetime.date:
    """A day of the 2024-25 program year."""
    return datetime.date(2024 if month >= 7 else 2025, month, date)


def at_noon(date: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        date, datetime.time(12), tzinfo=timezone.get_current_timezone()
    )


def closed_case(**fields):
    return CaseFactory(
        status=CaseStatus.CLOSED,
        closed_on=fields.pop("closed_on"),
        closed_reason=ClosedReason.TRANSFERRED,
        **fields,
    )


def enroll(case, on, kind=ProgramKind.SCHOOL):
    return ReferralFactory(
        case=case,
        program=ProgramFactory(kind=kind),
        status=ReferralStatus.ENROLLED,
        sent_at=at_noon(on - datetime.timedelta(days=7)),
        enrolled_on=on,
    )


def assess(case, on):
    return Assessment.objects.create(
        youth=case.youth,
        case=case,
        counselor=case.counselor,
        assessed_on=on,
        goals="Earn the diploma",
        pathway=Pathway.ADULT_SCHOOL,
        pathway_reasoning="Over 18 with 90 credits",
    )


def ids(*codes: str) -> list[int]:
    return list(Center.objects.filter(code__in=codes).values_list("pk", flat=True))


def counts(row) -> dict[str, int]:
    return dict(zip(FIGURE_CODES, row.counts, strict=True))


def by_center(report) -> dict[str, dict[str, int]]:
    return {row.code: counts(row) for row in report.by_center}


def overall(report) -> dict[str, int]:
    return {row.figure.code: row.count for row in report.overall}


def breakdown(report, code: str):
    return next(item for item in report.breakdowns if item.code == code)


@pytest.fixture
def served(centers):
    """Hand-built youth of the 2024-25 program year at EAST, BOYLE and CRENS.

    twice: two intakes at EAST in the period, contacted (reached, intake once).
    late: intake at EAST; enrolled the day after the period ends (not enrolled).
    moved: intake and a referral at EAST, then a case at BOYLE, assessed and back in school
        there (counts at both centers, once overall).
    wioa: intake at CRENS, enrolled in WIOA youth services.
    """
    east, boyle, crens = centers["EAST"], centers["BOYLE"], centers["CRENS"]
    twice_first = closed_case(center=east, intake_date=day(8, 1), closed_on=day(9, 1))
    twice = CaseFactory(youth=twice_first.youth, center=east, intake_date=day(10, 1))
    CaseNoteFactory(case=twice, kind=NoteKind.MEETING, contact_on=day(10, 2))
    late = CaseFactory(center=east, intake_date=day(5, 1))
    enroll(late, END + datetime.timedelta(days=1))
    moved_east = closed_case(center=east, intake_date=day(8, 1), closed_on=day(11, 1))
    ReferralFactory(case=moved_east, status=ReferralStatus.SENT, sent_at=at_noon(day(9, 1)))
    moved_boyle = CaseFactory(youth=moved_east.youth, center=boyle, intake_date=day(11, 1))
    assess(moved_boyle, day(11, 15))
    enroll(moved_boyle, day(12, 1))
    wioa = CaseFactory(center=crens, intake_date=day(2, 1))
    enroll(wioa, day(3, 1), ProgramKind.WIOA)
    return {
        "twice": twice.youth,
        "late": late.youth,
        "moved": moved_east.youth,
        "wioa": wioa.youth,
    }


def report_for(client, **params):
    response = client.get(reverse("reports:grant_report"), {"year": YEAR, **params})
    assert response.status_code == 200
    return response


# The figures


def test_each_figure_counts_by_center_and_once_overall(client_for, analyst, served):
    chosen = ids("EAST", "BOYLE", "CRENS")
    report = report_for(client_for(analyst), centers=chosen).context["report"]

    assert (report.start, report.end) == (START, END)
    assert by_center(report) == {
        # moved: the referral they enrolled through was sent from BOYLE too
        "BOYLE": dict(zip(FIGURE_CODES, [1, 1, 1, 1, 1, 1, 0, *NONE_NEW], strict=True)),
        "CRENS": dict(zip(FIGURE_CODES, [1, 1, 0, 1, 1, 0, 1, *NONE_NEW], strict=True)),
        # twice (once, though two intakes), late (not enrolled), moved (intake, referral)
        "EAST": dict(zip(FIGURE_CODES, [3, 3, 0, 2, 0, 0, 0, *NONE_NEW], strict=True)),
    }
    # late's referral was sent in June, inside the period; its enrollment in July is not.
    assert overall(report) == dict(zip(FIGURE_CODES, [4, 4, 1, 3, 2, 1, 1, *NONE_NEW], strict=True))
    assert dict(zip(FIGURE_CODES, report.center_sums, strict=True)) == dict(
        zip(FIGURE_CODES, [5, 5, 1, 4, 2, 1, 1, *NONE_NEW], strict=True)
    )
    # Only where the moved youth counts at both centers is the overall not the sum.
    assert dict(zip(FIGURE_CODES, report.not_additive, strict=True)) == {
        code: code in ("reached", "intake", "referred") for code in FIGURE_CODES
    }


def test_the_wioa_outcome_figures_show_on_the_page_with_their_rules(client_for, analyst, centers):
    east, crens = centers["EAST"], centers["CRENS"]
    # At EAST a youth enrolled in WIOA in August, earned credits in the fall semester (ends on
    # 31 January 2025), exited in March and had a follow-up done in May; another youth finished
    # a HiSET program. At CRENS a youth's WIOA referral completed after the period ended.
    wioa = CaseFactory(center=east, intake_date=day(7, 15))
    ReferralFactory(
        case=wioa,
        program=ProgramFactory(kind=ProgramKind.WIOA),
        status=ReferralStatus.EXITED,
        sent_at=at_noon(day(8, 1)),
        enrolled_on=day(8, 10),
        status_changed_at=at_noon(day(3, 1)),
        status_reason="Moved away",
    )
    AcademicTerm.objects.create(
        youth=wioa.youth,
        sis_id="term-1",
        school_id=1001,
        school_year=2025,
        term="Fall Semester",
        earned_credits=10.0,
        lausd_credits_earned=10.0,
    )
    FollowUpFactory(case=wioa, due_on=day(5, 1), done_at=at_noon(day(5, 2)), done_by=wioa.counselor)
    hiset = CaseFactory(center=east, intake_date=day(7, 15))
    ReferralFactory(
        case=hiset,
        program=ProgramFactory(kind=ProgramKind.EQUIVALENCY),
        status=ReferralStatus.COMPLETED,
        sent_at=at_noon(day(8, 1)),
        enrolled_on=day(8, 10),
        status_changed_at=at_noon(day(4, 1)),
    )
    later = CaseFactory(center=crens, intake_date=day(7, 15))
    ReferralFactory(
        case=later,
        program=ProgramFactory(kind=ProgramKind.WIOA),
        status=ReferralStatus.COMPLETED,
        sent_at=at_noon(day(8, 1)),
        enrolled_on=day(8, 10),
        status_changed_at=at_noon(END + datetime.timedelta(days=1)),
    )
    response = report_for(client_for(analyst), centers=ids("EAST", "CRENS"))
    report = response.context["report"]

    assert overall(report) == dict(
        zip(FIGURE_CODES, [3, 3, 0, 3, 3, 0, 2, 1, 1, 1, 1], strict=True)
    )
    assert by_center(report)["CRENS"]["exited"] == 0
    assert by_center(report)["EAST"]["follow_up_done"] == 1
    sex_total = breakdown(report, "sex").totals[0]
    assert counts(sex_total) == overall(report)
    for code in FIGURE_CODES[7:]:
        assert f'data-figure="{code}">1</td>' in response.text
    outcomes = response.text.split('id="by-center-outcomes"')[1].split("</table>")[0]
    assert 'data-row="EAST"' in outcomes and 'data-figure="reached"' not in outcomes
    assert outcomes.count('data-figure="follow_up_done"') == 4  # EAST, CRENS, sum, overall
    funnel_table = response.text.split('id="by-center"')[1].split("</table>")[0]
    assert 'data-figure="exited"' not in funnel_table
    assert "The counselor records the diploma or equivalent" in response.text
    assert "(PIRL 1808, secondary transcript)" in response.text


def test_the_page_says_where_the_centers_do_not_add_up(client_for, analyst, served):
    response = report_for(client_for(analyst), centers=ids("EAST", "BOYLE"))
    note = response.text.split('id="not-additive-note">')[1].split("</p>")[0]
    assert "a youth served at two centers counts once" in note
    assert "Youth reached, Intake, Referred." in " ".join(note.split())
    assert 'data-row="sum"' in response.text and 'data-row="overall"' in response.text


def test_the_overall_figures_are_the_pipelines_for_the_same_period_and_centers(
    client_for, supervisor, served
):
    client = client_for(supervisor)
    report = report_for(client).context["report"]  # the supervisor's EAST and BOYLE
    pipeline = client.get(
        reverse("referrals:pipeline"), {"start": START.isoformat(), "end": END.isoformat()}
    )
    assert [row.count for row in pipeline.context["funnel"]] == report.overall_counts[:7]
    assert report.overall_counts == [3, 3, 1, 2, 1, 1, 0, *NONE_NEW]


def test_a_quarter_counts_only_its_three_months(client_for, analyst, served):
    report = report_for(client_for(analyst), quarter="2").context["report"]
    assert (report.start, report.end) == (day(10, 1), day(12, 31))
    # twice's second intake (1 October); moved's BOYLE intake, assessment, referral, enrollment.
    assert overall(report) == dict(zip(FIGURE_CODES, [2, 2, 1, 1, 1, 1, 0, *NONE_NEW], strict=True))


def test_program_years_and_quarters_run_july_to_june():
    assert program_year_bounds("2025-26") == (datetime.date(2025, 7, 1), datetime.date(2026, 6, 30))
    assert program_year_bounds("2025-26", "1") == (
        datetime.date(2025, 7, 1),
        datetime.date(2025, 9, 30),
    )
    assert program_year_bounds("2025-26", "3") == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
    )
    assert program_year_bounds("2025-26", "4") == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 6, 30),
    )


def test_custom_dates_replace_the_program_year(client_for, analyst, served):
    response = report_for(client_for(analyst), start="2024-08-01", end="2024-08-31")
    report = response.context["report"]
    assert (report.start, report.end, report.name) == (
        day(8, 1),
        day(8, 31),
        "2024-08-01 to 2024-08-31",
    )
    assert overall(report)["intake"] == 2  # twice's first intake, moved's EAST intake


def test_a_custom_period_needs_both_dates(client_for, analyst):
    response = report_for(client_for(analyst), start="2024-08-01")
    assert "report" not in response.context
    assert response.context["form"].errors["end"]


def test_the_default_is_the_current_program_year_at_every_visible_center(client_for, analyst):
    response = client_for(analyst).get(reverse("reports:grant_report"))
    report = response.context["report"]
    today = timezone.localdate()
    assert report.start.month == 7 and report.start.day == 1
    assert report.start <= today <= report.end
    assert len(report.centers) == 13


# Breakdowns


def test_breakdowns_that_place_each_youth_once_add_up_to_the_figure(client_for, analyst, served):
    report = report_for(client_for(analyst)).context["report"]
    for item in report.breakdowns:
        if item.additive:
            sums = [sum(column) for column in zip(*(row.counts for row in item.rows), strict=True)]
            assert sums == report.overall_counts, item.code
            assert item.totals[0].counts == report.overall_counts


def test_a_youth_of_several_races_or_barriers_counts_under_each(client_for, analyst, centers):
    youth = YouthFactory(races=[Race.BLACK, Race.WHITE], barriers=["low_income", "disability"])
    CaseFactory(youth=youth, center=centers["EAST"], intake_date=day(9, 1))
    CaseFactory(center=centers["EAST"], intake_date=day(9, 2), youth__races=[])
    report = report_for(client_for(analyst)).context["report"]

    races = {row.code: counts(row)["intake"] for row in breakdown(report, "race").rows}
    assert races == {
        "american_indian": 0,
        "asian": 0,
        "black": 1,
        "pacific_islander": 0,
        "white": 1,
        "none": 1,
    }
    barriers = {row.code: counts(row)["intake"] for row in breakdown(report, "barrier").rows}
    assert (barriers["low_income"], barriers["disability"], barriers["none"]) == (1, 1, 1)
    assert sum(barriers.values()) == 3 > overall(report)["intake"]
    assert not breakdown(report, "race").additive and not breakdown(report, "race").totals


def test_the_age_band_is_the_age_on_the_intake_date(client_for, analyst, centers):
    # 17 at intake in September 2024, 18 by the end of the period: counted as 16-17.
    seventeen = YouthFactory(birth_date=datetime.date(2007, 1, 15))
    CaseFactory(youth=seventeen, center=centers["EAST"], intake_date=day(9, 1))
    thirteen = YouthFactory(birth_date=datetime.date(2011, 1, 1))
    CaseFactory(youth=thirteen, center=centers["EAST"], intake_date=day(9, 1))
    twenty_two = YouthFactory(birth_date=datetime.date(2002, 9, 1))
    CaseFactory(youth=twenty_two, center=centers["EAST"], intake_date=day(9, 1))
    report = report_for(client_for(analyst)).context["report"]

    ages = {row.code: counts(row)["intake"] for row in breakdown(report, "age").rows}
    assert ages == {"14-15": 0, "16-17": 1, "18-21": 0, "22-24": 1, "other": 1}


def test_sex_ethnicity_and_school_status_come_from_the_youth_record(client_for, analyst, centers):
    youth = YouthFactory(sex="male", hispanic_latino="yes", school_status="enrolled")
    CaseFactory(youth=youth, center=centers["EAST"], intake_date=day(9, 1))
    report = report_for(client_for(analyst)).context["report"]
    for code, value in (("sex", "male"), ("hispanic_latino", "yes"), ("school_status", "enrolled")):
        rows = {row.code: counts(row)["intake"] for row in breakdown(report, code).rows}
        assert rows[value] == 1 and sum(rows.values()) == 1, code


# Who may see it


def center_choices(response) -> set[str]:
    return {
        label.split(" · ")[0] for _pk, label in response.context["form"].fields["centers"].choices
    }


def test_an_analyst_reports_on_all_thirteen_centers(client_for, analyst):
    response = report_for(client_for(analyst))
    assert len(center_choices(response)) == 13
    assert len(response.context["report"].centers) == 13


def test_a_counselor_reports_only_on_their_center(client_for, counselor):
    response = report_for(client_for(counselor))
    assert center_choices(response) == {"EAST"}
    assert [center.code for center in response.context["report"].centers] == ["EAST"]


def test_a_supervisor_reports_on_the_centers_they_work_at(client_for, supervisor):
    response = report_for(client_for(supervisor))
    assert center_choices(response) == {"EAST", "BOYLE"}


@pytest.mark.parametrize("url", ["page", "csv", "xlsx"])
def test_an_administrator_and_a_user_without_a_center_are_refused(
    client_for, administrator, url, centers
):
    address = (
        reverse("reports:grant_report")
        if url == "page"
        else reverse("reports:grant_report_download", args=[url])
    )
    assert client_for(administrator).get(address).status_code == 403
    nobody = UserFactory(username="no.center")  # signed in, but no role at any center
    assert client_for(nobody).get(address).status_code == 403


def test_a_center_outside_the_users_scope_is_refused_and_no_number_shown(
    client_for, counselor, center_b, served
):
    client = client_for(counselor)
    response = report_for(client, centers=[center_b.pk])
    assert "report" not in response.context
    assert response.context["form"].errors["centers"]
    assert 'data-figure="' not in response.text
    download = reverse("reports:grant_report_download", args=["csv"])
    assert client.get(download, {"year": YEAR, "centers": center_b.pk}).status_code == 400


def test_an_unknown_download_format_is_not_found(client_for, analyst):
    url = reverse("reports:grant_report_download", args=["pdf"])
    assert client_for(analyst).get(url).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("reports:grant_report"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# Downloads


def test_the_csv_has_a_bom_the_period_the_centers_and_the_pages_numbers(
    client_for, analyst, served
):
    # Surnames no table row could contain (a made-up "White" would meet the race row).
    for youth in served.values():
        Youth.objects.filter(pk=youth.pk).update(legal_last_name=f"Zyxwq{youth.pk}")
        youth.legal_last_name = f"Zyxwq{youth.pk}"
    chosen = ids("EAST", "BOYLE", "CRENS")
    response = client_for(analyst).get(
        reverse("reports:grant_report_download", args=["csv"]), {"year": YEAR, "centers": chosen}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="reengage-grant-report-2024-25.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffreengage grant report")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1] == ["Period", "2024-25", "2024-07-01", "2025-06-30"]
    assert rows[2] == ["Centers", "BOYLE, CRENS, EAST"]
    header = rows.index(["Figures by center"]) + 1
    assert rows[header][1:] == [
        "Youth reached",
        "Intake",
        "Assessed",
        "Referred",
        "Enrolled in a program",
        "Returned to school",
        "Enrolled in WIOA youth services",
    ]
    table = {row[0]: row[1:] for row in rows[header + 1 : header + 6]}
    assert table["EAST · Para Los Niños"] == ["3", "3", "0", "2", "0", "0", "0"]
    assert table["Sum of the centers"] == ["5", "5", "1", "4", "2", "1", "1"]
    assert table["All chosen centers, each youth once"] == ["4", "4", "1", "3", "2", "1", "1"]
    outcomes = rows.index(["WIOA outcomes by center"]) + 1
    assert rows[outcomes] == [
        "Center",
        "Diplomas and equivalents attained",
        "Measurable skill gain: transcript",
        "Exited WIOA youth services",
        "WIOA follow-up contacts",
    ]
    table = {row[0]: row[1:] for row in rows[outcomes + 1 : outcomes + 6]}
    assert table["All chosen centers, each youth once"] == ["0", "0", "0", "0"]
    sex = rows.index(["Sex"]) + 1
    assert len(rows[sex]) == 1 + len(FIGURE_CODES)  # the breakdowns show every figure
    # Counts only: nobody is named.
    for youth in served.values():
        assert youth.legal_last_name not in text


def test_the_xlsx_opens_with_a_sheet_per_table_and_the_pages_numbers(client_for, analyst, served):
    client = client_for(analyst)
    chosen = ids("EAST", "BOYLE", "CRENS")
    params = {"year": YEAR, "quarter": "2", "centers": chosen}
    page = client.get(reverse("reports:grant_report"), params).context["report"]
    response = client.get(reverse("reports:grant_report_download", args=["xlsx"]), params)
    assert response.status_code == 200
    assert 'filename="reengage-grant-report-2024-25-Q2.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == [
        "Figures by center",
        "WIOA outcomes by center",
        "Age at entry",
        "Sex",
        "Hispanic or Latino",
        "Race",
        "Barrier",
        "School status at entry",
        "How each figure is counted",
    ]
    rows = [list(row) for row in workbook["Figures by center"].iter_rows(values_only=True)]
    assert rows[0][0] == "reengage grant report"
    assert rows[1][:4] == ["Period", "2024-25 Q2", "2024-10-01", "2024-12-31"]
    assert rows[2][0] == "Centers" and rows[2][1] == "BOYLE, CRENS, EAST"
    last = rows[-1]
    assert last[0] == "All chosen centers, each youth once"
    assert last[1:] == page.overall_counts[:7]  # the funnel; the WIOA outcomes next
    outcomes = [
        list(row) for row in workbook["WIOA outcomes by center"].iter_rows(values_only=True)
    ]
    assert outcomes[-1] == ["All chosen centers, each youth once", *page.overall_counts[7:]]
    sex = [list(row) for row in workbook["Sex"].iter_rows(values_only=True)]
    assert sex[-1][1:] == page.overall_counts


def test_the_page_links_a_print_stylesheet_and_runs_no_script_of_its_own(client_for, analyst):
    html = report_for(client_for(analyst)).text
    head = html.split("</head>")[0]
    assert 'href="/static/css/print.css" media="print"' in head
    body = html.split('id="main-content"')[1].split("</main>")[0]
    assert "<script" not in body
    assert '<svg class="report-chart" aria-hidden="true"' in body


def test_the_chart_draws_the_tables_numbers(client_for, analyst, served):
    html = report_for(client_for(analyst), centers=ids("EAST", "BOYLE", "CRENS")).text
    chart = html.split('<svg class="report-chart"')[1].split("</svg>\n</svg>")[0]
    # Youth reached (4) is the longest bar; the rest are shares of it.
    widths = [part.split("%")[0] for part in chart.split('<rect x="0" y="0" width="')[1:]]
    assert widths == ["100", "100", "25", "75", "50", "25", "25", "0", "0", "0", "0"]


def test_the_report_issues_a_fixed_number_of_queries(
    client_for, analyst, centers, django_assert_num_queries
):
    def add_work():
        for code in ("EAST", "BOYLE", "CRENS"):
            case = CaseFactory(center=centers[code], intake_date=day(8, 1))
            CaseNoteFactory(case=case, contact_on=day(8, 2))
            assess(case, day(8, 3))
            enroll(case, day(9, 1))

    add_work()
    client = client_for(analyst)
    url = reverse("reports:grant_report")
    client.get(url, {"year": YEAR})
    # session, user, the second factor's device, memberships, the centers; the report's working
    # memory, then every figure overall, at each center and broken down (one query); the
    # session's new expiry (savepoint, update, release)
    with django_assert_num_queries(10):
        client.get(url, {"year": YEAR})
    add_work()
    with django_assert_num_queries(10):
        client.get(url, {"year": YEAR})
    download = reverse("reports:grant_report_download", args=["xlsx"])
    with django_assert_num_queries(10):
        client.get(download, {"year": YEAR})
