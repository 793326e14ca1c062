"""The supervisor pipeline: who may see it, what it counts, and the list behind every number."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from referrals.models import ReferralStatus
from tests.referrals.factories import ProgramFactory, ReferralFactory
from tests.youth.factories import CaseFactory
from youth.choices import CaseStatus, ClosedReason

START = datetime.date(2024, 7, 1)
END = datetime.date(2025, 6, 30)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


def in_period(month: int, date: int) -> datetime.date:
    return datetime.date(2024 if month >= 7 else 2025, month, date)


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def enrolled_in_period(case, month=10):
    return ReferralFactory(
        case=case,
        status=ReferralStatus.ENROLLED,
        sent_at=timezone.make_aware(datetime.datetime(2024, month - 1, 1, 12)),
        enrolled_on=in_period(month, 1),
    )


def funnel_links(html: str) -> dict[str, tuple[str, int]]:
    """figure code -> (list URL, number shown), read from the funnel table."""
    found = re.findall(r'data-figure="([a-z_]+)" href="([^"]+)">(\d+)</a>', html)
    return {code: (unescape(url), int(count)) for code, url, count in found}


@pytest.fixture
def east_youth(supervisor, counselor, center_a):
    """Three youth with an intake at EAST in the period; the first enrolled in school."""
    cases = [
        CaseFactory(center=center_a, counselor=counselor, intake_date=in_period(8, n))
        for n in (1, 2, 3)
    ]
    enrolled_in_period(cases[0])
    return cases


@pytest.fixture
def crens_youth(other_counselor, center_b):
    cases = [
        CaseFactory(center=center_b, counselor=other_counselor, intake_date=in_period(8, n))
        for n in (1, 2, 3, 4, 5)
    ]
    enrolled_in_period(cases[0])
    return cases


@pytest.mark.parametrize("persona", ["counselor", "other_counselor", "analyst", "administrator"])
def test_only_supervisors_may_open_the_pipeline(db, client_for, persona, request):
    # `db` named here, not only reached through getfixturevalue: pytest-django sorts a test by
    # the fixtures it declares, and this one ran among the database-free tests, after the
    # transactional ones, leaving a connection open that kept the test database from dropping.
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("referrals:pipeline")).status_code == 403
    url = reverse("referrals:pipeline_list", args=["intake"])
    assert client.get(url).status_code == 403


def test_the_funnel_counts_the_supervisors_centers_by_default(
    client_for, supervisor, east_youth, crens_youth
):
    response = client_for(supervisor).get(reverse("referrals:pipeline"), PERIOD)
    assert response.status_code == 200
    counts = {row.figure.code: row.count for row in response.context["funnel"]}
    assert counts["intake"] == 3
    assert counts["enrolled"] == counts["returned_to_school"] == 1
    chosen = response.context["chosen"]
    assert len(chosen.center_ids) == 2  # EAST and BOYLE
    assert {code: count for code, (_, count) in funnel_links(response.text).items()} == counts


def test_the_default_period_is_the_program_year_up_to_today(client_for, supervisor):
    response = client_for(supervisor).get(reverse("referrals:pipeline"))
    today = timezone.localdate()
    chosen = response.context["chosen"]
    assert chosen.end == today
    assert chosen.start.month == 7 and chosen.start.day == 1
    assert 0 <= (today - chosen.start).days < 366
    assert (chosen.stuck_days, chosen.no_contact_days) == (14, 30)


def test_a_supervisor_cannot_ask_for_another_centers_numbers(
    client_for, supervisor, center_b, crens_youth
):
    client = client_for(supervisor)
    response = client.get(reverse("referrals:pipeline"), {**PERIOD, "centers": center_b.pk})
    assert response.status_code == 200
    assert "funnel" not in response.context
    assert response.context["form"].errors["centers"]
    assert 'data-figure="' not in response.text
    url = reverse("referrals:pipeline_list", args=["intake"])
    assert client.get(url, {**PERIOD, "centers": center_b.pk}).status_code == 404
    stuck = reverse("referrals:pipeline_list", args=["stuck"])
    assert client.get(stuck, {"centers": center_b.pk}).status_code == 404


def test_a_counselor_of_another_center_is_refused_as_a_filter(
    client_for, supervisor, other_counselor, crens_youth
):
    response = client_for(supervisor).get(
        reverse("referrals:pipeline"), {**PERIOD, "counselors": other_counselor.pk}
    )
    assert response.context["form"].errors["counselors"]


def test_the_counselor_filter_narrows_every_section(
    client_for, supervisor, counselor, center_a, east_youth
):
    CaseFactory(center=center_a, counselor=supervisor, intake_date=in_period(9, 1))
    client = client_for(supervisor)
    everyone = client.get(reverse("referrals:pipeline"), PERIOD)
    only_alice = client.get(reverse("referrals:pipeline"), {**PERIOD, "counselors": counselor.pk})
    assert everyone.context["funnel"][1].count == 4
    assert only_alice.context["funnel"][1].count == 3
    assert [row["open_cases"] for row in only_alice.context["caseloads"]] == [3]


def test_every_funnel_number_leads_to_a_list_of_that_many_youth(
    client_for, supervisor, east_youth, crens_youth
):
    client = client_for(supervisor)
    response = client.get(reverse("referrals:pipeline"), PERIOD)
    links = funnel_links(response.text)
    assert len(links) == 7
    for code, (url, count) in links.items():
        listed = client.get(url)
        assert listed.status_code == 200, code
        assert listed.context["page"].paginator.count == count, code
        assert len(re.findall(r'href="/youth/\d+/"', listed.text)) == count, code


def test_a_list_shows_its_youth_by_name_and_logs_each_one(client_for, supervisor, east_youth):
    url = reverse("referrals:pipeline_list", args=["enrolled"])
    response = client_for(supervisor).get(url, PERIOD)
    youth = east_youth[0].youth
    assert youth.display_name in response.text
    assert reverse("youth:detail", args=[youth.pk]) in response.text
    assert east_youth[1].youth.display_name not in response.text
    entry = AccessLogEntry.objects.get(detail__list="pipeline enrolled")
    assert (entry.user, entry.youth_id, entry.action) == (supervisor, youth.pk, "listed")


def test_an_unknown_figure_is_not_found(client_for, supervisor):
    url = reverse("referrals:pipeline_list", args=["dropouts"])
    assert client_for(supervisor).get(url).status_code == 404


def test_a_list_pages_fifty_youth_at_a_time(client_for, supervisor, counselor, center_a):
    for n in range(55):
        CaseFactory(center=center_a, counselor=counselor, intake_date=in_period(8, 1 + n % 28))
    url = reverse("referrals:pipeline_list", args=["intake"])
    client = client_for(supervisor)
    first = client.get(url, PERIOD)
    second = client.get(url, {**PERIOD, "page": 2})
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 5
    assert AccessLogEntry.objects.filter(detail__list="pipeline intake").count() == 55


def test_referrals_stuck_longer_than_the_threshold_are_listed(
    client_for, supervisor, counselor, center_a
):
    def referral(status, days):
        case = CaseFactory(center=center_a, counselor=counselor)
        return ReferralFactory(case=case, status=status, status_changed_at=days_ago(days))

    sent_long_ago = referral(ReferralStatus.SENT, 15)
    draft_long_ago = referral(ReferralStatus.DRAFT, 40)
    referral(ReferralStatus.SENT, 13)  # under the threshold
    referral(ReferralStatus.ENROLLED, 90)  # enrolled is not stuck
    referral(ReferralStatus.DECLINED, 90)  # nor is a closed referral
    client = client_for(supervisor)

    response = client.get(reverse("referrals:pipeline"), PERIOD)
    by_status = {status: count for status, _, count in response.context["stuck_by_status"]}
    assert by_status == {"draft": 1, "sent": 1, "accepted": 0}
    assert response.context["stuck_total"] == 2
    assert [r.pk for r in response.context["stuck_shown"]] == [draft_long_ago.pk, sent_long_ago.pk]
    assert response.context["stuck_shown"][0].days_in_status == 40
    assert sent_long_ago.program.name in response.text

    longer = client.get(reverse("referrals:pipeline"), {**PERIOD, "stuck_days": 20})
    assert longer.context["stuck_total"] == 1

    url = reverse("referrals:pipeline_list", args=["stuck"])
    sent_only = client.get(url, {**PERIOD, "status": "sent"})
    assert [r.pk for r in sent_only.context["rows"]] == [sent_long_ago.pk]
    assert client.get(url, {**PERIOD, "status": "enrolled"}).status_code == 404


def test_every_stuck_count_leads_to_a_list_of_that_many_referrals(
    client_for, supervisor, counselor, center_a
):
    for status, days in [("sent", 20), ("sent", 30), ("accepted", 15)]:
        case = CaseFactory(center=center_a, counselor=counselor)
        ReferralFactory(case=case, status=status, status_changed_at=days_ago(days))
    client = client_for(supervisor)
    html = client.get(reverse("referrals:pipeline"), PERIOD).text
    links = re.findall(r'data-stuck="(\w+)" href="([^"]+)">(\d+)</a>', html)
    assert {status: int(count) for status, _, count in links} == {
        "draft": 0,
        "sent": 2,
        "accepted": 1,
        "all": 3,
    }
    for _status, url, count in links:
        listed = client.get(unescape(url))
        assert listed.context["page"].paginator.count == int(count)


def test_youth_without_contact_for_the_chosen_days_are_counted_and_listed(
    client_for, supervisor, counselor, center_a, center_b, other_counselor
):
    today = timezone.localdate()
    ago = lambda days: today - datetime.timedelta(days=days)  # noqa: E731
    silent = CaseFactory(center=center_a, counselor=counselor, last_contact_on=ago(31))
    never = CaseFactory(center=center_a, counselor=counselor, intake_date=ago(40))
    CaseFactory(center=center_a, counselor=counselor, last_contact_on=ago(10))
    CaseFactory(center=center_a, counselor=counselor, intake_date=ago(5))
    CaseFactory(
        center=center_a,
        counselor=counselor,
        last_contact_on=ago(90),
        status=CaseStatus.CLOSED,
        closed_on=ago(1),
        closed_reason=ClosedReason.NO_CONTACT,
    )
    CaseFactory(center=center_b, counselor=other_counselor, last_contact_on=ago(90))
    client = client_for(supervisor)

    response = client.get(reverse("referrals:pipeline"))
    assert response.context["no_contact"] == 2
    url = unescape(re.search(r'id="no-contact-count" href="([^"]+)"', response.text).group(1))
    listed = client.get(url)
    assert {case.pk for case in listed.context["rows"]} == {silent.pk, never.pk}
    assert (
        client.get(reverse("referrals:pipeline"), {"no_contact_days": 35}).context["no_contact"]
        == 1
    )


def test_caseload_sizes_count_open_cases_per_counselor_and_center(
    client_for, supervisor, counselor, center_a, centers
):
    for _ in range(3):
        CaseFactory(center=center_a, counselor=counselor)
    CaseFactory(center=centers["BOYLE"], counselor=supervisor)
    CaseFactory(
        center=center_a,
        counselor=counselor,
        status=CaseStatus.CLOSED,
        closed_on=timezone.localdate(),
        closed_reason=ClosedReason.SERVED,
    )
    response = client_for(supervisor).get(reverse("referrals:pipeline"))
    sizes = {
        (row["center__code"], row["counselor_id"]): row["open_cases"]
        for row in response.context["caseloads"]
    }
    assert sizes == {("EAST", counselor.pk): 3, ("BOYLE", supervisor.pk): 1}
    caseload_link = f"?center={center_a.pk}&amp;counselor={counselor.pk}&amp;status=open"
    assert caseload_link in response.text


def test_the_chart_draws_the_tables_numbers_and_is_hidden_from_screen_readers(
    client_for, supervisor, east_youth
):
    html = client_for(supervisor).get(reverse("referrals:pipeline"), PERIOD).text
    chart = re.search(
        r'<svg class="pipeline-chart" aria-hidden="true".*?</svg>\s*</section>', html, re.S
    )
    assert chart
    # The longest bar is youth reached (3): every bar's width is its share of it.
    widths = re.findall(r'<rect x="0" y="0" width="(\d+)%"', chart.group(0))
    assert widths == ["100", "100", "0", "33", "33", "33", "0"]
    assert "33&nbsp;%" in html  # enrolled: one of the three youth reached
    assert "<script>" not in html
    assert "<caption>" in html and 'scope="row"' in html


def test_the_pipeline_page_issues_a_fixed_number_of_queries(
    client_for, supervisor, counselor, center_a, django_assert_num_queries
):
    def add_work():
        for _ in range(5):
            case = CaseFactory(center=center_a, counselor=counselor, intake_date=in_period(8, 1))
            ReferralFactory(case=case, status=ReferralStatus.SENT, status_changed_at=days_ago(20))
            enrolled_in_period(case)

    add_work()
    client = client_for(supervisor)
    client.get(reverse("referrals:pipeline"), PERIOD)
    # session, user, the second factor's device, memberships, filter choices (centers,
    # counselors), funnel (one query for all figures), stuck counts by status, stuck referrals
    # shown, caseload sizes, no-contact count, access-log insert; the session's new expiry
    # (savepoint, update, release)
    with django_assert_num_queries(15):
        client.get(reverse("referrals:pipeline"), PERIOD)
    add_work()
    ProgramFactory()
    with django_assert_num_queries(15):
        client.get(reverse("referrals:pipeline"), PERIOD)


@pytest.mark.parametrize("figure", ["reached", "enrolled", "stuck", "no-contact"])
def test_a_pipeline_list_issues_a_fixed_number_of_queries(
    client_for, supervisor, counselor, center_a, figure, django_assert_num_queries
):
    def add_work():
        for _ in range(5):
            case = CaseFactory(
                center=center_a,
                counselor=counselor,
                intake_date=in_period(8, 1),
                last_contact_on=in_period(8, 1),
            )
            ReferralFactory(case=case, status=ReferralStatus.SENT, status_changed_at=days_ago(20))
            enrolled_in_period(case)

    add_work()
    client = client_for(supervisor)
    url = reverse("referrals:pipeline_list", args=[figure])
    client.get(url, PERIOD)
    # session, user, the second factor's device, memberships, filter choices (centers,
    # counselors), count, rows, access-log insert; the session's new expiry (savepoint, update,
    # release)
    with django_assert_num_queries(12):
        client.get(url, PERIOD)
    add_work()
    with django_assert_num_queries(12):
        client.get(url, PERIOD)
