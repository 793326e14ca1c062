"""Benchmark: a participant-level export of N WIOA participants (DESIGN.md section 5).

Target: 100,000 rows streamed with flat memory (peak RSS under 150 MB).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reengage_bench_export \\
        .venv/bin/python bench/export_benchmark.py --participants 100000 --format csv

Steps:
1. prepare (in a child process, so its memory does not count): create the database if missing
   (its name must contain "bench"), migrate it, and bulk-create N youth, each with an open case
   at one of the 13 centers and a confirmed enrollment in one WIOA program, every third with an
   assessment. Skipped when the database already holds N youth; rebuilt when it holds another
   number;
2. run ``reports.extracts.export_run`` for a new job of an analyst and print wall time, rows per
   second, the file size, this process's RSS before and after, the sampled maximum and the
   peak (ru_maxrss).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/reengage_bench_export"
TARGET_MB = 150
BATCH = 2000
ENTRY = dt.date(2025, 9, 15)
PERIOD = (dt.date(2025, 7, 1), dt.date(2026, 6, 30))


def _environment() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reengage.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-any-server")
    os.environ.setdefault("DJANGO_DEBUG", "false")  # DEBUG keeps every query in memory
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def ensure_database(url: str, participants: int) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to use {name}: the benchmark database's name must contain 'bench'")
    server = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists:
            database = psycopg2.connect(url)
            with database.cursor() as inner:
                inner.execute("SELECT to_regclass('youth_youth') IS NOT NULL")
                count = None
                if inner.fetchone()[0]:
                    inner.execute("SELECT count(*) FROM youth_youth")
                    count = inner.fetchone()[0]
            database.close()
            if count not in (None, 0, participants):
                print(f"prepare: {name} holds {count} youth, not {participants}: rebuilding it")
                cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                exists = False
        if not exists:
            print(f"prepare: creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    server.close()


def fill(participants: int) -> None:
    from django.db import transaction

    from accounts.models import User
    from centers.models import Center, Role, StaffMembership
    from centers.seed import load_youthsource_centers
    from referrals.models import Program, ProgramKind, Referral, ReferralStatus
    from youth.choices import Barrier, Race, SchoolStatus, Sex
    from youth.models import Assessment, Case, Youth

    if Youth.objects.count() == participants:
        print(f"prepare: {participants} youth already there, fill skipped")
        return
    started = time.perf_counter()
    with transaction.atomic():
        load_youthsource_centers(Center)
        centers = list(Center.objects.order_by("code"))
        counselor, _ = User.objects.get_or_create(username="bench.export.counselor")
        for center in centers:
            StaffMembership.objects.get_or_create(
                user=counselor, center=center, defaults={"role": Role.COUNSELOR}
            )
        program, _ = Program.objects.get_or_create(
            code="bench-wioa",
            defaults={"name": "Bench WIOA", "kind": ProgramKind.WIOA, "provider": "Bench"},
        )
        barriers = [value for value, _ in Barrier.choices]
        races = [value for value, _ in Race.choices]
        statuses = [value for value, _ in SchoolStatus.choices]
        sent_at = dt.datetime(2025, 9, 1, 12, tzinfo=dt.UTC)
        for first in range(0, participants, BATCH):
            numbers = range(first, min(first + BATCH, participants))
            youth = Youth.objects.bulk_create(
                Youth(
                    legal_first_name=f"Jesús {i}",
                    legal_last_name=f"Quintero-Ávila {i}",
                    birth_date=dt.date(2002 + i % 8, 1 + i % 12, 1 + i % 28),
                    sex=(Sex.FEMALE, Sex.MALE)[i % 2],
                    races=[races[i % len(races)]],
                    school_status=statuses[i % len(statuses)],
                    highest_grade_completed=8 + i % 5,
                    barriers=barriers[i % 4 : i % 4 + 3],
                    search_first=f"jesus {i}",
                    search_last=f"quintero-avila {i}",
                )
                for i in numbers
            )
            cases = Case.objects.bulk_create(
                Case(youth=y, center=centers[i % len(centers)], counselor=counselor)
                for i, y in zip(numbers, youth, strict=True)
            )
            Referral.objects.bulk_create(
                Referral(
                    youth=c.youth,
                    case=c,
                    program=program,
                    counselor=counselor,
                    status=ReferralStatus.ENROLLED,
                    sent_at=sent_at,
                    enrolled_on=ENTRY + dt.timedelta(days=i % 200),
                    confirmed_by=counselor,
                )
                for i, c in zip(numbers, cases, strict=True)
            )
            Assessment.objects.bulk_create(
                Assessment(
                    youth=c.youth,
                    case=c,
                    counselor=counselor,
                    assessed_on=ENTRY - dt.timedelta(days=3),
                    goals="-",
                    pathway="wioa",
                    pathway_reasoning="-",
                    basic_skills_deficient=i % 2 == 0,
                )
                for i, c in zip(numbers, cases, strict=True)
                if i % 3 == 0
            )
    print(f"prepare: {participants} participants in {time.perf_counter() - started:.0f} s")


def prepare(participants: int) -> None:
    import django
    from django.core.management import call_command

    ensure_database(os.environ["DATABASE_URL"], participants)
    django.setup()
    call_command("migrate", verbosity=0)
    fill(participants)


def measure(fmt: str) -> None:
    import django

    django.setup()
    from django.conf import settings

    from accounts.models import User
    from centers.models import Center, Role, StaffMembership
    from reports.extracts import export_path, export_run, exports_dir
    from reports.models import ExportJob

    # Outside the checkout: the files hold (made-up) protected records.
    settings.EXPORTS_DIR = Path(tempfile.mkdtemp(prefix="reengage-export-bench-"))
    analyst, _ = User.objects.get_or_create(username="bench.export.analyst")
    StaffMembership.objects.get_or_create(user=analyst, center=None, role=Role.ANALYST)
    job = ExportJob.objects.create(
        requested_by=analyst,
        format=fmt,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        center_ids=list(Center.objects.values_list("pk", flat=True)),
    )
    samples: list[float] = []
    running = threading.Event()
    running.set()

    def sample() -> None:
        while running.is_set():
            samples.append(_rss_mb())
            time.sleep(0.2)

    before = _rss_mb()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    export_run(job.pk)
    elapsed = time.perf_counter() - started
    running.clear()
    sampler.join()
    job.refresh_from_db()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = export_path(job).stat().st_size / 2**20 if job.file_path else 0
    print(f"export {job.pk}: {job.status}, {job.rows_done} rows, {fmt}, {size:.1f} MB file")
    print(f"  time {elapsed:.1f} s, {job.rows_done / elapsed:,.0f} rows/s")
    print(
        f"  RSS before {before:.0f} MB, after {_rss_mb():.0f} MB, sampled max "
        f"{max(samples or [0]):.0f} MB, peak (ru_maxrss) {peak:.0f} MB; target < {TARGET_MB} MB"
    )
    print(f"  file under {exports_dir()} (settings.DEBUG={settings.DEBUG}); removing it")
    export_path(job).unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--quick", action="store_true", help="2,000 participants")
    parser.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    participants = 2000 if arguments.quick else arguments.participants
    _environment()
    if arguments.prepare_only:
        prepare(participants)
        return
    child = [sys.executable, __file__, "--prepare-only", "--participants", str(participants)]
    subprocess.run(child, check=True)
    measure(arguments.format)


if __name__ == "__main__":
    main()
