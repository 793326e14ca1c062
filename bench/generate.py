"""Fill a PostgreSQL database to Los Angeles scale (DESIGN.md section 5), deterministically.

    .venv/bin/python bench/generate.py                      # reengage_bench, full scale
    .venv/bin/python bench/generate.py --scale 0.1          # a tenth of everything
    .venv/bin/python bench/generate.py --scale 0.1 \\
        --database-url postgres://postgres@127.0.0.1:5432/reengage_bench_10k

At scale 1: 100,000 youth at the 13 seeded centers, 300 staff with their memberships, about
115,000 cases, 1,000,000 case notes, 300,000 referrals with their status events, assessments
with test scores, follow-ups, consents, transfers, merges, SIS links with 2,000,000 transcript
rows (and their terms and school enrollments), and 1,000,000 access-log rows.

The database's name must contain "bench". It is dropped and created anew, migrated, then filled
with COPY, with triggers off for the load (``session_replication_role = replica``: the
pghistory triggers would add an event row per row, and foreign keys are not re-checked row by
row); then sequences are moved past the ids, and every table is vacuumed and analysed. The
database's comment records the seed, scale and date the data is built around, so the other
benchmarks can tell which data they run on (``--reuse`` skips the fill when it matches).

Youth are the mock SIS's students (``sis_bridge.mock.generator.student_identity(42, i)``: names,
birth dates 16 to 24, LAUSD IDs), and each linked youth's transcript is what a sync from the
mock (seed 42) would store, so "Refresh credits" against ``python -m sis_bridge.mock --students
N`` finds every linked student. Everything else is drawn from fixed seeds: the same command gives
the same rows.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import json
import math
import multiprocessing
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import personas  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/reengage_bench"
SEED = 2026
MOCK_SEED = 42  # the mock SIS's default seed: youth i is mock student i
# The data is built around this day (ages, "days without contact", the current program year).
AS_OF = dt.date(2026, 11, 20)
FIRST_INTAKE = dt.date(2022, 7, 1)
LA = ZoneInfo("America/Los_Angeles")

# Rows at scale 1.
FULL = {
    "youth": 100_000,
    "staff": 300,
    "notes": 1_000_000,
    "referrals": 300_000,
    "transcripts": 2_000_000,
    "access_log": 1_000_000,
}

# Share of the youth at each center (the rest of the 13 share what is left equally).
CENTER_WEIGHTS = {
    "EAST": 14,
    "CRENS": 10,
    "BOYLE": 9,
    "WATTS": 8,
    "VERMT": 8,
    "WILSH": 7,
    "BIXEL": 7,
    "WLCAC": 7,
    "SFERN": 7,
    "SUNVL": 6,
    "ELSER": 6,
    "CANOG": 6,
}
DEFAULT_CENTER_WEIGHT = 5
# A supervisor of a second center as well (as in the demo data).
SECOND_CENTER = {"EAST": "BOYLE", "CRENS": "VERMT"}
ANALYSTS, ADMINISTRATORS = 4, 2

# --- distributions ----------------------------------------------------------------------------

SCHOOL_STATUSES = (("dropout", 55), ("not_attending", 30), ("enrolled", 8), ("graduate", 7))
LANGUAGES = (("en", 58), ("es", 32), ("ko", 3), ("tl", 2), ("hy", 2), ("zh", 2), ("other", 1))
HISPANIC = (("yes", 68), ("no", 22), ("not_disclosed", 10))
RACES = ("american_indian", "asian", "black", "pacific_islander", "white")
BARRIERS = (
    ("low_income", 60),
    ("basic_skills_deficient", 30),
    ("english_learner", 14),
    ("justice_involved", 10),
    ("homeless_runaway", 7),
    ("foster_care", 6),
    ("pregnant_parenting", 12),
    ("disability", 9),
    ("needs_assistance", 15),
    ("missed_quarter", 8),
)
OUTREACH = (
    ("walk_in", 25),
    ("friend_family", 25),
    ("lausd", 20),
    ("agency", 10),
    ("outreach_event", 8),
    ("social_media", 7),
    ("probation", 3),
    ("other", 2),
    ("", 10),
)
AREA_CODES = ("213", "323", "310", "424", "818", "747", "626", "562")
STREETS = (
    "S Broadway",
    "E Cesar E Chavez Ave",
    "W Adams Blvd",
    "S Vermont Ave",
    "S Central Ave",
    "E 103rd St",
    "Whittier Blvd",
    "N Soto St",
    "S Figueroa St",
    "Crenshaw Blvd",
    "W Slauson Ave",
    "Van Nuys Blvd",
    "Laurel Canyon Blvd",
    "Sherman Way",
    "E 1st St",
    "S Alameda St",
    "W Pico Blvd",
    "W Olympic Blvd",
    "N Figueroa St",
    "Huntington Dr",
)
ZIP_CODES = (
    "90001",
    "90002",
    "90003",
    "90011",
    "90021",
    "90023",
    "90031",
    "90032",
    "90033",
    "90037",
    "90043",
    "90044",
    "90047",
    "90059",
    "90061",
    "90063",
    "91331",
    "91340",
    "91352",
    "91306",
)
NOTE_KINDS = (
    ("contact_attempt", 30),
    ("meeting", 30),
    ("phone", 25),
    ("text_email", 12),
    ("home_visit", 3),
)
CONTACT_KINDS = frozenset({"meeting", "phone", "home_visit", "text_email"})
CLOSED_REASONS = (
    ("served", 35),
    ("no_contact", 30),
    ("moved", 10),
    ("declined", 10),
    ("aged_out", 8),
    ("other", 7),
)
PATHWAYS = (
    "home_high_school",
    "continuation",
    "independent_study",
    "credit_recovery",
    "charter",
    "adult_school",
    "equivalency",
    "youthbuild",
    "wioa",
    "college",
)
CRITERIA = (
    ("dropout", "20 CFR 681.210(c)(1); WIOA sec. 129(a)(1)(B)(iii)(I)"),
    ("missed_quarter", "20 CFR 681.210(c)(2); WIOA sec. 129(a)(1)(B)(iii)(II)"),
    ("justice_involved", "20 CFR 681.210(c)(4); WIOA sec. 129(a)(1)(B)(iii)(IV)"),
    ("homeless_foster", "20 CFR 681.210(c)(5); WIOA sec. 129(a)(1)(B)(iii)(V)"),
    ("pregnant_parenting", "20 CFR 681.210(c)(6); WIOA sec. 129(a)(1)(B)(iii)(VI)"),
    ("low_income_needs_assistance", "20 CFR 681.210(c)(8); WIOA sec. 129(a)(1)(B)(iii)(VIII)"),
)
EVIDENCE = ("age_proof", "school_status_proof", "income_proof", "test_score")
# Referral paths through referrals.models.ALLOWED_MOVES, with their weights, and the days each
# step takes (low, high).
PATHS = (
    (("draft",), 3),
    (("draft", "withdrawn"), 3),
    (("draft", "sent"), 6),
    (("draft", "sent", "declined"), 10),
    (("draft", "sent", "withdrawn"), 4),
    (("draft", "sent", "accepted"), 5),
    (("draft", "sent", "accepted", "withdrawn"), 4),
    (("draft", "sent", "accepted", "enrolled"), 21),
    (("draft", "sent", "accepted", "enrolled", "completed"), 28),
    (("draft", "sent", "accepted", "enrolled", "exited"), 16),
)
STEP_DAYS = {
    "sent": (0, 4),
    "accepted": (2, 30),
    "declined": (2, 30),
    "withdrawn": (1, 45),
    "enrolled": (3, 40),
    "completed": (60, 300),
    "exited": (30, 240),
}
ENROLLED_STATUSES = frozenset({"enrolled", "completed", "exited"})
NEEDS_REASON = frozenset({"declined", "exited", "withdrawn"})
PROGRAM_KIND_WEIGHTS = {"wioa": 45, "school": 25, "equivalency": 15, "other": 15}
REASONS = {
    "declined": (
        "The program is full until next term.",
        "Does not meet the program's entry requirements.",
        "Program could not reach the youth after three tries.",
    ),
    "withdrawn": (
        "Youth chose another option.",
        "Youth moved out of the area.",
        "Youth started working full time and cannot attend.",
        "Referral made in error.",
    ),
    "exited": (
        "Stopped attending.",
        "Found employment.",
        "Moved out of Los Angeles County.",
        "Entered the military.",
    ),
}
NOTE_SENTENCES = (
    "Met with the youth at the center to go over the intake paperwork and next steps.",
    "Youth says they want to finish their diploma and start working part time.",
    "Called and left a voicemail; the mailbox was almost full.",
    "Sent a text reminding them of Thursday's appointment at 3 pm.",
    "Youth arrived on time and brought proof of address and a school ID.",
    "Reviewed the transcript together: short on English and math credits, A-G incomplete.",
    "Talked about the options: continuation school, independent study and adult school.",
    "Youth prefers independent study because of work hours at a restaurant in the evening.",
    "Parent joined the meeting and asked about transportation help.",
    "Gave a TAP card and the schedule for the Metro route to the center.",
    "Youth has not answered calls for two weeks; will try a home visit next week.",
    "Home visit: spoke with an aunt, who said the youth is staying with a friend for now.",
    "Youth is expecting a baby in the spring and wants a program with child care.",
    "Referred to the food bank and to the housing navigator at the partner agency.",
    "Completed the CASAS reading and math pre-tests today.",
    "Scores show basic-skills needs in math; discussed tutoring twice a week.",
    "Youth started the work readiness workshop and attended all three sessions.",
    "Checked in by phone: youth says classes are going well, attendance is good this month.",
    "Youth missed two classes this week because of a family emergency.",
    "Helped fill out the enrollment packet and scheduled the orientation.",
    "Youth asked about the paid work experience; explained the hours and pay.",
    "Followed up with the probation officer about the court date and school requirements.",
    "Youth passed the HiSET math subtest and is studying for the language arts one.",
    "Went over the resume draft and practiced interview questions.",
    "No answer; sent an email with the link to reschedule.",
    "Youth reported a new phone number; updated the record.",
    "Agreed on goals for the next month: attend every class and finish two units.",
    "Provided a bus pass and a gift card for completing the first milestone.",
)
FOLLOW_UP_TASKS = (
    "Call to confirm the school enrollment appointment",
    "Check attendance with the program coordinator",
    "Collect proof of income for the WIOA file",
    "Schedule the CASAS post-test",
    "Home visit if still no contact",
    "Review the credit recovery progress report",
    "Send reminder about the orientation",
)
GOALS = (
    "Earn a high-school diploma within 18 months and find part-time work.",
    "Pass the HiSET and enroll in a community college certificate program.",
    "Recover missing English and math credits and return to a comprehensive high school.",
    "Complete the work experience placement and get a full-time job in the trades.",
)


def weighted(pairs) -> tuple[list, list]:
    values, weights = zip(*pairs, strict=True)
    return list(values), list(itertools.accumulate(weights))


def pick(rng: random.Random, table: tuple[list, list]):
    values, cumulative = table
    return rng.choices(values, cum_weights=cumulative)[0]


def entity_rng(kind: int, number: int) -> random.Random:
    """A generator of its own for one row's children, so a later pass draws the same values."""
    return random.Random((SEED << 40) ^ (kind << 32) ^ number)


# --- COPY ----------------------------------------------------------------------------------


class Json:
    __slots__ = ("value",)

    def __init__(self, value) -> None:
        self.value = value


def _text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        value = value.replace("\r", "\\r")
    return value


def _field(value) -> str:
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        return _text(value)
    if kind is int:
        return str(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is float:
        return repr(value)
    if kind is list or kind is tuple:
        return "{" + ",".join(f'"{item}"' for item in value) + "}"
    if kind is Json:
        return _text(json.dumps(value.value, ensure_ascii=False, separators=(",", ":")))
    return value.isoformat()  # date, datetime


def copy_line(row: Iterable) -> str:
    return "\t".join([_field(value) for value in row]) + "\n"


class LineStream:
    """A file for ``copy_expert``: reads COPY lines from an iterator, a batch at a time, so
    PostgreSQL parses one batch while Python builds the next."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._buffer = bytearray()
        self.rows = 0

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            batch = list(itertools.islice(self._lines, 2000))
            if not batch:
                break
            self.rows += len(batch)
            self._buffer += "".join(batch).encode()
        size = len(self._buffer) if size < 0 else size
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    readline = read


@dataclasses.dataclass
class Timings:
    rows: dict[str, int] = dataclasses.field(default_factory=dict)
    seconds: dict[str, float] = dataclasses.field(default_factory=dict)

    def add(self, table: str, rows: int, seconds: float) -> None:
        self.rows[table] = self.rows.get(table, 0) + rows
        self.seconds[table] = self.seconds.get(table, 0.0) + seconds
        rate = rows / seconds if seconds else 0
        print(f"  {table:<34} {rows:>10,} rows {seconds:>7.1f} s {rate:>10,.0f} rows/s", flush=True)


class Loader:
    def __init__(self, connection, timings: Timings) -> None:
        self.connection = connection
        self.timings = timings

    def copy(self, table: str, columns: str, rows: Iterable[Iterable]) -> int:
        return self.copy_lines(table, columns, (copy_line(row) for row in rows))

    def copy_lines(self, table: str, columns: str, lines: Iterator[str]) -> int:
        started = time.perf_counter()
        stream = LineStream(lines)
        with self.connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", stream, size=1 << 20)
        self.connection.commit()
        self.timings.add(table, stream.rows, time.perf_counter() - started)
        return stream.rows


# --- the plan ------------------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class Staff:
    center_counselors: dict[int, list[int]]  # writable counselors per center
    supervisor: dict[int, int]  # per center
    everyone: list[int]
    district: frozenset[int]  # users who read district records


@dataclasses.dataclass(slots=True)
class YouthRow:
    id: int
    first: str
    middle: str
    last: str
    preferred: str
    birth: dt.date
    sex: str
    lausd_id: str | None
    merged_into: int | None = None
    first_intake: dt.date | None = None
    created_by: int | None = None


@dataclasses.dataclass(slots=True)
class CaseRow:
    id: int
    youth_id: int
    center_id: int
    counselor_id: int
    intake: dt.date
    status: str = "open"
    closed_on: dt.date | None = None
    closed_reason: str = ""
    last_contact: dt.date | None = None
    notes: int = 0

    @property
    def ends(self) -> dt.date:
        return self.closed_on or AS_OF


def at_time(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime(
        day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59), tzinfo=LA
    )


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


class SnapshotRows:
    """A student's snapshot rows as sis_bridge.services.mapping builds them for the sync, with
    their column names, whether the mapping makes model instances or tuples in *_COLUMNS
    order; ids are left to the sequences."""

    PARTS = {
        "terms": ("AcademicTerm", "TERM_COLUMNS"),
        "courses": ("TranscriptCourse", "TRANSCRIPT_COLUMNS"),
        "enrollments": ("Enrollment", "ENROLLMENT_COLUMNS"),
    }

    def __init__(self, dataset) -> None:
        from sis_bridge.services import mapping

        self.mapping = mapping
        self.dataset = dataset
        self.catalogue = mapping.Catalogue(
            courses={c["courseCode"]: c for c in dataset.catalogue("courses")},
            schools={s["schoolId"]: s["nameOfInstitution"] for s in dataset.catalogue("schools")},
        )
        self.columns = self.column_names()

    @classmethod
    def column_names(cls) -> dict[str, tuple[str, ...]]:
        from django.apps import apps

        from sis_bridge.services import mapping

        columns = {}
        for part, (model_name, constant) in cls.PARTS.items():
            model = apps.get_model("sis_bridge", model_name)
            fields = tuple(f.attname for f in model._meta.concrete_fields if not f.primary_key)
            columns[part] = tuple(getattr(mapping, constant, fields))
        return columns

    def of(self, youth_id: int, index: int):
        """(snapshot, fingerprint) of mock student `index` as youth `youth_id`."""
        records = {
            resource: self.dataset.student_records(resource, index)
            for resource in (
                "students",
                "studentSchoolAssociations",
                "studentAcademicRecords",
                "courseTranscripts",
            )
        }
        snap = self.mapping.snapshot(youth_id, records, self.catalogue)
        if callable(getattr(self.mapping, "fingerprint", None)):
            fingerprint = self.mapping.fingerprint(youth_id, records, self.catalogue)
        elif callable(getattr(snap, "fingerprint", None)):
            fingerprint = snap.fingerprint()
        else:
            fingerprint = ""
        return snap, fingerprint

    def rows(self, part: str, snap) -> Iterator[tuple]:
        columns = self.columns[part]
        for row in getattr(snap, part):
            yield row if isinstance(row, tuple) else tuple(getattr(row, c) for c in columns)


_worker_snapshots: SnapshotRows | None = None


def snapshot_block(block: tuple[int, list[int]]) -> list[tuple]:
    """For each youth id of the block: (id, fingerprint, special status, and the COPY lines of
    its terms, enrollments and transcript rows). Runs in a worker process."""
    global _worker_snapshots
    students, youth_ids = block
    if _worker_snapshots is None:
        from sis_bridge.mock.dataset import Dataset

        _worker_snapshots = SnapshotRows(Dataset(MOCK_SEED, students))
    rows = _worker_snapshots
    out = []
    for youth_id in youth_ids:
        snap, fingerprint = rows.of(youth_id, youth_id - 1)  # youth i+1 is mock student i
        out.append(
            (
                youth_id,
                fingerprint,
                list(snap.special_status),
                [copy_line(row) for row in rows.rows("terms", snap)],
                [copy_line(row) for row in rows.rows("enrollments", snap)],
                [copy_line(row) for row in rows.rows("courses", snap)],
            )
        )
    return out


class Generator:
    def __init__(self, connection, scale: float, wioa_share: float, jobs: int = 2) -> None:
        self.connection = connection
        self.jobs = jobs
        self.scale = scale
        self.wioa_share = wioa_share
        self.timings = Timings()
        self.load = Loader(connection, self.timings)
        self.target = {key: max(1, round(value * scale)) for key, value in FULL.items()}
        self.target["staff"] = max(60, self.target["staff"])
        self.target["youth"] = max(200, self.target["youth"])
        self.youth: list[YouthRow] = []
        self.cases: list[CaseRow] = []
        self.cases_of: dict[int, list[CaseRow]] = {}
        self.consent_school: set[int] = set()

    # --- reference data, through the ORM (few rows, and the schema may grow) ----------------

    def reference(self) -> None:
        from referrals.models import Program

        with self.connection.cursor() as cursor:
            cursor.execute("SELECT id, code FROM centers_center ORDER BY id")
            self.centers = cursor.fetchall()
        self.center_ids = [pk for pk, _code in self.centers]
        self.center_code = dict(self.centers)
        weights = [CENTER_WEIGHTS.get(code, DEFAULT_CENTER_WEIGHT) for _pk, code in self.centers]
        self.center_table = (self.center_ids, list(itertools.accumulate(weights)))
        programs = list(Program.objects.filter(is_active=True).values_list("pk", "kind"))
        self.programs_by_kind: dict[str, list[int]] = {}
        for pk, kind in programs:
            self.programs_by_kind.setdefault(kind, []).append(pk)
        self.program_kind = dict(programs)
        kinds = [kind for kind in PROGRAM_KIND_WEIGHTS if kind in self.programs_by_kind]
        self.kind_table = weighted([(kind, PROGRAM_KIND_WEIGHTS[kind]) for kind in kinds])

    def staff(self) -> None:
        """Users, memberships and authenticator devices, through the ORM."""
        from django.apps import apps
        from django.contrib.auth.hashers import make_password

        from accounts.models import User
        from centers.models import Role, StaffMembership
        from sis_bridge.mock import names

        started = time.perf_counter()
        rng = random.Random(SEED + 1)
        password = make_password(personas.PASSWORD)
        firsts = [
            n
            for pool in (
                names.HISPANIC_FEMALE,
                names.HISPANIC_MALE,
                names.BLACK_FEMALE,
                names.BLACK_MALE,
                names.ASIAN_FEMALE,
                names.ASIAN_MALE,
                names.OTHER_FEMALE,
                names.OTHER_MALE,
            )
            for n in pool
        ]
        lasts = [
            *names.HISPANIC_SURNAMES,
            *names.BLACK_SURNAMES,
            *names.ASIAN_SURNAMES,
            *names.OTHER_SURNAMES,
        ]
        joined = dt.datetime(2022, 6, 1, 9, tzinfo=LA)
        users: list[User] = []
        memberships: list[tuple[str, int | None, str, bool, bool]] = []

        def user(username: str, **extra) -> None:
            users.append(
                User(
                    username=username,
                    first_name=rng.choice(firsts),
                    last_name=rng.choice(lasts),
                    email=f"{username}@bench.invalid",
                    password=password,
                    date_joined=joined,
                    **extra,
                )
            )

        fixed = len(self.centers) * 2 + ANALYSTS + ADMINISTRATORS
        counselors = self.target["staff"] - fixed
        weights = [CENTER_WEIGHTS.get(code, DEFAULT_CENTER_WEIGHT) for _pk, code in self.centers]
        per_center = [max(1, math.floor(counselors * w / sum(weights))) for w in weights]
        per_center[0] += counselors - sum(per_center)  # EAST, the first center, takes the rest
        for (center_id, code), count in zip(self.centers, per_center, strict=True):
            user(personas.supervisor_username(code))
            memberships.append(
                (personas.supervisor_username(code), center_id, Role.SUPERVISOR, False, False)
            )
            if code in SECOND_CENTER:
                second = next(pk for pk, c in self.centers if c == SECOND_CENTER[code])
                memberships.append(
                    (personas.supervisor_username(code), second, Role.SUPERVISOR, False, False)
                )
            user(personas.readonly_username(code))
            memberships.append(
                (personas.readonly_username(code), center_id, Role.COUNSELOR, True, False)
            )
            for number in range(1, count + 1):
                username = personas.counselor_username(code, number)
                user(username)
                # About a third are LAUSD pupil-services counselors; the first always is.
                district = number == 1 or rng.random() < 0.3
                memberships.append((username, center_id, Role.COUNSELOR, False, district))
        for number in range(1, ANALYSTS + 1):
            user(f"bench.analyst{number}")
            memberships.append((f"bench.analyst{number}", None, Role.ANALYST, False, False))
        for number in range(1, ADMINISTRATORS + 1):
            user(f"bench.admin{number}", is_staff=True, is_superuser=True)
            memberships.append((f"bench.admin{number}", None, Role.ADMINISTRATOR, False, False))
        User.objects.bulk_create(users)
        by_name = dict(
            User.objects.filter(username__startswith="bench.").values_list("username", "pk")
        )
        StaffMembership.objects.bulk_create(
            StaffMembership(
                user_id=by_name[username],
                center_id=center,
                role=role,
                read_only=read_only,
                reads_district_records=district,
            )
            for username, center, role, read_only, district in memberships
        )
        devices = 0
        if apps.is_installed("django_otp.plugins.otp_totp"):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            # Supervisors, analysts and administrators sign in with a second factor.
            needs = {
                u
                for u, _c, role, _r, _d in memberships
                if role in (Role.SUPERVISOR, Role.ANALYST, Role.ADMINISTRATOR)
            }
            TOTPDevice.objects.bulk_create(
                TOTPDevice(
                    user_id=by_name[name],
                    name="bench authenticator",
                    key=personas.totp_key_hex(name),
                    confirmed=True,
                )
                for name in sorted(needs)
            )
            devices = len(needs)
        self.staff_plan = Staff(
            center_counselors={center_id: [] for center_id in self.center_ids},
            supervisor={},
            everyone=sorted(by_name.values()),
            district=frozenset(by_name[u] for u, _c, _r, _ro, d in memberships if d),
        )
        for username, center, role, read_only, _district in memberships:
            if role == Role.COUNSELOR and not read_only:
                self.staff_plan.center_counselors[center].append(by_name[username])
            elif role == Role.SUPERVISOR and center not in self.staff_plan.supervisor:
                self.staff_plan.supervisor[center] = by_name[username]
        for center_id in self.center_ids:  # a second-center supervisor stands in where needed
            self.staff_plan.supervisor.setdefault(center_id, self.staff_plan.everyone[0])
        self.timings.add("accounts_user", len(users), time.perf_counter() - started)
        print(f"  ({len(memberships)} memberships, {devices} authenticator devices)")

    # --- youth and cases (in memory: their children need them) --------------------------------

    def plan_youth_and_cases(self) -> None:
        from sis_bridge.mock.generator import student_identity

        rng = random.Random(SEED + 2)
        total = self.target["youth"]
        merged = max(1, total * 3 // 1000)  # 0.3% are duplicates merged into another record
        intake_days = (AS_OF - FIRST_INTAKE).days
        case_id = 0
        for index in range(total):
            person = student_identity(MOCK_SEED, index)
            row = YouthRow(
                id=index + 1,
                first=person["first_name"],
                middle=person["middle_name"] or "",
                last=person["last_surname"],
                preferred=person["preferred_first_name"] or "",
                birth=person["birth_date"],
                sex="female" if person["sex"] == "Female" else "male",
                lausd_id=person["student_unique_id"] if rng.random() < 0.9 else None,
            )
            if rng.random() < 0.01:
                row.sex = "not_self_identified"
            self.youth.append(row)
            if index >= total - merged:
                survivor = self.youth[rng.randrange(total - merged)]
                row.first, row.last, row.birth = survivor.first, survivor.last + "z", survivor.birth
                row.lausd_id, row.merged_into = None, survivor.id
                row.first_intake = survivor.first_intake
                continue
            # Recent intakes are more common (the program grows), and recent cases more open.
            age = int(intake_days * (1 - math.sqrt(rng.random())) ** 1.2)
            intake = AS_OF - dt.timedelta(days=age)
            center = pick(rng, self.center_table)
            cases: list[CaseRow] = []
            if rng.random() < 0.15 and age > 120:
                # An earlier case: transferred to another center, or closed and come back.
                case_id += 1
                first = CaseRow(
                    case_id, row.id, center, rng.choice(self.counselors(center)), intake
                )
                first.status = "closed"
                first.closed_on = intake + dt.timedelta(days=rng.randint(20, min(age - 10, 400)))
                transferred = rng.random() < 0.4
                first.closed_reason = "transferred" if transferred else pick(rng, _CLOSED)
                cases.append(first)
                if transferred:
                    center = rng.choice([c for c in self.center_ids if c != center])
                    intake = first.closed_on
                else:
                    intake = day_between(
                        rng, min(AS_OF, first.closed_on + dt.timedelta(days=30)), AS_OF
                    )
            case_id += 1
            last = CaseRow(case_id, row.id, center, rng.choice(self.counselors(center)), intake)
            open_chance = (
                0.9
                if (AS_OF - intake).days < 365
                else 0.55
                if (AS_OF - intake).days < 730
                else 0.25
            )
            if rng.random() >= open_chance:
                last.status = "closed"
                last.closed_on = day_between(rng, min(AS_OF, intake + dt.timedelta(days=14)), AS_OF)
                last.closed_reason = pick(rng, _CLOSED)
            cases.append(last)
            row.first_intake = cases[0].intake
            row.created_by = cases[0].counselor_id
            for case in cases:
                case.last_contact, case.notes = self.case_contacts(case)
            self.cases.extend(cases)
            self.cases_of[row.id] = cases
        notes = sum(case.notes for case in self.cases)
        print(
            f"  planned {total:,} youth ({merged} merged), {len(self.cases):,} cases, "
            f"{notes:,} notes",
            flush=True,
        )

    def counselors(self, center_id: int) -> list[int]:
        return self.staff_plan.center_counselors[center_id] or self.staff_plan.everyone

    def note_plan(self, case: CaseRow) -> list[tuple[dt.date, str, random.Random]]:
        """The case's notes (date, kind), oldest first; the same on every call."""
        rng = entity_rng(1, case.id)
        mean = self.target["notes"] / max(1, self._expected_cases())
        # Long-open cases gather more notes; a few very active ones many.
        span = max(1, (case.ends - case.intake).days)
        count = int(rng.expovariate(1.0) * mean * min(2.0, 0.5 + span / 365) + 0.5)
        days = sorted(day_between(rng, case.intake, case.ends) for _ in range(count))
        return [(day, pick(rng, _NOTE_KINDS), rng) for day in days]

    def _expected_cases(self) -> float:
        # Cases per youth (about 1.1) times youth, known before the cases are planned, and the
        # mean of the span factor below (measured: about 1.21).
        return self.target["youth"] * 1.1 * 1.21

    def case_contacts(self, case: CaseRow) -> tuple[dt.date | None, int]:
        plan = self.note_plan(case)
        contacts = [day for day, kind, _rng in plan if kind in CONTACT_KINDS]
        return (max(contacts) if contacts else None), len(plan)

    # --- loading ---------------------------------------------------------------------------

    def load_youth(self) -> None:
        from youth.names import fold

        rng = random.Random(SEED + 3)
        statuses, languages = weighted(SCHOOL_STATUSES), weighted(LANGUAGES)
        hispanic, outreach = weighted(HISPANIC), weighted(OUTREACH)
        barrier_values = [b for b, _w in BARRIERS]
        barrier_weights = [w / 100 for _b, w in BARRIERS]
        from sis_bridge.mock.catalog import SCHOOLS

        schools = [school.name for school in SCHOOLS]

        def rows():
            for y in self.youth:
                created = at_time(y.first_intake or FIRST_INTAKE, rng)
                phone = ""
                if rng.random() < 0.85:
                    phone = rng.choice(AREA_CODES) + f"{rng.randint(2000000, 9999999)}"
                email = ""
                if rng.random() < 0.5:
                    local = f"{fold(y.first).split()[0]}.{fold(y.last).replace(' ', '')}"
                    email = f"{local}{rng.randint(1, 99)}@example.com"
                races = (
                    [] if rng.random() < 0.3 else rng.sample(RACES, 1 if rng.random() < 0.9 else 2)
                )
                barriers = [
                    b
                    for b, w in zip(barrier_values, barrier_weights, strict=True)
                    if rng.random() < w
                ]
                grade = None if rng.random() < 0.05 else rng.randint(8, 12)
                yield (
                    y.id,
                    created,
                    created,
                    y.first,
                    y.middle,
                    y.last,
                    y.preferred,
                    y.birth,
                    y.sex,
                    "",
                    pick(rng, hispanic),
                    races,
                    pick(rng, languages),
                    phone,
                    email,
                    f"{rng.randint(100, 12999)} {rng.choice(STREETS)}"
                    if rng.random() < 0.9
                    else "",
                    "San Fernando" if rng.random() < 0.05 else "Los Angeles",
                    rng.choice(ZIP_CODES),
                    y.lausd_id,
                    pick(rng, statuses),
                    rng.choice(schools) if rng.random() < 0.8 else "",
                    grade,
                    barriers,
                    pick(rng, outreach),
                    1,
                    fold(f"{y.first} {y.preferred}"),
                    fold(y.last),
                    y.created_by,
                    y.merged_into,
                )

        self.load.copy(
            "youth_youth",
            "id, created_at, updated_at, legal_first_name, legal_middle_name, legal_last_name, "
            "preferred_name, birth_date, sex, gender_identity, hispanic_latino, races, "
            "preferred_language, phone, email, street_address, city, zip_code, lausd_id, "
            "school_status, last_school_attended, highest_grade_completed, barriers, "
            "outreach_source, version, search_first, search_last, created_by_id, merged_into_id",
            rows(),
        )

    def load_cases(self) -> None:
        rng = random.Random(SEED + 4)

        def rows():
            for c in self.cases:
                created = at_time(c.intake, rng)
                updated = at_time(c.closed_on, rng) if c.closed_on else created
                note = (
                    "Closed after review with the supervisor."
                    if c.closed_on and rng.random() < 0.3
                    else ""
                )
                yield (
                    c.id,
                    created,
                    max(created, updated),
                    c.intake,
                    c.status,
                    c.closed_on,
                    c.closed_reason,
                    note,
                    c.last_contact,
                    1,
                    c.center_id,
                    c.counselor_id,
                    c.youth_id,
                )

        self.load.copy(
            "youth_case",
            "id, created_at, updated_at, intake_date, status, closed_on, closed_reason, "
            "closed_note, last_contact_on, version, center_id, counselor_id, youth_id",
            rows(),
        )

    def load_transfers_and_merges(self) -> None:
        rng = random.Random(SEED + 5)
        supervisor = self.staff_plan.supervisor

        def transfers():
            pk = 0
            for cases in self.cases_of.values():
                for before, after in itertools.pairwise(cases):
                    if before.closed_reason != "transferred":
                        continue
                    pk += 1
                    requested = at_time(
                        before.closed_on - dt.timedelta(days=rng.randint(1, 10)), rng
                    )
                    decided = at_time(before.closed_on, rng)
                    yield (
                        pk,
                        requested,
                        decided,
                        "The family moved closer to the other center.",
                        "accepted",
                        decided,
                        "",
                        before.id,
                        supervisor[after.center_id],
                        before.center_id,
                        after.id,
                        before.counselor_id,
                        after.center_id,
                    )
                last = cases[-1]
                if last.status == "open" and rng.random() < 0.005:
                    pk += 1
                    target = rng.choice([c for c in self.center_ids if c != last.center_id])
                    requested = at_time(AS_OF - dt.timedelta(days=rng.randint(0, 20)), rng)
                    yield (
                        pk,
                        requested,
                        requested,
                        "Youth asked to be seen closer to work.",
                        "requested",
                        None,
                        "",
                        last.id,
                        None,
                        last.center_id,
                        None,
                        last.counselor_id,
                        target,
                    )

        self.load.copy(
            "youth_transfer",
            "id, created_at, updated_at, reason, status, decided_at, decision_note, case_id, "
            "decided_by_id, from_center_id, new_case_id, requested_by_id, to_center_id",
            transfers(),
        )
        moved = Json(
            {
                "closed_case": None,
                "filled": {},
                "sis": False,
                "youth.case": [],
                "youth.consent": [],
                "youth.assessment": [],
                "referrals.referral": [],
            }
        )

        def merges():
            pk = 0
            for y in self.youth:
                if y.merged_into is None:
                    continue
                pk += 1
                survivor_case = self.cases_of[y.merged_into][-1]
                day = day_between(rng, survivor_case.intake, AS_OF)
                created = at_time(day, rng)
                yield (
                    pk,
                    created,
                    created,
                    "Same person: surname typed with an extra letter.",
                    moved,
                    None,
                    y.id,
                    supervisor[survivor_case.center_id],
                    y.merged_into,
                    None,
                )

        self.load.copy(
            "youth_youthmerge",
            "id, created_at, updated_at, reason, moved, undone_at, merged_id, performed_by_id, "
            "survivor_id, undone_by_id",
            merges(),
        )

    def load_notes(self) -> None:
        counselors = self.staff_plan.center_counselors

        def rows():
            pk = 0
            for case in self.cases:
                colleagues = counselors[case.center_id] or [case.counselor_id]
                for day, kind, rng in self.note_plan(case):
                    pk += 1
                    if kind == "contact_attempt":
                        body = rng.choice(
                            NOTE_SENTENCES[2:3] + NOTE_SENTENCES[10:11] + NOTE_SENTENCES[24:25]
                        )
                    else:
                        body = " ".join(rng.sample(NOTE_SENTENCES, rng.randint(1, 6)))
                        if rng.random() < 0.15:
                            body += "\n\n" + " ".join(rng.sample(NOTE_SENTENCES, rng.randint(1, 4)))
                    author = case.counselor_id if rng.random() < 0.9 else rng.choice(colleagues)
                    created = at_time(day, rng)
                    yield (pk, created, created, kind, day, body, author, case.id)

        self.load.copy(
            "youth_casenote",
            "id, created_at, updated_at, kind, contact_on, body, author_id, case_id",
            rows(),
        )

    def referral_plan(self, case: CaseRow, mean: float) -> list[dict]:
        """The case's referrals, each with its steps [(status, datetime, reason)]."""
        rng = entity_rng(2, case.id)
        count = int(rng.expovariate(1.0) * mean + 0.5)
        forced_wioa = rng.random() < self.wioa_share
        count = max(count, 1) if forced_wioa else count
        chosen: set[int] = set()
        plans = []
        for number in range(count):
            kind = "wioa" if forced_wioa and number == 0 else pick(rng, self.kind_table)
            options = [
                p for p in self.programs_by_kind[kind] if p not in chosen
            ] or self.programs_by_kind[kind]
            program = rng.choice(options)
            chosen.add(program)
            if forced_wioa and number == 0:
                last_status = rng.choice(("enrolled", "completed", "exited"))
                path = next(p for p, _w in PATHS if p[-1] == last_status)
                start = case.intake + dt.timedelta(days=rng.randint(0, 20))
            else:
                path = pick(rng, _PATHS)
                start = case.intake + dt.timedelta(days=rng.randint(0, 90))
            limit = case.ends
            if start > limit:
                continue
            when = at_time(start, rng)
            steps = [("draft", when, "")]
            for status in path[1:]:
                low, high = STEP_DAYS[status]
                when = when + dt.timedelta(days=rng.randint(low, high), hours=rng.randint(0, 6))
                if when.date() > limit:
                    break
                steps.append(
                    (status, when, rng.choice(REASONS[status]) if status in NEEDS_REASON else "")
                )
            current = steps[-1][0]
            if case.closed_on and current in ("draft", "sent", "accepted", "enrolled"):
                # The case closed: what was still moving ended with it.
                end = "exited" if current == "enrolled" else "withdrawn"
                ended = max(steps[-1][1], at_time(case.closed_on, rng))
                steps.append(
                    (end, ended, "Case closed." if end == "withdrawn" else "Stopped attending.")
                )
            plans.append({"program": program, "steps": steps, "override": rng.random() < 0.03})
        return plans

    def referral_mean(self) -> float:
        # About one planned referral in seven starts after its case closed and is dropped.
        return 1.175 * self.target["referrals"] / max(1, len(self.cases))

    def iter_referrals(self) -> Iterator[tuple[int, CaseRow, dict]]:
        pk = 0
        mean = self.referral_mean()
        for case in self.cases:
            for plan in self.referral_plan(case, mean):
                pk += 1
                yield pk, case, plan

    def load_referrals(self) -> None:
        def rows():
            for pk, case, plan in self.iter_referrals():
                steps = plan["steps"]
                status, changed, reason = steps[-1]
                sent = next((when for s, when, _r in steps if s == "sent"), None)
                enrolled = next((when.date() for s, when, _r in steps if s == "enrolled"), None)
                confirmed = case.counselor_id if status in ENROLLED_STATUSES else None
                if status not in ENROLLED_STATUSES:
                    enrolled = None
                override = (
                    "Youth's choice; the counselor discussed the age limit."
                    if plan["override"]
                    else ""
                )
                yield (
                    pk,
                    steps[0][1],
                    changed,
                    status,
                    changed,
                    reason if status in NEEDS_REASON else "",
                    sent,
                    enrolled,
                    override,
                    "",
                    case.id,
                    confirmed,
                    case.counselor_id,
                    plan["program"],
                    case.youth_id,
                )

        self.load.copy(
            "referrals_referral",
            "id, created_at, updated_at, status, status_changed_at, status_reason, sent_at, "
            "enrolled_on, fit_override_reason, notes, case_id, confirmed_by_id, counselor_id, "
            "program_id, youth_id",
            rows(),
        )

        def events():
            pk = 0
            for referral, case, plan in self.iter_referrals():
                previous = ""
                for status, when, reason in plan["steps"]:
                    pk += 1
                    yield (pk, previous, status, when, reason, case.counselor_id, referral)
                    previous = status

        self.load.copy(
            "referrals_referralevent",
            "id, from_status, to_status, at, reason, by_id, referral_id",
            events(),
        )

    def load_follow_ups(self) -> None:
        rng = random.Random(SEED + 6)
        tasks = FOLLOW_UP_TASKS

        def done_at(due: dt.date, chance: float):
            if due < AS_OF and rng.random() < chance:
                return at_time(min(AS_OF, due + dt.timedelta(days=rng.randint(-3, 10))), rng)
            return None

        def rows():
            pk = 0
            wioa_exits: dict[int, list[dt.date]] = {}
            for _pk, case, plan in self.iter_referrals():
                status, when, _reason = plan["steps"][-1]
                if (
                    status in ("completed", "exited")
                    and self.program_kind[plan["program"]] == "wioa"
                ):
                    wioa_exits.setdefault(case.id, []).append(when.date())
            for case in self.cases:
                for _ in range(int(rng.expovariate(1 / 1.4))):
                    pk += 1
                    due = day_between(
                        rng, case.intake + dt.timedelta(days=3), case.ends + dt.timedelta(days=30)
                    )
                    done = done_at(due, 0.85 if case.status == "open" else 0.95)
                    created = at_time(max(case.intake, due - dt.timedelta(days=14)), rng)
                    yield (
                        pk,
                        created,
                        done or created,
                        due,
                        rng.choice(tasks),
                        done,
                        case.counselor_id,
                        case.id,
                        case.counselor_id,
                        case.counselor_id if done else None,
                    )
                for exit_on in wioa_exits.get(case.id, ()):
                    for months in (3, 6, 9, 12):
                        pk += 1
                        month = exit_on.month - 1 + months
                        due = exit_on.replace(
                            year=exit_on.year + month // 12,
                            month=month % 12 + 1,
                            day=min(exit_on.day, 28),
                        )
                        done = done_at(due, 0.7)
                        created = at_time(exit_on, rng)
                        yield (
                            pk,
                            created,
                            done or created,
                            due,
                            f"WIOA follow-up, {months} months after exit",
                            done,
                            case.counselor_id,
                            case.id,
                            case.counselor_id,
                            case.counselor_id if done else None,
                        )

        self.load.copy(
            "youth_followup",
            "id, created_at, updated_at, due_on, description, done_at, assignee_id, case_id, "
            "created_by_id, done_by_id",
            rows(),
        )

    def load_consents(self) -> None:
        from sis_bridge.mock import names

        rng = random.Random(SEED + 7)
        parents = [
            *names.HISPANIC_FEMALE,
            *names.HISPANIC_MALE,
            *names.BLACK_FEMALE,
            *names.OTHER_FEMALE,
        ]

        def rows():
            pk = 0
            for y in self.youth:
                if y.merged_into is not None or rng.random() >= 0.92:
                    continue
                cases = self.cases_of[y.id]
                signed = cases[0].intake
                consents = [signed]
                if rng.random() < 0.1 and (AS_OF - signed).days > 400:
                    consents.append(
                        signed + dt.timedelta(days=rng.randint(366, (AS_OF - signed).days))
                    )
                for number, day in enumerate(consents):
                    pk += 1
                    age = (
                        day.year
                        - y.birth.year
                        - ((day.month, day.day) < (y.birth.month, y.birth.day))
                    )
                    if age >= 18:
                        signer, role = f"{y.first} {y.last}", "youth"
                    else:
                        signer, role = (
                            f"{rng.choice(parents)} {y.last}",
                            rng.choice(("parent", "parent", "guardian")),
                        )
                    school = rng.random() < 0.93
                    last = number == len(consents) - 1
                    expires = None if rng.random() < 0.5 else day + dt.timedelta(days=365 * 2)
                    if not last:
                        expires = consents[number + 1]
                    withdrawn = None
                    if last and rng.random() < 0.02:
                        withdrawn = day_between(rng, day, AS_OF)
                    if school and withdrawn is None:
                        # Linked while a consent covered school records (links outlive it).
                        self.consent_school.add(y.id)
                    created = at_time(day, rng)
                    yield (
                        pk,
                        created,
                        created,
                        signer[:160],
                        role,
                        day,
                        school,
                        rng.random() < 0.85,
                        rng.random() < 0.6,
                        "LAUSD; City of Los Angeles (CDD); YouthSource center operator",
                        expires,
                        withdrawn,
                        "Youth asked to withdraw." if withdrawn else "",
                        cases[0].counselor_id,
                        y.id,
                    )

        self.load.copy(
            "youth_consent",
            "id, created_at, updated_at, signer_name, signer_role, signed_on, "
            "covers_school_records, covers_wioa_sharing, covers_text_contact, recipients, "
            "expires_on, withdrawn_on, withdrawn_note, recorded_by_id, youth_id",
            rows(),
        )

    def load_assessments(self) -> None:
        rng = random.Random(SEED + 8)
        barrier_values = [b for b, _w in BARRIERS]
        scores: list[tuple] = []

        def rows():
            pk = 0
            for case in self.cases:
                if rng.random() >= 0.6:
                    continue
                for _ in range(2 if rng.random() < 0.1 else 1):
                    pk += 1
                    day = day_between(
                        rng, case.intake, min(case.ends, case.intake + dt.timedelta(days=21))
                    )
                    eligible = rng.random() < 0.65
                    criterion, regulation = rng.choice(CRITERIA)
                    deficient = None if rng.random() < 0.2 else rng.random() < 0.45
                    areas = rng.sample(("A", "B", "C", "D", "E", "F"), rng.randint(0, 3))
                    plan = [
                        {
                            "area": a,
                            "label": f"Area {a}",
                            "credits": 10,
                            "plan": "Credit recovery lab",
                        }
                        for a in areas
                    ]
                    created = at_time(day, rng)
                    yield (
                        pk,
                        created,
                        created,
                        day,
                        None,
                        rng.sample(barrier_values, rng.randint(0, 3)),
                        rng.choice(GOALS),
                        rng.choice(PATHWAYS),
                        "Fits the youth's credits, schedule and goals.",
                        Json(plan),
                        rng.sample(EVIDENCE, rng.randint(1, 4)),
                        eligible,
                        criterion if eligible else "",
                        regulation if eligible else "",
                        Json([] if eligible else ["income_proof"]),
                        day if eligible else None,
                        day + dt.timedelta(days=90) if eligible else None,
                        deficient,
                        case.id,
                        case.counselor_id,
                        case.youth_id,
                    )
                    if rng.random() < 0.6:
                        test = rng.choice(("CASAS", "TABE"))
                        for subject in rng.sample(("reading", "math"), rng.randint(1, 2)):
                            low, high = (200, 250) if test == "CASAS" else (450, 620)
                            scores.append(
                                (
                                    created,
                                    created,
                                    test,
                                    "11/12" if test == "CASAS" else "11M",
                                    subject,
                                    rng.randint(low, high),
                                    day,
                                    rng.randint(1, 6),
                                    pk,
                                )
                            )

        self.load.copy(
            "youth_assessment",
            "id, created_at, updated_at, assessed_on, credit_snapshot, barriers, goals, pathway, "
            "pathway_reasoning, academic_plan, evidence_on_file, wioa_eligible, wioa_criterion, "
            "wioa_regulation, wioa_missing_evidence, wioa_determined_on, wioa_expires_on, "
            "basic_skills_deficient, case_id, counselor_id, youth_id",
            rows(),
        )
        self.load.copy(
            "youth_skillstestscore",
            "id, created_at, updated_at, test, form, subject, scale_score, tested_on, nrs_level, "
            "assessment_id",
            ((pk, *score) for pk, score in enumerate(scores, start=1)),
        )

    def load_sis(self) -> None:
        """Links and snapshots of consented youth with an LAUSD ID, as a sync from the mock
        would write them, until the transcript rows reach their target. Worker processes build
        the snapshots (the mock's record generator is the slow part), in order."""
        target = self.target["transcripts"]
        rng = random.Random(SEED + 9)
        eligible = [y for y in self.youth if y.lausd_id and y.id in self.consent_school]
        lausd = {y.id: y.lausd_id for y in eligible}
        blocks = [
            (len(self.youth), [y.id for y in eligible[i : i + 200]])
            for i in range(0, len(eligible), 200)
        ]
        links: list[tuple] = []
        terms: list[str] = []
        enrollments: list[str] = []
        started = time.perf_counter()

        def course_lines(results):
            written = 0
            for block in results:
                for youth_id, fingerprint, special, term_lines, enrollment_lines, lines in block:
                    if written >= target:
                        return
                    refreshed = at_time(AS_OF - dt.timedelta(days=rng.randint(0, 6)), rng)
                    links.append(
                        (
                            len(links) + 1,
                            refreshed,
                            refreshed,
                            lausd[youth_id],
                            "lausd_id",
                            refreshed,
                            refreshed,
                            "",
                            special,
                            fingerprint,
                            None,
                            youth_id,
                        )
                    )
                    terms.extend(term_lines)
                    enrollments.extend(enrollment_lines)
                    written += len(lines)
                    yield from lines

        columns = ", ".join(SnapshotRows.column_names()["courses"])
        if self.jobs > 1:
            with multiprocessing.get_context("fork").Pool(self.jobs) as pool:
                results = pool.imap(snapshot_block, blocks)
                self.load.copy_lines("sis_bridge_transcriptcourse", columns, course_lines(results))
        else:
            results = map(snapshot_block, blocks)
            self.load.copy_lines("sis_bridge_transcriptcourse", columns, course_lines(results))
        print(
            f"  (snapshots of {len(links):,} linked youth built in "
            f"{time.perf_counter() - started:.0f} s by {self.jobs} processes, the COPY "
            f"included)"
        )
        self.load.copy(
            "sis_bridge_sislink",
            "id, created_at, updated_at, student_unique_id, method, last_refreshed_at, "
            "last_attempt_at, last_error, special_status, snapshot_hash, linked_by_id, youth_id",
            links,
        )
        for table, part, lines in (
            ("sis_bridge_academicterm", "terms", terms),
            ("sis_bridge_enrollment", "enrollments", enrollments),
        ):
            began = time.perf_counter()
            stream = LineStream(iter(lines))
            columns = ", ".join(SnapshotRows.column_names()[part])
            with self.connection.cursor() as cursor:
                cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", stream, size=1 << 20)
            self.connection.commit()
            self.timings.add(table, stream.rows, time.perf_counter() - began)
        # The nightly runs of the last month.
        runs = []
        for number in range(30):
            day = AS_OF - dt.timedelta(days=30 - number)
            began = dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=LA)
            runs.append(
                (
                    number + 1,
                    "nightly",
                    began,
                    began + dt.timedelta(minutes=41),
                    "succeeded",
                    len(links),
                    rng.randint(100, 900),
                    len(links),
                    0,
                    0,
                    "",
                    None,
                    None,
                )
            )
        self.load.copy(
            "sis_bridge_syncrun",
            "id, kind, started_at, finished_at, status, fetched, changed, unchanged, failed, "
            "skipped, error, youth_id, requested_by_id",
            runs,
        )

    def load_access_log(self) -> None:
        rng = random.Random(SEED + 10)
        active = [y.id for y in self.youth if y.merged_into is None]
        actions = weighted(
            (
                ("viewed", 60),
                ("listed", 25),
                ("changed", 10),
                ("created", 3),
                ("exported", 1),
                ("sis_pulled", 1),
            )
        )
        staff = self.staff_plan.everyone
        first = AS_OF - dt.timedelta(days=730)

        def rows():
            for pk in range(1, self.target["access_log"] + 1):
                action = pick(rng, actions)
                youth = rng.choice(active)
                day = first + dt.timedelta(days=int(730 * math.sqrt(rng.random())))
                detail = {"list": "caseload"} if action == "listed" else {}
                path = "/youth/" if action == "listed" else f"/youth/{youth}/"
                yield (
                    pk,
                    at_time(day, rng),
                    action,
                    path,
                    None,
                    Json(detail),
                    rng.choice(staff),
                    youth,
                )

        self.load.copy(
            "audit_accesslogentry",
            "id, at, action, path, ip_address, detail, user_id, youth_id",
            rows(),
        )

    # --- the run ---------------------------------------------------------------------------

    def run(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        self.connection.commit()
        self.reference()
        self.staff()
        self.plan_youth_and_cases()
        for step in (
            self.load_youth,
            self.load_cases,
            self.load_transfers_and_merges,
            self.load_notes,
            self.load_referrals,
            self.load_follow_ups,
            self.load_consents,
            self.load_assessments,
            self.load_sis,
            self.load_access_log,
        ):
            step()
        with self.connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
        self.connection.commit()


_CLOSED = weighted(CLOSED_REASONS)
_NOTE_KINDS = weighted(NOTE_KINDS)
_PATHS = weighted(PATHS)


# --- the database --------------------------------------------------------------------------


def marker(scale: float, wioa_share: float) -> str:
    return json.dumps(
        {
            "generator": "bench/generate.py",
            "seed": SEED,
            "scale": scale,
            "wioa_share": wioa_share,
            "as_of": AS_OF.isoformat(),
        },
        sort_keys=True,
    )


def _server(url: str):
    import psycopg2

    connection = psycopg2.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))
    connection.autocommit = True
    return connection


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to use {name}: a benchmark database's name must contain 'bench'")
    return name


def current_marker(url: str) -> dict | None:
    """The generator's record on the database, or None (missing, or not generated)."""
    name = database_name(url)
    server = _server(url)
    try:
        with server.cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [name],
            )
            row = cursor.fetchone()
    finally:
        server.close()
    try:
        return json.loads(row[0]) if row and row[0] else None
    except ValueError:
        return None


def recreate(url: str) -> None:
    name = database_name(url)
    server = _server(url)
    try:
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        server.close()


def set_marker(url: str, text: str) -> None:
    name = database_name(url)
    server = _server(url)
    try:
        with server.cursor() as cursor:
            cursor.execute(f'COMMENT ON DATABASE "{name}" IS %s', [text])
    finally:
        server.close()


def finish(connection, timings: Timings) -> None:
    """Sequences past the ids; VACUUM ANALYZE (a database in use has been vacuumed and has
    statistics)."""
    started = time.perf_counter()
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, a.attname, pg_get_serial_sequence(c.relname, a.attname)
            FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attname = 'id'
              AND pg_get_serial_sequence(c.relname, a.attname) IS NOT NULL
            """
        )
        for table, column, sequence in cursor.fetchall():
            # Names from the catalogue, not from input.
            cursor.execute(
                f'SELECT setval(%s, GREATEST((SELECT max("{column}") FROM "{table}"), 1))',  # noqa: S608
                [sequence],
            )
        cursor.execute("VACUUM (ANALYZE)")
    timings.add("sequences, VACUUM (ANALYZE)", 0, time.perf_counter() - started)


def check_foreign_keys(connection, timings: Timings) -> None:
    """The load ran without foreign-key checks: count the rows whose reference is missing."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT cl.relname, a.attname, rcl.relname, ra.attname
            FROM pg_constraint c
            JOIN pg_class cl ON cl.oid = c.conrelid
            JOIN pg_class rcl ON rcl.oid = c.confrelid
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
            WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1
              AND cl.relnamespace = 'public'::regnamespace
            """
        )
        broken = []
        for table, column, target, target_column in cursor.fetchall():
            # Names from the catalogue, not from input.
            cursor.execute(
                f'SELECT count(*) FROM "{table}" t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '  # noqa: S608
                f'(SELECT 1 FROM "{target}" r WHERE r."{target_column}" = t."{column}")'
            )
            missing = cursor.fetchone()[0]
            if missing:
                broken.append(f"{table}.{column}: {missing}")
    connection.commit()
    timings.add("foreign-key check", 0, time.perf_counter() - started)
    if broken:
        raise SystemExit("rows referring to missing rows: " + "; ".join(broken))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reengage.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-any-server")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def generate(url: str, scale: float = 1.0, wioa_share: float = 0.0, jobs: int = 2) -> Timings:
    """Drop, create, migrate and fill the database; return the timings."""
    import psycopg2
    from django.core.management import call_command

    setup_django(url)
    total = time.perf_counter()
    print(f"generate: {database_name(url)} at scale {scale} (seed {SEED}, as of {AS_OF})")
    recreate(url)
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    timings = Timings()
    timings.add("migrate", 0, time.perf_counter() - started)
    from django.db import connection as django_connection

    django_connection.close()
    connection = psycopg2.connect(url)
    try:
        generator = Generator(connection, scale, wioa_share, jobs)
        generator.timings = timings
        generator.load.timings = timings
        generator.run()
        check_foreign_keys(connection, timings)
        finish(connection, timings)
    finally:
        connection.close()
    set_marker(url, marker(scale, wioa_share))
    elapsed = time.perf_counter() - total
    rows = sum(timings.rows.values())
    print(f"generate: {rows:,} rows in {elapsed:.0f} s ({elapsed / 60:.1f} min)")
    return timings


def ensure(url: str, scale: float = 1.0, wioa_share: float = 0.0, jobs: int = 2) -> None:
    """Generate unless the database already holds this generator's data at this scale."""
    if current_marker(url) == json.loads(marker(scale, wioa_share)):
        print(f"generate: {database_name(url)} already holds scale {scale}; fill skipped")
        return
    generate(url, scale, wioa_share, jobs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1 = LA scale (100,000 youth)")
    parser.add_argument(
        "--wioa-share",
        type=float,
        default=0.0,
        help="share of cases whose first referral is a WIOA enrollment (the export benchmark "
        "uses 1: every youth a participant)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="processes building the SIS snapshots (the output is the same for any number)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database when it already holds this fill"
    )
    arguments = parser.parse_args(argv)
    if arguments.reuse:
        ensure(arguments.database_url, arguments.scale, arguments.wioa_share, arguments.jobs)
    else:
        generate(arguments.database_url, arguments.scale, arguments.wioa_share, arguments.jobs)


if __name__ == "__main__":
    main()
