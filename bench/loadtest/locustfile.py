"""Locust journeys against the benchmark database (bench/loadtest/run.py starts everything).

Counselors (the generated ``bench.<center>.counselorNN`` accounts, one account per simulated
user) sign in through the sign-in form, look at their caseload (plain, filtered, searched,
paged), open youth from it, add case notes, and refresh a youth's credits from the mock SIS when
the page offers it (district staff with a consent in force). Supervisors sign in with their
password and their authenticator's current code (computed from the key the generator derived,
bench/personas.py), and open the pipeline, a list behind one of its numbers and the caseload.

Every response is checked: a page that ends on the sign-in or second-step page, lacks what it
should show, or answers anything but 200 counts as an error.
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import itertools
import json
import os
import random
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task

BENCH = Path(__file__).resolve().parents[1]
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import personas  # noqa: E402

LOS_ANGELES = ZoneInfo("America/Los_Angeles")

# One account per simulated user (run.py lists the database's own accounts in these variables;
# django-otp refuses a code used twice, so two users never share an authenticator).
COUNSELOR_ACCOUNTS = os.environ.get("LOADTEST_COUNSELORS", personas.COUNSELOR).split(",")
SUPERVISOR_ACCOUNTS = os.environ.get("LOADTEST_SUPERVISORS", personas.SUPERVISOR).split(",")
_counselors = itertools.count()
_supervisors = itertools.count()
# Seconds a person reads a page before the next click (run.py --think).
THINK = tuple(float(x) for x in os.environ.get("LOADTEST_THINK", "3,10").split(","))

# Every request's time, and whether all users had started, for run.py (LOADTEST_RECORD).
_records: list[tuple[str, float, bool, bool]] = []
_all_started = False


@events.spawning_complete.add_listener
def _on_all_started(user_count, **kwargs) -> None:
    global _all_started
    _all_started = True


@events.request.add_listener
def _on_request(request_type, name, response_time, response_length, exception, **kwargs):
    _records.append((f"{request_type} {name}", response_time, exception is None, _all_started))


@events.quitting.add_listener
def _on_quitting(environment, **kwargs) -> None:
    if os.environ.get("LOADTEST_RECORD"):
        Path(os.environ["LOADTEST_RECORD"]).write_text(json.dumps(_records))


YOUTH_LINK = re.compile(r'href="/youth/(\d+)/"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCHES = ("garcia", "hernandez", "lopez", "maria", "jose", "nguyen", "washington", "flores")
FILTERS = (
    "",
    "?sort=-intake",
    "?school_status=dropout&age=18-21",
    "?no_contact_days=30&sort=contact",
    "?follow_up_due=on",
    "?barrier=low_income&barrier=pregnant_parenting",
    "?page=2",
    "?status=&sort=age",
)
NOTE_KINDS = ("meeting", "phone", "text_email", "contact_attempt")


# The application marks its cookies Secure (it runs behind TLS), while the load test talks to
# gunicorn on 127.0.0.1 over plain HTTP: this client process sends them back all the same.
# (requests copies the session's cookies into a jar of the default policy for every request,
# so the policy's class is where this can be said.)
http.cookiejar.DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True


class Staff(HttpUser):
    abstract = True
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.youth_ids: list[int] = []
        self.sign_in()

    # --- helpers -----------------------------------------------------------------------------

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def page(self, path: str, name: str, *, must_contain: str = "", **kwargs):
        """GET a page and check that it is the page (not a sign-in page)."""
        with self.client.get(path, name=name, catch_response=True, **kwargs) as response:
            self.check(response, must_contain)
            return response

    def post(self, path: str, data: dict, name: str, *, must_contain: str = "", headers=None):
        headers = {"X-CSRFToken": self.csrf(), **(headers or {})}
        with self.client.post(
            path, data=data, name=name, headers=headers, catch_response=True
        ) as response:
            self.check(response, must_contain)
            return response

    @staticmethod
    def check(response, must_contain: str) -> None:
        if response.status_code == 0:
            response.failure(f"no response: {response.error!r}")
        elif response.status_code != 200:
            response.failure(f"status {response.status_code}")
        elif "/accounts/login/" in response.url or "/accounts/two-step/" in response.url:
            response.failure(f"ended on {response.url.split('?')[0]}")
        elif must_contain and must_contain not in response.text:
            response.failure(f"missing {must_contain!r}")
        else:
            response.success()

    def sign_in(self) -> None:
        login = self.client.get("/accounts/login/", name="sign-in page")
        token = CSRF_INPUT.search(login.text)
        data = {
            "username": self.username,
            "password": personas.PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else self.csrf(),
        }
        with self.client.post(
            "/accounts/login/", data=data, name="sign in", catch_response=True
        ) as response:
            if "/accounts/two-step/verify/" in response.url:
                response.success()
                self.second_step(response)
            else:
                self.check(response, "")

    def second_step(self, page) -> None:
        token = CSRF_INPUT.search(page.text)
        data = {
            "code": personas.totp_code(self.username),
            "csrfmiddlewaretoken": token.group(1) if token else self.csrf(),
        }
        url = urlsplit(page.url)
        verify = url.path + (f"?{url.query}" if url.query else "")
        self.post(verify, data, "sign in: second step")

    def remember_youth(self, html: str) -> None:
        found = [int(pk) for pk in YOUTH_LINK.findall(html)]
        if found:
            self.youth_ids = found[:25]


class Counselor(Staff):
    weight = 4

    def on_start(self) -> None:
        self.username = COUNSELOR_ACCOUNTS[next(_counselors) % len(COUNSELOR_ACCOUNTS)]
        super().on_start()
        self.caseload()

    @task(4)
    def caseload(self) -> None:
        choice = random.random()
        if choice < 0.25:
            path, name = f"/youth/?q={random.choice(SEARCHES)}", "caseload: search"
        else:
            query = random.choice(FILTERS)
            path, name = f"/youth/{query}", "caseload" if not query else "caseload: filter"
        response = self.page(path, name, must_contain="Caseload")
        if response.status_code == 200:
            self.remember_youth(response.text)

    @task(4)
    def open_youth(self) -> None:
        if not self.youth_ids:
            return self.caseload()
        pk = random.choice(self.youth_ids)
        self.page(f"/youth/{pk}/", "youth page", must_contain="Case notes")

    @task(2)
    def add_note(self) -> None:
        if not self.youth_ids:
            return self.caseload()
        pk = random.choice(self.youth_ids)
        self.page(f"/youth/{pk}/notes/new/", "note form")
        kind = random.choice(NOTE_KINDS)
        data = {
            "kind": kind,
            # The center's day, not the machine's: after 4 pm in Los Angeles, UTC is already
            # tomorrow, and a contact dated tomorrow is refused.
            "contact_on": dt.datetime.now(LOS_ANGELES).date().isoformat(),
            "body": "Load test: checked in about this week's classes and the bus pass.",
        }
        self.post(f"/youth/{pk}/notes/new/", data, "note: save", must_contain="Note added")

    @task(1)
    def refresh_credits(self) -> None:
        if not self.youth_ids:
            return self.caseload()
        pk = random.choice(self.youth_ids)
        response = self.page(f"/youth/{pk}/", "youth page", must_contain="Case notes")
        if f"/sis/youth/{pk}/refresh/" not in response.text:
            return  # not district staff, or no consent in force: the page offers no refresh
        self.post(
            f"/sis/youth/{pk}/refresh/",
            {},
            "credits: refresh",
            headers={"HX-Request": "true"},
            must_contain="education-records",
        )
        self.page(f"/sis/youth/{pk}/", "credits: panel", headers={"HX-Request": "true"})


class Supervisor(Staff):
    weight = 1

    def on_start(self) -> None:
        self.username = SUPERVISOR_ACCOUNTS[next(_supervisors) % len(SUPERVISOR_ACCOUNTS)]
        super().on_start()

    @task(4)
    def pipeline(self) -> None:
        self.page("/referrals/pipeline/", "pipeline", must_contain="Pipeline")

    @task(2)
    def pipeline_list(self) -> None:
        figure = random.choice(("stuck", "no-contact", "referred", "enrolled"))
        self.page(f"/referrals/pipeline/{figure}/", "pipeline: list")

    @task(2)
    def caseload(self) -> None:
        response = self.page("/youth/?status=", "caseload (supervisor)", must_contain="Caseload")
        if response.status_code == 200:
            self.remember_youth(response.text)

    @task(1)
    def open_youth(self) -> None:
        if self.youth_ids:
            pk = random.choice(self.youth_ids)
            self.page(f"/youth/{pk}/", "youth page (supervisor)", must_contain="Case notes")
