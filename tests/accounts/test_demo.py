from base64 import b32decode
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_KEY, seed_demo_authenticators
from centers.demo import seed_demo_staff
from tests.accounts.factories import give_authenticator
from tests.centers.factories import PASSWORD, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_staff(centers):
    seed_demo_staff()


def test_demo_accounts_that_require_two_step_share_the_published_demo_key(demo_staff):
    real = staff("real.supervisor", "supervisor", "EAST")
    assert seed_demo_authenticators() == 13
    assert seed_demo_authenticators() == 13  # idempotent
    demo_key = TOTPDevice.objects.get(user__username="supervisor.east").key
    assert bytes.fromhex(demo_key) == b32decode(DEMO_KEY)
    assert TOTPDevice.objects.filter(user__username="admin", key=demo_key).exists()
    assert not TOTPDevice.objects.filter(user__username="counselor.east").exists()
    assert not TOTPDevice.objects.filter(user=real).exists()  # only demo accounts


def test_the_demo_code_command_prints_a_code_the_demo_accounts_accept(demo_staff):
    seed_demo_authenticators()
    out = StringIO()
    call_command("demo_two_step_code", stdout=out)
    code = out.getvalue().split()[0]
    device = give_authenticator(TOTPDevice.objects.get(user__username="supervisor.east").user)
    assert device.verify_token(code)


@pytest.mark.parametrize("debug", [True, False])
def test_with_debug_on_the_code_page_shows_the_demo_keys_code(client, supervisor, settings, debug):
    from accounts.demo import demo_key_hex

    TOTPDevice.objects.create(user=supervisor, key=demo_key_hex(), confirmed=True)
    settings.DEBUG = debug
    client.post(reverse("accounts:login"), {"username": "sam.supervisor", "password": PASSWORD})
    page = client.get(reverse("accounts:two_step_verify"))
    assert (b"Demo only" in page.content) is debug
