"""Browser tests: Debian's Chromium driven by Playwright against the live server, with every
visited page checked by axe-core."""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def site(live_server, centers, page):
    """The live server's address, with the 13 centers loaded; pages time out quickly."""
    page.set_default_timeout(10_000)
    return live_server.url


_axe = Axe()


@pytest.fixture
def assert_accessible():
    """`assert_accessible(page)`: no serious or critical WCAG 2.1 AA violation on the page."""

    def check(page):
        results = _axe.run(page, options=WCAG_AA)
        serious = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + "; ".join(node["target"][0] for node in violation["nodes"][:3])
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert not serious, f"{page.url}: " + "\n".join(serious)

    return check


def _authenticator_of(username: str):
    """The user's authenticator app, set up for them when their role requires one (as the
    test client's `client_for` does); None for a counselor without one or an unknown name."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.selectors import two_step_required_for
    from tests.accounts.factories import give_authenticator

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return None
    if two_step_required_for(user):
        return give_authenticator(user)
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@pytest.fixture
def sign_in(site, page):
    """`sign_in(username, password)`: the sign-in page, then, for a user with an authenticator
    app, the code it shows now on the two-step page."""
    from tests.accounts.factories import current_code

    def sign_in_as(username: str, password: str):
        device = _authenticator_of(username)
        page.goto(f"{site}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        if device is not None and "/accounts/two-step/verify/" in page.url:
            page.get_by_label("Code").fill(current_code(device))
            with page.expect_navigation():
                page.get_by_role("button", name="Continue").click()

    return sign_in_as
