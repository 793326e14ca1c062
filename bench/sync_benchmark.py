"""Benchmark: the nightly SIS sync of N students from the local mock (DESIGN.md section 5).

Target: 100,000 students at 1,000+ students per second, with flat memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reengage_bench_sync \\
        .venv/bin/python bench/sync_benchmark.py --students 100000

Steps:
1. prepare (in a child process, so its memory does not count against the sync): create the
   database if missing, migrate it, and bulk-create one Youth per mock student (LAUSD ID, names
   and birth date from ``generator.student_identity``), each with an open case at one of the
   13 seeded centers, held by that center's bench counselor, and a consent covering school
   records. The fill is deterministic and skipped when the database already holds exactly N
   youth; a database holding another number is dropped and rebuilt (its name must contain
   "bench", so a development database is never touched);
2. clear the SIS tables (links, snapshots, runs), so every run is a first, full sync;
3. start the mock SIS on a free port with N students and point the settings at it;
4. run ``sis_nightly_sync()`` and report wall time, students per second, this process's peak
   and sampled RSS, CPU time of this process, of PostgreSQL (every process of the server: the
   sync's two backends, the WAL writer, autovacuum...) and of the mock (in
   all and per student), HTTP requests, SQL statements and COPYs, and the rows written.

``--paging`` pages through the SIS (``SIS_FULL_SYNC_PAGING=true``, also read from the
environment); without it the sync asks for each linked youth, as it does by default.
``--again`` then runs a second full sync against the same mock: every student is fetched again
and found unchanged, so nothing is rewritten. ``--profile FILE`` writes a cProfile of the sync
(this process only) and prints its top entries.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import os
import pstats
import resource
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
# Not reengage_bench: that is bench/generate.py's LA-scale database, which this benchmark would
# truncate the SIS tables of (ensure_database refuses any database the generator filled).
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/reengage_bench_sync"
SEED = 42
CLIENT = ("reengage-bench", "bench-only-secret")
TARGET_PER_SECOND = 1000
CONSENT_SIGNED_ON = dt.date(2026, 1, 5)
INTAKE_ON = dt.date(2026, 1, 5)
BATCH = 2000
SIS_TABLES = (
    "sis_bridge_quarantinedrecord",
    "sis_bridge_academicterm",
    "sis_bridge_transcriptcourse",
    "sis_bridge_enrollment",
    "sis_bridge_sislink",
    "sis_bridge_syncrun",
)


def _environment() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reengage.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-any-server")
    # DEBUG off: with it on, Django keeps every query in memory and the RSS would grow.
    os.environ.setdefault("DJANGO_DEBUG", "false")
    # At INFO, httpx logs one line per request (400,000 for 100,000 students).
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def _django() -> None:
    import django

    django.setup()


# --- the database ------------------------------------------------------------------------------


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _connect(url: str, name: str):
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(urlunsplit(parts._replace(path="/" + name)))
    connection.autocommit = True
    return connection


def _youth_count(url: str) -> int | None:
    """Youth rows in the database, or None when it has no youth table yet."""
    with _connect(url, _database_name(url)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('youth_youth') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT count(*) FROM youth_youth")
        return cursor.fetchone()[0]


def ensure_database(url: str, students: int) -> None:
    name = _database_name(url)
    if "bench" not in name:
        sys.exit(f"refusing to use {name}: the benchmark database's name must contain 'bench'")
    server = _connect(url, "postgres")
    try:
        with server.cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [name],
            )
            row = cursor.fetchone()
            exists = row is not None
            if exists and row[0] and "bench/generate.py" in row[0]:
                sys.exit(
                    f"refusing to use {name}: bench/generate.py filled it, and this benchmark "
                    "would empty its SIS tables. Use another one (default reengage_bench_sync)."
                )
            count = _youth_count(url) if exists else None
            if exists and count not in (None, 0, students):
                print(f"prepare: {name} holds {count} youth, not {students}: rebuilding it")
                cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                exists = False
            if not exists:
                print(f"prepare: creating database {name}")
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        server.close()


# --- the fill ----------------------------------------------------------------------------------


def _counselors() -> list[tuple[object, object]]:
    """(center, counselor) for each seeded center: one bench counselor per center."""
    from accounts.models import User
    from centers.models import Center, Role, StaffMembership
    from centers.seed import load_youthsource_centers

    load_youthsource_centers(Center)
    pairs = []
    for center in Center.objects.order_by("code"):
        user, created = User.objects.get_or_create(
            username=f"bench.counselor.{center.code.lower()}",
            defaults={"first_name": "Bench", "last_name": f"Counselor {center.code}"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        StaffMembership.objects.get_or_create(
            user=user, center=center, defaults={"role": Role.COUNSELOR}
        )
        pairs.append((center, user))
    return pairs


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def fill(students: int) -> None:
    """One youth per mock student, with a case and a consent; all or nothing."""
    from django.db import transaction

    from sis_bridge.mock.generator import student_identity
    from youth.choices import CaseStatus, SchoolStatus, Sex, SignerRole
    from youth.models import Case, Consent, Youth
    from youth.names import fold

    if Youth.objects.count() == students:
        print(f"prepare: {students} youth already there, fill skipped")
        return
    started = time.perf_counter()
    with transaction.atomic():
        staff = _counselors()
        for first in range(0, students, BATCH):
            people = [student_identity(SEED, i) for i in range(first, min(first + BATCH, students))]
            youth = Youth.objects.bulk_create(
                [
                    Youth(
                        legal_first_name=p["first_name"],
                        legal_middle_name=p["middle_name"] or "",
                        legal_last_name=p["last_surname"],
                        preferred_name=p["preferred_first_name"] or "",
                        birth_date=p["birth_date"],
                        sex=Sex.FEMALE if p["sex"] == "Female" else Sex.MALE,
                        school_status=SchoolStatus.DROPOUT,
                        lausd_id=p["student_unique_id"],
                        search_first=fold(f"{p['first_name']} {p['preferred_first_name'] or ''}"),
                        search_last=fold(p["last_surname"]),
                    )
                    for p in people
                ]
            )
            assignments = [(y, *staff[(first + k) % len(staff)]) for k, y in enumerate(youth)]
            Case.objects.bulk_create(
                Case(
                    youth=y,
                    center=center,
                    counselor=counselor,
                    intake_date=INTAKE_ON,
                    status=CaseStatus.OPEN,
                )
                for y, center, counselor in assignments
            )
            Consent.objects.bulk_create(
                Consent(
                    youth=y,
                    signer_name=f"{y.legal_first_name} {y.legal_last_name}"[:160],
                    signer_role=(
                        SignerRole.YOUTH
                        if _age_on(y.birth_date, CONSENT_SIGNED_ON) >= 18
                        else SignerRole.PARENT
                    ),
                    signed_on=CONSENT_SIGNED_ON,
                    covers_school_records=True,
                    covers_wioa_sharing=True,
                    recorded_by=counselor,
                )
                for y, _center, counselor in assignments
            )
            done = first + len(youth)
            if done % 20000 == 0 or done == students:
                print(f"prepare: {done} youth", flush=True)
    print(f"prepare: filled in {time.perf_counter() - started:.1f} s")


def prepare(students: int) -> None:
    """Create, migrate and fill the database (run as a child process)."""
    ensure_database(os.environ["DATABASE_URL"], students)
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    fill(students)


def reset_sync_state() -> None:
    """No links, snapshots or runs: the sync links every youth and pulls everyone."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(SIS_TABLES)} RESTART IDENTITY")


# --- the mock ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_mock(students: int) -> tuple[subprocess.Popen, str]:
    import httpx

    port = _free_port()
    env = {**os.environ, "SIS_CLIENT_ID": CLIENT[0], "SIS_CLIENT_SECRET": CLIENT[1]}
    command = [sys.executable, "-m", "sis_bridge.mock", "--port", str(port), "--seed", str(SEED)]
    command += ["--students", str(students), "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # the mock counts every student's records first
    while True:
        try:
            health = httpx.get(f"{base}/_mock/health", timeout=1).raise_for_status().json()
            if health["students"] != students:
                raise SystemExit(f"The mock serves {health['students']} students, not {students}")
            return process, base
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.1)


def python_speed() -> float:
    """Milliseconds a fixed loop of pure Python takes, best of three: a shared VM's cores
    run the same work up to 1.6 times slower from one minute to the next, which a rate
    alone does not show."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(2_000_000):
            total += number * number
        best = min(best, time.perf_counter() - started)
    return best * 1000


def _stat(pid: int) -> list[str]:
    """/proc/<pid>/stat's fields after the command name (field 3 of proc(5) is index 0)."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process on this machine, from /proc."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ServerCpu(threading.Thread):
    """CPU time of the whole PostgreSQL server a backend belongs to (the sync's two backends,
    the WAL writer, autovacuum...), from its processes read every `interval` seconds: a
    backend that ends during the run (the background writer's) counts up to its last reading."""

    def __init__(self, backend: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.postmaster = int(_stat(backend)[1])
        self.interval = interval
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.failed: list[str] = []
        self._done = threading.Event()
        self._read(initial=True)

    def _read(self, initial: bool = False) -> None:
        pids = [self.postmaster] + [
            int(entry.name)
            for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and _parent(int(entry.name)) == self.postmaster
        ]
        for pid in pids:
            seconds = _cpu_or_none(pid)
            if seconds is None:
                continue
            # A process that appears later started during the run: all its time counts.
            self.first.setdefault(pid, seconds if initial else 0.0)
            self.last[pid] = seconds

    def run(self) -> None:
        while not self._done.wait(self.interval):
            try:
                self._read()
            except Exception as error:  # a figure; the failures are reported below
                self.failed.append(repr(error))

    def stop(self) -> float:
        self._done.set()
        self.join()
        self._read()
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def _parent(pid: int) -> int | None:
    try:
        return int(_stat(pid)[1])
    except (OSError, IndexError, ValueError):
        return None


def _cpu_or_none(pid: int) -> float | None:
    try:
        return cpu_seconds(pid)
    except (OSError, IndexError, ValueError):  # ended since the listing
        return None


# --- memory ------------------------------------------------------------------------------------


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class RssSampler(threading.Thread):
    """VmRSS every `interval` seconds while the sync runs."""

    def __init__(self, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.samples: list[float] = []
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.samples.append(rss_mb())
            self._done.wait(self.interval)

    def stop(self) -> list[float]:
        self._done.set()
        self.join()
        return self.samples


class QueryCounter:
    """SQL statements through Django's cursor, and the COPYs the sync sends past it."""

    def __init__(self) -> None:
        self.count = 0
        self.copies = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    @contextlib.contextmanager
    def everywhere(self):
        """Statements on this thread's connection and on those opened meanwhile (the
        background writer's)."""
        from django.db import connection
        from django.db.backends.signals import connection_created

        def wrap(sender, connection, **kwargs):
            connection.execute_wrappers.append(self)

        connection_created.connect(wrap, weak=False)
        try:
            with connection.execute_wrapper(self):
                yield
        finally:
            connection_created.disconnect(wrap)

    @contextlib.contextmanager
    def copies_counted(self):
        from django.db.backends.utils import CursorWrapper

        def copy_expert(cursor, sql, file, *args, **kwargs):
            self.copies += 1
            return cursor.cursor.copy_expert(sql, file, *args, **kwargs)

        CursorWrapper.copy_expert = copy_expert
        try:
            yield
        finally:
            del CursorWrapper.copy_expert


# --- the run -----------------------------------------------------------------------------------


def _rows() -> dict[str, int]:
    from audit.models import AccessLogEntry
    from sis_bridge.models import AcademicTerm, Enrollment, SisLink, TranscriptCourse

    return {
        "transcript rows": TranscriptCourse.objects.count(),
        "terms": AcademicTerm.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "links": SisLink.objects.count(),
        "access log entries": AccessLogEntry.objects.count(),
    }


def run(args: argparse.Namespace) -> int:
    from django.conf import settings

    from sis_bridge.models import SyncRun

    settings.SIS_FULL_SYNC_PAGING = args.paging
    reset_sync_state()
    mock, base = start_mock(args.students)
    try:
        settings.SIS_BASE_URL = base
        settings.SIS_CLIENT_ID, settings.SIS_CLIENT_SECRET = CLIENT
        mode = "pages across the SIS" if args.paging else "per student (the default)"
        print(f"\nSIS nightly sync of {args.students} mock students (seed {SEED}), {mode}")
        ok = measure(args, mock, "first run: everyone new, every snapshot written")
        if args.again:
            # Forget the change version: the next run is a full one again, finding no change.
            SyncRun.objects.update(change_version_to=None)
            ok = measure(args, mock, "second full run: nothing changed, nothing rewritten") and ok
    finally:
        mock.terminate()
        mock.wait(timeout=10)
    return 0 if ok else 1


def measure(args: argparse.Namespace, mock: subprocess.Popen, title: str) -> bool:
    from django.db import connection

    from sis_bridge.client import SisClient
    from sis_bridge.services import sis_nightly_sync

    speed_before = python_speed()
    log_before = _rows()["access log entries"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        server = ServerCpu(backend)
        server.start()
    except OSError:  # PostgreSQL on another host
        server = None
    mock_cpu = cpu_seconds(mock.pid)
    own_cpu = time.process_time()
    rss_start = rss_mb()
    resource_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sampler = RssSampler()
    sampler.start()
    profiler = cProfile.Profile() if args.profile else None
    queries = QueryCounter()
    # The client the service would build itself, made here to read its request count.
    client = SisClient.from_settings()
    started = time.perf_counter()
    with queries.everywhere(), queries.copies_counted():
        if profiler:
            profiler.enable()
        sync_run = sis_nightly_sync(client=client)
        if profiler:
            profiler.disable()
    wall = time.perf_counter() - started
    client.close()
    samples = sampler.stop()
    own_cpu = time.process_time() - own_cpu
    mock_cpu = cpu_seconds(mock.pid) - mock_cpu
    backend_cpu = server.stop() if server else None
    if server and server.failed:
        print(f"  (PostgreSQL CPU: {len(server.failed)} readings failed, first {server.failed[0]})")

    speed_after = python_speed()
    rows = _rows()
    synced = sync_run.changed + sync_run.unchanged
    rate = synced / wall if wall else 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    steady = samples[len(samples) // 10 :] or samples
    per = max(sync_run.fetched, 1)
    print(f"\n  {title}")
    print(f"  students synced      {synced}")
    print(f"  wall time            {wall:.1f} s")
    print(
        f"  students per second  {rate:.0f} (target {TARGET_PER_SECOND}: "
        f"{rate / TARGET_PER_SECOND:.0%} of it)"
    )
    print(f"  RSS at start         {rss_start:.0f} MB")
    print(
        f"  peak RSS (getrusage) {peak:.0f} MB (this process, whole life; "
        f"{resource_start:.0f} MB before this run)"
    )
    print(
        f"  RSS after first 10%  min {min(steady):.0f} MB, max {max(steady):.0f} MB "
        f"({len(samples)} samples every 0.1 s)"
    )
    tenths = [
        max(samples[len(samples) * k // 10 : len(samples) * (k + 1) // 10] or [0])
        for k in range(10)
    ]
    print(f"  RSS by tenth of run  {' '.join(f'{mb:.0f}' for mb in tenths)} MB (max of each)")
    print(f"  load average         {os.getloadavg()[0]:.1f} (1 min, whole machine)")
    print(
        f"  machine speed        {speed_before:.0f} / {speed_after:.0f} ms for a fixed Python "
        "loop, before / after (lower is faster; compare runs only at like speeds)"
    )
    print(
        f"  CPU, this process    {own_cpu:.1f} s ({own_cpu / wall:.0%} of wall, "
        f"{own_cpu / per * 1000:.2f} ms per student)"
    )
    if backend_cpu is not None:
        print(
            f"  CPU, PostgreSQL      {backend_cpu:.1f} s ({backend_cpu / wall:.0%} of wall, "
            f"{backend_cpu / per * 1000:.2f} ms per student)"
        )
    print(
        f"  CPU, mock SIS        {mock_cpu:.1f} s ({mock_cpu / wall:.0%} of wall, "
        f"{mock_cpu / per * 1000:.2f} ms per student)"
    )
    print(f"  HTTP requests        {client.requests} ({client.requests / per:.2f} per student)")
    print(
        f"  SQL statements       {queries.count} ({queries.count / per:.3f} per student) "
        f"and {queries.copies} COPY"
    )
    print("  rows")
    for name in ("transcript rows", "terms", "enrollments", "links"):
        print(f"    {name:<18} {rows[name]}")
    print(f"    {'access log (new)':<18} {rows['access log entries'] - log_before}")
    print(
        f"  SyncRun {sync_run.pk}: status {sync_run.status}, fetched {sync_run.fetched}, "
        f"changed {sync_run.changed}, unchanged {sync_run.unchanged}, failed {sync_run.failed}, "
        f"skipped {sync_run.skipped}"
    )
    if sync_run.error:
        print(f"  error: {sync_run.error[:500]}")
    if profiler:
        profiler.dump_stats(args.profile)
        print(f"\ncProfile written to {args.profile}; top 25 by cumulative time:")
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(25)
    return sync_run.status == "succeeded" and synced == args.students


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="2,000 students")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the sync")
    parser.add_argument(
        "--paging",
        action="store_true",
        default=os.environ.get("SIS_FULL_SYNC_PAGING", "").lower() in {"1", "true", "yes"},
        help="page through the SIS (SIS_FULL_SYNC_PAGING) instead of asking per student",
    )
    parser.add_argument(
        "--again", action="store_true", help="then a second full run, with nothing changed"
    )
    parser.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.students = 2000
    _environment()
    name = _database_name(os.environ["DATABASE_URL"])
    if "bench" not in name:
        sys.exit(f"Refusing to use database {name!r}: its name must contain 'bench'.")
    if args.prepare_only:
        prepare(args.students)
        return 0
    command = [sys.executable, __file__, "--prepare-only", "--students", str(args.students)]
    subprocess.run(command, check=True, cwd=ROOT)
    _django()
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
