"""Page benchmarks at Los Angeles scale (DESIGN.md section 5), through the Django test client.

    .venv/bin/python bench/pages.py                         # reengage_bench, 30 runs a page
    .venv/bin/python bench/pages.py --runs 50 --json /tmp/pages.json

Needs the database filled by ``bench/generate.py`` (it reads the generator's record on the
database and refuses one it did not fill). Signs in as the generated staff (a counselor of the
busiest center, a supervisor, a CDD analyst, an administrator), with the second step passed as
django-otp's own ``login`` marks it, and times each page: after warm-up requests, p50 and p95 of
N requests; the SQL statements of one more request (CaptureQueriesContext), and the time of that
SQL alone, replayed on a cursor in a transaction rolled back afterwards (p50 of N replays), so
``page / SQL`` says how much the page costs beyond its queries. The same caseload filter
through a Django admin changelist of the youth model is timed in the same run, for comparison
(bench_urls.py: a benchmark-only admin site; the application's admin shows no case content).

Targets: caseload, youth page and duplicate check p95 under 100 ms; pipeline and one-year grant
report under 1 s; each no slower than 3 times its bare SQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for folder in (ROOT, BENCH):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import generate  # noqa: E402
import personas  # noqa: E402

FAST, SLOW = 100.0, 1000.0  # p95 targets in ms
MAX_RATIO = 3.0
SHOW_SQL = 0  # characters of each statement to print (--show-sql)
# Transaction control: the replay runs in one transaction, rolled back.
SKIPPED_STATEMENTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")
DECLARE = re.compile(r"^DECLARE\s+\S+\s+(NO\s+)?SCROLL\s+CURSOR\s+(WITH(OUT)?\s+HOLD\s+)?FOR\s+")


@dataclass
class Page:
    name: str
    persona: str
    method: str
    path: str
    data: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    target_ms: float | None = FAST
    # A comparison, not a page of ours: no target.
    comparison: bool = False


@dataclass
class Result:
    name: str
    persona: str
    path: str
    runs: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    queries: int
    sql_p50_ms: float
    ratio: float
    # Mean CPU time per request of this process (Django) and of its PostgreSQL backend: what a
    # request costs whatever else the machine runs. On an idle machine, the wall time comes
    # close to their sum.
    app_cpu_ms: float
    db_cpu_ms: float
    target_ms: float | None
    comparison: bool
    status: int

    @property
    def verdict(self) -> str:
        if self.comparison or self.target_ms is None:
            return "comparison"
        fast = self.p95_ms < self.target_ms
        lean = self.ratio <= MAX_RATIO
        if fast and lean:
            return "met"
        return "MISSED: " + ", ".join(
            part
            for part, missed in (
                (f"p95 {self.p95_ms / self.target_ms:.1f}x the target", not fast),
                (f"{self.ratio:.1f}x its SQL", not lean),
            )
            if missed
        )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


# --- set-up ------------------------------------------------------------------------------------


def setup(url: str) -> dict:
    record = generate.current_marker(url)
    if not record or record.get("generator") != "bench/generate.py":
        sys.exit(
            f"{generate.database_name(url)} was not filled by bench/generate.py: run "
            f"`.venv/bin/python bench/generate.py --database-url {url}` first"
        )
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    generate.setup_django(url)
    from django.core.management import call_command

    # Migrations added since the fill (new indexes included) apply to the benchmark database.
    call_command("migrate", interactive=False, verbosity=0)
    return record


def client_for(username: str):
    """A test client signed in as the account, its second step passed when it has one (as
    django_otp.login marks a session)."""
    from django.apps import apps
    from django.test import Client

    from accounts.models import User

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    if apps.is_installed("django_otp.plugins.otp_totp"):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    return client


def pages() -> list[Page]:
    """The pages, with the records they open chosen from the data (deterministically)."""
    from django.db import connection

    from centers.models import Center

    east = Center.objects.get(code=personas.BUSY_CENTER)
    other = Center.objects.get(code="CRENS")
    with connection.cursor() as cursor:
        # The busy center's open cases with district records, by their number of notes.
        cursor.execute(
            """
            SELECT c.youth_id, count(n.id) AS notes
            FROM youth_case c
            JOIN sis_bridge_sislink l ON l.youth_id = c.youth_id
            LEFT JOIN youth_casenote n ON n.case_id = c.id
            WHERE c.center_id = %s AND c.status = 'open'
            GROUP BY c.youth_id ORDER BY notes DESC, c.youth_id
            """,
            [east.pk],
        )
        by_notes = cursor.fetchall()
        heaviest, heaviest_notes = by_notes[0]
        typical, typical_notes = by_notes[len(by_notes) // 2]
        # Someone with an open case at another center, typed with a typo at intake.
        cursor.execute(
            """
            SELECT y.legal_first_name, y.legal_last_name, y.birth_date
            FROM youth_youth y JOIN youth_case c ON c.youth_id = y.id
            WHERE c.center_id = %s AND c.status = 'open' AND y.merged_into_id IS NULL
              AND length(y.legal_last_name) > 5
            ORDER BY y.id LIMIT 1 OFFSET 100
            """,
            [other.pk],
        )
        first, last, birth = cursor.fetchone()
    typo = last[:3] + last[4:]  # one letter dropped
    filters = "school_status=dropout&age=18-21&no_contact_days=30&sort=contact"
    admin = "/bench-admin/youth/youth/"
    admin_filter = (
        f"cases__center__id__exact={east.pk}&cases__status__exact=open&school_status__exact=dropout"
    )
    return [
        Page("caseload", personas.COUNSELOR, "get", "/youth/"),
        Page("caseload, filtered", personas.COUNSELOR, "get", f"/youth/?{filters}"),
        Page("caseload, name search", personas.COUNSELOR, "get", "/youth/?q=garcia"),
        Page(
            f"youth page ({heaviest_notes} notes)", personas.COUNSELOR, "get", f"/youth/{heaviest}/"
        ),
        Page(
            f"youth page ({typical_notes} notes)", personas.COUNSELOR, "get", f"/youth/{typical}/"
        ),
        Page(
            "intake duplicate check",
            personas.COUNSELOR,
            "post",
            "/youth/intake/check/",
            data={
                "legal_first_name": first,
                "legal_last_name": typo,
                "birth_date": birth.isoformat(),
                "phone": "",
                "lausd_id": "",
                "center": str(east.pk),
            },
            headers={"HX-Request": "true"},
        ),
        Page(
            "supervisor pipeline",
            personas.SUPERVISOR,
            "get",
            "/referrals/pipeline/",
            target_ms=SLOW,
        ),
        Page(
            "grant report 2025-26",
            personas.ANALYST,
            "get",
            "/reports/?year=2025-26",
            target_ms=SLOW,
        ),
        Page(
            "admin changelist, filtered",
            personas.ADMINISTRATOR,
            "get",
            f"{admin}?{admin_filter}",
            comparison=True,
        ),
        Page(
            "admin changelist, search",
            personas.ADMINISTRATOR,
            "get",
            f"{admin}?q=garcia",
            comparison=True,
        ),
    ]


# --- measuring ---------------------------------------------------------------------------------


def request(client, page: Page):
    send = client.post if page.method == "post" else client.get
    if page.method == "post":
        return send(page.path, page.data, headers=page.headers)
    return send(page.path, headers=page.headers)


def backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process of this machine (0 when it is elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def replay(statements: list[str]) -> float:
    """Seconds to run the statements on a cursor (fetching every row), rolled back."""
    from django.db import connection, transaction

    began = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
        transaction.set_rollback(True)
    return time.perf_counter() - began


def measure(page: Page, clients: dict, runs: int, warmup: int, budget: float) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = clients.setdefault(page.persona, client_for(page.persona))
    for _ in range(warmup):
        response = request(client, page)
        if response.status_code != 200:
            raise SystemExit(f"{page.name}: {page.path} answered {response.status_code}")
    times = []
    backend = backend_pid()
    cpu_before, db_before = time.process_time(), cpu_seconds(backend)
    started = time.perf_counter()
    for _ in range(runs):
        began = time.perf_counter()
        response = request(client, page)
        times.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise SystemExit(f"{page.name}: {page.path} answered {response.status_code}")
        if time.perf_counter() - started > budget and len(times) >= 5:
            break
    app_cpu = (time.process_time() - cpu_before) / len(times)
    db_cpu = (cpu_seconds(backend) - db_before) / len(times)
    with CaptureQueriesContext(connection) as captured:
        request(client, page)
    statements = [
        DECLARE.sub("", query["sql"])  # a server-side cursor's query, run plainly
        for query in captured.captured_queries
        if not query["sql"].startswith(SKIPPED_STATEMENTS)
    ]
    if SHOW_SQL:
        print(f"--- {page.name}: {page.path}")
        for query in captured.captured_queries:
            print(f"  [{float(query['time']) * 1000:6.1f} ms] {query['sql'][:SHOW_SQL]}")
    replay(statements)  # warm
    sql_times = [replay(statements) for _ in range(min(len(times), 15))]
    p50, sql_p50 = statistics.median(times) * 1000, statistics.median(sql_times) * 1000
    return Result(
        name=page.name,
        persona=page.persona,
        path=page.path,
        runs=len(times),
        p50_ms=round(p50, 1),
        p95_ms=round(percentile(times, 0.95) * 1000, 1),
        max_ms=round(max(times) * 1000, 1),
        queries=len(captured.captured_queries),
        sql_p50_ms=round(sql_p50, 1),
        app_cpu_ms=round(app_cpu * 1000, 1),
        db_cpu_ms=round(db_cpu * 1000, 1),
        ratio=round(p50 / sql_p50, 2) if sql_p50 else 0.0,
        target_ms=page.target_ms,
        comparison=page.comparison,
        status=response.status_code,
    )


def machine(record: dict) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), current_setting('shared_buffers')")
        version, shared_buffers = cursor.fetchone()
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM youth_youth")
        youth = cursor.fetchone()[0]
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "memory_gib": round(int(memory) / 2**20, 1),
        "python": platform.python_version(),
        "postgresql": version.split(",")[0],
        "shared_buffers": shared_buffers,
        "database_size": size,
        "youth": youth,
        "data": record,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", generate.DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--budget", type=float, default=60, help="seconds per page before stopping (5 runs min.)"
    )
    parser.add_argument("--only", help="run the pages whose name contains this")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--show-sql", type=int, default=0, metavar="CHARS", help="print each page's statements"
    )
    arguments = parser.parse_args()
    global SHOW_SQL
    SHOW_SQL = arguments.show_sql
    record = setup(arguments.database_url)
    from django.conf import settings
    from django.test.utils import override_settings

    overrides = {
        # The benchmark asks for one page hundreds of times a minute: the rate limits are still
        # counted (their cost is in the figures), never reached.
        "RATE_LIMITS": {kind: "1000000/m" for kind in getattr(settings, "RATE_LIMITS", {})},
        "ROOT_URLCONF": "bench_urls",
        "ALLOWED_HOSTS": ["testserver", "127.0.0.1", "localhost"],
        "SECURE_SSL_REDIRECT": False,
        # The page's time, not collectstatic's manifest: files found in place, as in the tests.
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }
    with override_settings(**overrides):
        facts = machine(record)
        load_before = os.getloadavg()
        print(
            f"pages: {facts['youth']:,} youth ({facts['database_size']}), {facts['cpus']} CPUs, "
            f"{facts['memory_gib']} GiB, {facts['postgresql']}, load {load_before[0]:.1f}"
        )
        clients: dict = {}
        results = []
        for page in pages():
            if arguments.only and arguments.only not in page.name:
                continue
            result = measure(page, clients, arguments.runs, arguments.warmup, arguments.budget)
            results.append(result)
            print(
                f"  {result.name:<34} p50 {result.p50_ms:>7.1f}  p95 {result.p95_ms:>7.1f}  "
                f"SQL {result.queries:>2} in {result.sql_p50_ms:>6.1f} ms  x{result.ratio:<5} "
                f"CPU {result.app_cpu_ms:>6.1f} + {result.db_cpu_ms:>6.1f}  {result.verdict}",
                flush=True,
            )
        facts["load_average_before"] = [round(x, 2) for x in load_before]
        facts["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print()
    print(table(results))
    print(
        f"\nload average (1, 5, 15 min) before {facts['load_average_before']}, "
        f"after {facts['load_average_after']}"
    )
    if arguments.json:
        payload = {"machine": facts, "pages": [asdict(r) | {"verdict": r.verdict} for r in results]}
        arguments.json.write_text(json.dumps(payload, indent=2))
        print(f"figures written to {arguments.json}")


def table(results: list[Result]) -> str:
    lines = [
        "| page | as | runs | p50 ms | p95 ms | SQL statements | bare SQL p50 ms | page / SQL | "
        "CPU ms: Django + PostgreSQL | target | verdict |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        target = "-" if r.comparison or r.target_ms is None else f"p95 < {r.target_ms:.0f} ms"
        persona = r.persona.removeprefix("bench.")
        lines.append(
            f"| {r.name} | {persona} | {r.runs} | {r.p50_ms} | {r.p95_ms} | {r.queries} | "
            f"{r.sql_p50_ms} | {r.ratio} | {r.app_cpu_ms} + {r.db_cpu_ms} | {target} | "
            f"{r.verdict} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
