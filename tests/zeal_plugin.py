"""N+1 queries fail the test that makes them: django-zeal watches every test.

Registered in pyproject.toml (`addopts = "... -p tests.zeal_plugin"`), so it runs with every
pytest invocation, including `python3 dev.py test`. Each request of the test client is watched
on its own, as zeal's middleware would watch a request: loading the same relation row by row, or
calling `.get()` again and again, from one line of code raises `zeal.NPlusOneError`, naming the
model, the field and the line. A test's own body is watched too, for relations. Fix an N+1 with
`select_related`, `prefetch_related` or one query for the whole list.

Test data is not watched: fixtures (however requested) and factory_boy factories build it row
by row on purpose. Only the test process's own thread is watched (the browser tests' live
server runs in another). ALLOWLIST and BODY_ALLOWLIST hold what is not an N+1 to fix, each with
the reason.
"""

from contextlib import contextmanager

import pytest

# Everywhere. {"model": "app_label.Model" (or a pattern), "field": "relation or get()",
# "reason": why this is fine}
ALLOWLIST: list[dict[str, str]] = [
    {
        "model": "accounts.User",
        "field": "get()",
        "reason": "A form that picks two staff members (a caseload moving from one counselor to "
        "another) looks up each choice when it validates, from the same line: two fields, "
        "not a loop over rows.",
    },
    {
        "model": "sessions.Session",
        "field": "get()",
        "reason": "A password change keeps the session signed in (update_session_auth_hash) and "
        "moves it to a new key (cycle_key): Django's session store reads its row again from "
        "the same line, once per step, not once per row of a list.",
    },
]
# In a test's own body only.
BODY_ALLOWLIST: list[dict[str, str]] = [
    {
        "model": "*",
        "field": "get()",
        "reason": "A test that calls a service or a helper twice (a second click, two personas, "
        "loading the centers again) repeats its one-row .get() from the same line: two "
        "actions, not a loop. Requests, where a view's loop would repeat it, are watched "
        "for .get() as well.",
    },
    {
        "model": "youth.Youth",
        "field": "cases",
        "reason": "Every referral move checks the youth's open case (youth.access.can_change), "
        "once per move; a test that moves a referral twice (a second click) does it twice. "
        "One youth per call, not a loop.",
    },
    {
        "model": "referrals.Program",
        "field": "centers",
        "reason": "Making a referral checks the one program's centers (referrals.matching."
        "option_fit); a test that makes two referrals does it twice. Lists of programs go "
        "through options_for, which prefetches them.",
    },
]


def _entries(allowlist: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{"model": entry["model"], "field": entry["field"]} for entry in allowlist]


@contextmanager
def _watching(allowlist: list[dict[str, str]]):
    """A fresh N+1 watch, allowing only these entries (an enclosing watch's counts and
    allowances do not carry into it)."""
    from zeal.listeners import NPlusOneContext, _nplusone_context

    token = _nplusone_context.set(NPlusOneContext(enabled=True, allowlist=_entries(allowlist)))
    try:
        yield
    finally:
        _nplusone_context.reset(token)


def _install_zeal() -> None:
    """zeal's AppConfig.ready() work, done once without adding it to INSTALLED_APPS (the
    settings are the application's); a watch of its own for each request of the test client;
    factories unwatched."""
    from django.test.client import ClientHandler
    from zeal.constants import ALL_APPS, initialize_app_registry
    from zeal.patch import patch

    if ALL_APPS:
        return
    initialize_app_registry()
    patch()
    handle = ClientHandler.__call__

    def per_request(self, environ):
        with _watching(ALLOWLIST):
            return handle(self, environ)

    ClientHandler.__call__ = per_request
    _factories_unwatched()


def _factories_unwatched() -> None:
    """factory_boy builds test data row by row on purpose (a loop of CaseNoteFactory calls in a
    test's body is set-up, not a page's N+1)."""
    from factory.django import DjangoModelFactory
    from zeal import zeal_ignore

    generate = DjangoModelFactory._generate.__func__

    def unwatched(cls, strategy, params):
        with zeal_ignore():
            return generate(cls, strategy, params)

    DjangoModelFactory._generate = classmethod(unwatched)


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Fixtures are set-up too, also when a test asks for one with request.getfixturevalue."""
    from zeal import zeal_ignore

    with zeal_ignore():
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """The test's own body."""
    _install_zeal()
    with _watching(ALLOWLIST + BODY_ALLOWLIST):
        yield
