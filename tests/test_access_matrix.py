"""Who reaches which page: every URL pattern of the project, read from the resolver at test time,
against every persona (DESIGN.md section 1).

The policy is the table MATRIX below, one row per URL name. A pattern the table does not know
fails the suite, so a new page cannot ship without someone deciding who may open it.

Columns (persona classes):
  owner       the counselor of center A, on center A's objects
  readonly    the read-only colleague at A, on center A's objects
  supervisor  the supervisor of A (and BOYLE), on center A's objects
  foreign     on a page of an object: each of those three on center B's objects, and the
              counselor of B on A's; on a page without an object: the counselor of B
  analyst     the CDD analyst (with the export permission), on center B's objects
  admin       the administrator, on center B's objects
Anonymous visitors are sent to sign in from every page that is not public.

Outcomes: OK (the view answered for this user: a page, a file, a redirect other than to sign in,
a 400 for an incomplete query), LOGIN (sent to sign in), 403, 404 and DENY (403 or 404). Every
page is asked with GET and with an empty POST; a page that takes only one of them (the last
column) must answer the other with 405. Each request runs in a savepoint that is rolled back, so
the personas all meet the same objects.
"""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from zeal import zeal_context, zeal_ignore

from centers.models import Center, Role
from reports.models import ExportFormat, ExportJob, ExportStatus
from sis_bridge.models import SyncKind, SyncRun, SyncStatus
from tests.centers.factories import staff
from tests.referrals.factories import ReferralFactory, request_for
from tests.youth.factories import (
    CaseFactory,
    CaseNoteFactory,
    ConsentFactory,
    FollowUpFactory,
)
from youth import merges
from youth.models import Transfer

pytestmark = pytest.mark.django_db

OK, DENY, LOGIN = "OK", "DENY", "LOGIN"
GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")


@dataclass(frozen=True)
class Rule:
    owner: object
    readonly: object
    supervisor: object
    foreign: object
    analyst: object
    admin: object
    methods: tuple = BOTH
    # URL parameter -> attribute of the scope that fills it, when not the default one.
    fill: dict = field(default_factory=dict)


def R(owner, readonly, supervisor, foreign, analyst, admin, methods=BOTH, **fill) -> Rule:
    return Rule(owner, readonly, supervisor, foreign, analyst, admin, methods, fill)


# Names of URL patterns left out of the matrix, each for a stated reason.
SKIPPED_NAMESPACES = {"admin"}  # Django's admin site: its own permission system, staff only
SKIPPED = {"set_language"}  # Django's language switch: public by design, changes only a cookie
# Public pages: open to anonymous visitors on purpose. Any other view that opts out of
# LoginRequiredMiddleware fails test_only_the_listed_pages_are_public.
PUBLIC = {"healthz", "accounts:login"}

# fmt: off
MATRIX = {
    #                                 owner readonly superv foreign analyst admin
    "home":                       R(OK,   OK,    OK,   OK,   OK,   OK),
    # Signing out (here, or on every device) sends one to sign in again.
    "accounts:logout":            R(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, POST),
    "accounts:password_change":   R(OK,   OK,    OK,   OK,   OK,   OK),
    "accounts:password_change_done": R(OK, OK,   OK,   OK,   OK,   OK,   GET),
    "accounts:sessions_end_everywhere": R(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, POST),
    # Two-step sign-in: each user's own settings; required (so not turned off) for supervisors,
    # analysts and administrators; an administrator resets a staff member's.
    "accounts:two_step":          R(OK,   OK,    OK,   OK,   OK,   OK),
    "accounts:two_step_verify":   R(OK,   OK,    OK,   OK,   OK,   OK),
    "accounts:two_step_enrol":    R(OK,   OK,    OK,   OK,   OK,   OK),
    "accounts:two_step_qr":       R(OK,   OK,    OK,   OK,   OK,   OK),
    "accounts:two_step_backup_codes": R(OK, OK,  OK,   OK,   OK,   OK),
    "accounts:two_step_backup_renew": R(OK, OK,  OK,   OK,   OK,   OK,   POST),
    "accounts:two_step_off":      R(OK,   OK,    403,  OK,   403,  403),
    "accounts:two_step_reset":    R(403,  403,   403,  403,  403,  OK,   pk="staff_member"),
    "centers:list":               R(OK,   OK,    OK,   OK,   OK,   OK),
    "centers:detail":             R(OK,   OK,    OK,   404,  OK,   OK),
    # The caseload and its lists: youth-level, so only for staff who work at a center.
    "youth:caseload":             R(OK,   OK,    OK,   OK,   403,  403),
    "youth:overdue":              R(OK,   OK,    OK,   OK,   403,  403),
    "youth:transfers":            R(OK,   OK,    OK,   OK,   403,  403),
    "youth:intake":               R(OK,   403,   OK,   OK,   403,  403),
    "youth:intake_check":         R(OK,   403,   OK,   OK,   403,  403,  POST),
    # A youth's record and every step on it.
    "youth:detail":               R(OK,   OK,    OK,   404,  404,  404),
    "youth:edit":                 R(OK,   403,   OK,   404,  404,  404),
    "youth:note_add":             R(OK,   403,   OK,   404,  404,  404),
    "youth:note_edit":            R(OK,   403,   OK,   404,  404,  404),
    "youth:follow_up_add":        R(OK,   403,   OK,   404,  404,  404),
    "youth:follow_up_done":       R(OK,   403,   OK,   404,  404,  404,  POST),
    "youth:consent_add":          R(OK,   403,   OK,   404,  404,  404),
    "youth:consent_withdraw":     R(OK,   403,   OK,   404,  404,  404),
    "youth:assess":               R(OK,   403,   OK,   404,  404,  404),
    "youth:transfer_request":     R(OK,   403,   OK,   404,  404,  404),
    "youth:transfer_cancel":      R(OK,   403,   OK,   404,  404,  404,  POST),
    # Only a strong match the intake check showed this session may be opened here.
    "youth:open_case_here":       R(404,  404,   404,  404,  404,  404,  POST),
    # The receiving center decides a transfer.
    "youth:transfer_decide":      R(OK,   403,   OK,   404,  404,  404,
                                    transfer_pk="incoming_transfer"),
    # Supervisor steps.
    "youth:close":                R(403,  403,   OK,   404,  404,  404),
    "youth:reassign":             R(403,  403,   OK,   404,  404,  404),
    "youth:caseload_reassign":    R(403,  403,   OK,   403,  403,  403),
    "youth:merge":                R(403,  403,   OK,   403,  403,  403),
    "youth:merge_undo":           R(403,  403,   OK,   DENY, 403,  403,  POST),
    "referrals:pipeline":         R(403,  403,   OK,   403,  403,  403),
    "referrals:pipeline_list":    R(403,  403,   OK,   403,  403,  403),
    "sis_bridge:runs":            R(403,  403,   OK,   403,  403,  403),
    # A youth's record of disclosures: the supervisors of the youth's centers.
    "audit:disclosure_log":       R(403,  403,   OK,   404,  404,  404),
    # The whole access log, exported for an audit by the CDD analyst.
    "audit:export":               R(403,  403,   403,  403,  OK,   403),
    # Referrals.
    "referrals:new":              R(OK,   403,   OK,   404,  404,  404),
    "referrals:move":             R(OK,   403,   OK,   404,  404,  404,  POST),
    # District records: LAUSD staff at the youth's center only (supervisors are not).
    "sis_bridge:panel":           R(OK,   OK,    OK,   404,  404,  404),
    "sis_bridge:refresh":         R(OK,   403,   403,  404,  404,  404,  POST),
    "sis_bridge:find":            R(OK,   403,   403,  404,  404,  404,  POST),
    "sis_bridge:link":            R(OK,   403,   403,  404,  404,  404,  POST),
    # Reports: aggregate figures for staff and analysts, none for administrators; extracts
    # with the export permission (analyst and supervisors here), each job for its requester.
    "reports:grant_report":       R(OK,   OK,    OK,   OK,   OK,   403),
    "reports:grant_report_download": R(OK, OK,   OK,   OK,   OK,   403),
    "reports:extract":            R(403,  403,   OK,   403,  OK,   403),
    "reports:extract_status":     R(403,  403,   OK,   DENY, 404,  403,  GET),
    "reports:extract_file":       R(403,  403,   OK,   DENY, 404,  403,  GET),
}
# fmt: on

# URL parameter -> the scope attribute that fills it by default.
DEFAULT_FILL = {
    "pk": "youth",
    "note_pk": "note",
    "follow_up_pk": "follow_up",
    "consent_pk": "consent",
    "transfer_pk": "outgoing_transfer",
    "merge_pk": "merge",
    "referral_pk": "referral",
    "job_pk": "export_job",
    "code": "center_code",
}
# Parameters that name no object: the same value for everyone.
LITERALS = {"figure": "stuck", "fmt": "csv"}


def _walk(patterns, prefix: str = "", namespaces: tuple = ()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            if SKIPPED_NAMESPACES.intersection(namespaces):
                continue
            name = ":".join([*namespaces, entry.name]) if entry.name else None
            yield name, prefix + str(entry.pattern), entry


def url_patterns() -> list[tuple[str | None, str, URLPattern]]:
    """Every URL pattern of the project, except the admin site's."""
    return list(_walk(get_resolver().url_patterns))


def checked_patterns():
    return [
        (name, route, entry)
        for name, route, entry in url_patterns()
        if name not in SKIPPED and name not in PUBLIC
    ]


def params_of(entry: URLPattern) -> list[str]:
    return list(entry.pattern.converters)


def is_object_page(name: str, entry: URLPattern) -> bool:
    return any(param not in LITERALS for param in params_of(entry))


# --- the world: the same objects at center A and at center B ----------------------------------


def _scope(
    center_code: str, counselor, supervisor, third: Center, elsewhere_staff
) -> SimpleNamespace:
    center = Center.objects.get(code=center_code)
    case = CaseFactory(
        center=center,
        counselor=counselor,
        # Names found on no page but this youth's own.
        youth__legal_first_name=f"Yara{center_code.title()}",
        youth__legal_last_name=f"Scope{center_code.title()}",
        youth__lausd_id="100001A001" if center_code == "EAST" else "200002B002",
    )
    youth = case.youth
    # An incoming transfer: a youth of a third center asks to move here.
    incoming_case = CaseFactory(center=third, counselor=elsewhere_staff)
    incoming = Transfer.objects.create(
        case=incoming_case,
        from_center=third,
        to_center=center,
        reason="Moved nearer",
        requested_by=elsewhere_staff,
    )
    # A merge of two records of this center, performed by its supervisor.
    survivor = CaseFactory(center=center, counselor=counselor).youth
    merged = CaseFactory(center=center, counselor=counselor).youth
    merge = merges.youth_merge(
        request=request_for(supervisor), survivor=survivor, merged=merged, reason="Same person"
    )
    exports = settings.EXPORTS_DIR
    job = ExportJob.objects.create(
        requested_by=supervisor,
        format=ExportFormat.CSV,
        period_start=datetime.date(2024, 7, 1),
        period_end=datetime.date(2025, 6, 30),
        center_ids=[center.pk],
        status=ExportStatus.DONE,
        file_path=f"job-{center_code}.csv",
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    (exports / job.file_path).write_text("id\n")
    SyncRun.objects.create(kind=SyncKind.STUDENT, youth=youth, status=SyncStatus.FAILED)
    return SimpleNamespace(
        center=center,
        center_code=center.code,
        staff_member=counselor,
        youth=youth,
        note=CaseNoteFactory(case=case, author=counselor),
        follow_up=FollowUpFactory(case=case),
        # Not covering school records: no request leaves for the district SIS.
        consent=ConsentFactory(youth=youth, covers_school_records=False, recorded_by=counselor),
        outgoing_transfer=Transfer.objects.create(
            case=case,
            from_center=center,
            to_center=third,
            reason="Moving away",
            requested_by=counselor,
        ),
        incoming_transfer=incoming,
        merge=merge,
        referral=ReferralFactory(case=case),
        export_job=job,
    )


@pytest.fixture(autouse=True)
def _quick(settings):
    # Hundreds of requests by one user here; the limits have their own tests.
    settings.RATE_LIMITS = {kind: "100000/m" for kind in getattr(settings, "RATE_LIMITS", {})}
    # A dozen staff are made for each test; nobody signs in with a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(
    settings,
    tmp_path,
    counselor,
    readonly_colleague,
    other_counselor,
    supervisor,
    analyst,
    administrator,
):
    settings.EXPORTS_DIR = tmp_path
    export = Permission.objects.get(codename="export_participants")
    supervisor_b = staff("sue.supervisor", Role.SUPERVISOR, "CRENS")
    for exporter in (supervisor, supervisor_b, analyst):
        exporter.user_permissions.add(export)
    third = Center.objects.get(code="WATTS")
    watts = staff("wes.counselor", Role.COUNSELOR, "WATTS")
    return SimpleNamespace(
        a=_scope("EAST", counselor, supervisor, third, watts),
        b=_scope("CRENS", other_counselor, supervisor_b, third, watts),
        personas={
            "owner": counselor,
            "readonly": readonly_colleague,
            "supervisor": supervisor,
            "foreign": other_counselor,
            "analyst": analyst,
            "admin": administrator,
        },
    )


def runs_for(world, name: str, entry: URLPattern):
    """(persona class, user, scope) for every request the row asks for."""
    people = world.personas
    yield "owner", people["owner"], world.a
    yield "readonly", people["readonly"], world.a
    yield "supervisor", people["supervisor"], world.a
    if is_object_page(name, entry):
        for persona in ("owner", "readonly", "supervisor"):
            yield "foreign", people[persona], world.b
        yield "foreign", people["foreign"], world.a
    else:
        yield "foreign", people["foreign"], world.b
    yield "analyst", people["analyst"], world.b
    yield "admin", people["admin"], world.b


def url_for(name: str, entry: URLPattern, scope, rule: Rule | None = None) -> str:
    kwargs = {}
    for param in params_of(entry):
        if param in LITERALS:
            kwargs[param] = LITERALS[param]
            continue
        attribute = (rule.fill if rule else {}).get(param) or DEFAULT_FILL.get(param)
        assert attribute, f"{name}: no object fills the URL parameter {param!r}; add it"
        value = getattr(scope, attribute)
        kwargs[param] = getattr(value, "pk", value)
    return reverse(name, kwargs=kwargs)


def outcome(response) -> object:
    if response.status_code in (301, 302, 303):
        target = response.url
        if target.startswith(reverse(settings.LOGIN_URL)):
            return LOGIN
        return OK
    if response.status_code in (200, 400, 410):
        return OK
    return response.status_code


def matches(expected, got) -> bool:
    if expected == DENY:
        return got in (403, 404)
    return expected == got


def request(client: Client, method: str, url: str, data: dict | None = None):
    """One request, watched for N+1 queries on its own (tests/zeal_plugin.py watches a whole
    test, and here a test makes dozens), whose writes are rolled back afterwards."""
    with zeal_context(), transaction.atomic():
        send = client.get if method == "GET" else client.post
        response = send(url, data or {})
        transaction.set_rollback(True)
    return response


@pytest.fixture
def signed_in(client_for):
    """client_for, called before every request: signing in is not what these tests watch."""

    def sign_in(user) -> Client:
        with zeal_ignore():
            return client_for(user)

    return sign_in


# --- the tests ------------------------------------------------------------------------------


def test_every_url_pattern_has_a_row_in_the_matrix():
    names = [name for name, _route, _entry in checked_patterns()]
    unnamed = [route for name, route, _entry in checked_patterns() if name is None]
    assert not unnamed, f"URL patterns without a name cannot be in the matrix: {unnamed}"
    unknown = sorted(set(names) - set(MATRIX))
    assert not unknown, f"New pages: decide who may open them in MATRIX: {unknown}"
    gone = sorted(set(MATRIX) - set(names))
    assert not gone, f"Rows for pages that no longer exist: {gone}"


def test_only_the_listed_pages_are_public():
    public = {
        name
        for name, _route, entry in url_patterns()
        if getattr(entry.callback, "login_required", True) is False
    }
    assert public - SKIPPED == PUBLIC


def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(world):
    visitor = Client()
    for name, _route, entry in checked_patterns():
        url = url_for(name, entry, world.a, MATRIX.get(name))
        for method in ("GET", "POST"):
            response = request(visitor, method, url)
            assert outcome(response) == LOGIN, (method, url, response.status_code)
            assert response.url.startswith(reverse(settings.LOGIN_URL) + "?next=")


@pytest.mark.parametrize(
    "name", sorted(name for name, _route, _entry in checked_patterns() if name in MATRIX)
)
def test_each_persona_gets_what_the_matrix_says(name, world, signed_in):
    rule = MATRIX[name]
    entry = next(entry for found, _route, entry in checked_patterns() if found == name)
    failures = []
    for persona, user, scope in runs_for(world, name, entry):
        url = url_for(name, entry, scope, rule)
        expected = getattr(rule, persona)
        for method in ("GET", "POST"):
            wanted = expected if method in rule.methods else 405
            got = outcome(request(signed_in(user), method, url))
            if not matches(wanted, got):
                failures.append(f"{persona} {user.username} {method} {url}: {got}, not {wanted}")
    assert not failures, "\n".join(failures)


NESTED = {
    "youth:note_edit": "note_pk",
    "youth:follow_up_done": "follow_up_pk",
    "youth:consent_withdraw": "consent_pk",
    "youth:transfer_cancel": "transfer_pk",
}


@pytest.mark.parametrize("name", sorted(NESTED))
def test_an_object_of_another_center_is_not_reached_through_ones_own_youth(
    name, world, signed_in, counselor
):
    param = NESTED[name]
    kwargs = {"pk": world.a.youth.pk, param: getattr(world.b, DEFAULT_FILL[param]).pk}
    url = reverse(name, kwargs=kwargs)
    for method in MATRIX[name].methods:
        assert request(signed_in(counselor), method, url).status_code == 404, (method, url)


def test_a_counselor_never_sees_another_centers_youth_by_any_url(world, signed_in, counselor):
    """Center B's youth, by every URL with B's objects in it, by every page searched for the
    youth's surname and by every form posted with it: never a page that shows what was not
    typed (the first name, the LAUSD ID), nor on a plain visit the surname."""
    other = world.b.youth
    unsent = (other.legal_first_name.encode(), other.lausd_id.encode())
    typed = {
        "legal_last_name": other.legal_last_name,
        "birth_date": other.birth_date.isoformat(),
        "phone": other.phone,
        "center": world.a.center.pk,
    }
    visits = [
        ("GET", {}, (*unsent, other.legal_last_name.encode())),
        ("GET", {"q": other.legal_last_name}, unsent),
        ("POST", typed, unsent),
    ]
    seen = []
    for name, _route, entry in checked_patterns():
        url = url_for(name, entry, world.b, MATRIX.get(name))
        for method, data, hidden in visits:
            response = request(signed_in(counselor), method, url, data)
            if is_object_page(name, entry):
                assert response.status_code in (403, 404, 405), (method, url)
            body = b"" if response.streaming else response.content
            if any(part in body for part in hidden):
                seen.append(f"{method} {url} {data}")
    assert not seen, f"Center B's youth shown to center A's counselor: {seen}"
