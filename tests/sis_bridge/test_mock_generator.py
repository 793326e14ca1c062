"""Generated students look like LAUSD reengagement youth and are cheap to produce."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter

from starlette.testclient import TestClient

from sis_bridge.mock import generator as gen
from sis_bridge.mock.app import create_app

from .conftest import CLIENT

LAUSD_ID = re.compile(r"^\d{6}[A-Z]\d{3}$")
SEED = 42
SAMPLE = range(1500)


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def test_ids_have_the_lausd_format_in_both_forms_and_are_unique() -> None:
    people = [gen.identity(SEED, i) for i in SAMPLE]
    ids = [p.student_unique_id for p in people]

    assert all(LAUSD_ID.match(uid) for uid in ids)
    assert len(set(ids)) == len(ids)
    sequence = [p for p in people if p.student_unique_id[6] == "X"]
    dated = [p for p in people if p.student_unique_id[6] != "X"]
    assert 0.15 < len(sequence) / len(people) < 0.35
    assert all(p.lausd_entry_year >= 2017 for p in sequence)
    for person in dated:
        uid = person.student_unique_id
        assert uid[:6] == person.birth_date.strftime("%m%d%y")
        assert uid[6] == person.sex[0]


def test_ids_map_back_to_their_index_for_the_same_seed_only() -> None:
    for index in (0, 1, 17, 999, 99_999):
        uid = gen.identity(SEED, index).student_unique_id
        assert gen.student_index_for_id(SEED, uid) == index
        assert gen.student_index_for_id(SEED, uid, students=index) is None
    assert gen.student_index_for_id(SEED, "not-an-id") is None
    assert gen.student_index_for_id(SEED, "123456Q789") is None


def test_student_identity_gives_what_intake_records() -> None:
    identity = gen.student_identity(SEED, 3)

    assert set(identity) >= {"student_unique_id", "first_name", "last_surname", "birth_date", "sex"}
    assert isinstance(identity["birth_date"], dt.date)
    assert identity["sex"] in {"Female", "Male"}
    assert identity == gen.student_identity(SEED, 3)
    assert identity != gen.student_identity(SEED + 1, 3)


def test_ages_are_16_to_24_in_2026_and_names_are_a_los_angeles_mix() -> None:
    people = [gen.identity(SEED, i) for i in SAMPLE]
    ages = {_age_on(p.birth_date, dt.date(2026, 6, 30)) for p in people}
    surnames = [p.last_surname for p in people]

    assert ages == set(range(16, 25))
    assert any("-" in s for s in surnames), "hyphenated surnames"
    assert any(s.startswith(("de ", "del ")) for s in surnames), "surnames with a particle"
    assert any(" " in s and not s.startswith("de") for s in surnames), "two surnames"
    assert any(c in "áéíóúñÁÉÍÓÚ" for s in surnames for c in s), "accents"
    assert any(s in {"García", "Garcia"} for s in surnames)
    assert any(s in {"Washington", "Jackson", "Johnson"} for s in surnames)
    assert any(s in {"Nguyen", "Kim", "Santos"} for s in surnames)
    assert any(p.preferred_first_name == "Lupe" for p in people)
    assert any(p.ab167_216_basis for p in people)


def test_profiles_earn_credits_that_fit_them() -> None:
    histories = [gen.history(SEED, i) for i in SAMPLE]
    by_profile: dict[str, list[float]] = {}
    for h in histories:
        earned = sum(a.earned for t in h.terms for a in t.attempts)
        by_profile.setdefault(h.person.profile, []).append(earned)
        benchmark = gen.on_track_credits(len(h.terms))
        if h.person.profile == "on_track":
            assert earned >= benchmark
        if h.person.profile == "off_track":
            assert earned <= 0.6 * benchmark

    assert set(by_profile) == {"on_track", "off_track", "near_completion"}
    assert all(190 <= credits < 210 for credits in by_profile["near_completion"])


def test_transcripts_have_lausd_grades_credit_recovery_and_exits() -> None:
    histories = [gen.history(SEED, i) for i in SAMPLE]
    attempts = [a for h in histories for t in h.terms for a in t.attempts]
    exits = Counter(
        e.exit_type.rsplit("#")[-1] for h in histories for e in h.enrollments if e.exit_type
    )
    seasons = {t.descriptor.rsplit("#")[-1] for h in histories for t in h.terms}

    assert {a.letter for a in attempts} >= {"A", "B", "C", "D", "F", None}
    assert all(a.earned == (5.0 if a.letter in {"A", "B", "C", "D"} else 0.0) for a in attempts)
    recovery = [a for a in attempts if a.course.credit_recovery]
    assert recovery and all(a.course.transcript_title.endswith(" CR") for a in recovery)
    assert any(a.course.transcript_title == "ENGLISH 9A CR" for a in recovery)
    assert {"Dropout", "No show", "Transferred"} <= set(exits)
    assert seasons == {"Fall Semester", "Spring Semester"}
    assert max(t.school_year for h in histories for t in h.terms) == 2026


def test_a_large_district_pages_fast_without_generating_every_student() -> None:
    client = TestClient(create_app(seed=3, students=100_000))
    token = client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=CLIENT
    ).json()
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    started = time.monotonic()

    last_page = client.get(
        "/data/v3/ed-fi/students",
        params={"offset": 99_500, "limit": 500, "totalCount": "true"},
        headers=auth,
    )
    uid = last_page.json()[-1]["studentUniqueId"]
    transcripts = client.get(
        "/data/v3/ed-fi/courseTranscripts",
        params={"studentUniqueId": uid, "limit": 500},
        headers=auth,
    )
    first_transcripts = client.get(
        "/data/v3/ed-fi/courseTranscripts", params={"limit": 500}, headers=auth
    )

    assert last_page.headers["Total-Count"] == "100000" and len(last_page.json()) == 500
    assert gen.student_index_for_id(3, uid) == 99_999
    assert transcripts.json() and len(first_transcripts.json()) == 500
    assert time.monotonic() - started < 2.0
