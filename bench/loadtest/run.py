"""Load test: 50 simulated staff against gunicorn on this machine (DESIGN.md section 5).

    .venv/bin/python bench/loadtest/run.py                  # 50 users, 60 s, reengage_bench
    .venv/bin/python bench/loadtest/run.py --users 20 --time 30

Needs the database filled by bench/generate.py. Starts, all on 127.0.0.1 and stopped at the end:
the mock SIS (seed 42, one student per youth, so "Refresh credits" finds every linked youth),
gunicorn with reengage/gunicorn.conf.py (2 workers, 4 threads each; static files collected
first, as the image does), and locust headless with bench/loadtest/locustfile.py for a fixed
time. Without --redis-url, Celery runs the credit pulls in the web process (eager), as in
development; with it, a Celery worker is started too, as in production.

Users start at --spawn-rate a second (each signs in first), then the load runs --time seconds
more. Prints each kind of request's count, errors and p50/p95 over the whole run; the totals of
the whole run, of the time when every user had started (the targets apply to it: zero errors,
p95 under 300 ms) and of the sign-in posts alone; and the load average. Exit status 1 on any
error. Logs and locust's CSV files are kept in the folder printed at the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOADTEST = Path(__file__).resolve().parent
BENCH = LOADTEST.parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402

TARGET_P95_MS = 300
SIS_CLIENT = ("reengage-loadtest", "loadtest-only-secret")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{url} did not come up (see the logs)")
        time.sleep(0.25)


def accounts(url: str, users: int) -> tuple[list[str], list[str]]:
    """Counselor accounts, one center after another for each number (the busy center first),
    and supervisors with an authenticator."""
    import psycopg2

    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT u.username FROM accounts_user u
            JOIN centers_staffmembership m ON m.user_id = u.id AND m.role = 'counselor'
                 AND NOT m.read_only AND u.is_active
            JOIN centers_center c ON c.id = m.center_id
            WHERE u.username ~ 'counselor[0-9]+$'
            ORDER BY substring(u.username from 'counselor([0-9]+)$')::int, c.id
            """
        )
        counselors = [row[0] for row in cursor.fetchall()][:users]
        cursor.execute(
            """
            SELECT DISTINCT u.username FROM accounts_user u
            JOIN centers_staffmembership m ON m.user_id = u.id AND m.role = 'supervisor'
            JOIN otp_totp_totpdevice d ON d.user_id = u.id AND d.confirmed
            ORDER BY u.username
            """
        )
        supervisors = [row[0] for row in cursor.fetchall()]
    return counselors, supervisors


def youth_count(url: str) -> int:
    import psycopg2

    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM youth_youth")
        return cursor.fetchone()[0]


def percentile(ordered: list[float], share: float) -> float:
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def summary(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", generate.DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=2, help="users started per second")
    parser.add_argument(
        "--time", type=int, default=60, help="seconds of load once every user has started"
    )
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(3, 10),
        metavar=("MIN", "MAX"),
        help="seconds a user reads a page before the next click (default 3 to 10)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--redis-url", help="run credit pulls on a Celery worker through Redis")
    arguments = parser.parse_args()
    url = arguments.database_url
    record = generate.current_marker(url)
    if not record or record.get("generator") != "bench/generate.py":
        sys.exit(f"{generate.database_name(url)} was not filled by bench/generate.py")

    folder = Path(tempfile.mkdtemp(prefix="reengage-loadtest-"))
    students = youth_count(url)
    counselors, supervisors = accounts(url, arguments.users)
    mock_port, web_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "reengage.settings",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "loadtest-only-secret-key"),
        "DJANGO_DEBUG": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        # gunicorn is reached over plain HTTP on 127.0.0.1 (no TLS proxy in front).
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SIS_BASE_URL": f"http://127.0.0.1:{mock_port}",
        "SIS_CLIENT_ID": SIS_CLIENT[0],
        "SIS_CLIENT_SECRET": SIS_CLIENT[1],
        "GUNICORN_WORKERS": str(arguments.workers),
        # Sign-ins are limited per client address (a center's staff share one): every simulated
        # user comes from 127.0.0.1, all within the first seconds.
        "RATE_LIMIT_SIGN_IN": f"{max(30, 4 * arguments.users)}/m",
        "LOADTEST_COUNSELORS": ",".join(counselors),
        "LOADTEST_SUPERVISORS": ",".join(supervisors),
        "LOADTEST_THINK": ",".join(str(x) for x in arguments.think),
        "LOADTEST_RECORD": str(folder / "requests.json"),
    }
    env.pop("REDIS_URL", None)
    if arguments.redis_url:
        env["REDIS_URL"] = arguments.redis_url
    python = sys.executable
    children: list[subprocess.Popen] = []

    def start(name: str, command: list[str]) -> subprocess.Popen:
        log = open(folder / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        children.append(process)
        return process

    try:
        print(
            f"loadtest: migrate, collectstatic, mock SIS ({students:,} students), gunicorn "
            f"({arguments.workers} workers x {arguments.threads} threads)"
        )
        # Migrations added since the fill apply first; static files as the image collects them.
        for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
        mock = start(
            "mock-sis",
            [
                python,
                "-m",
                "sis_bridge.mock",
                "--port",
                str(mock_port),
                "--seed",
                str(generate.MOCK_SEED),
                "--students",
                str(students),
                "--log-level",
                "warning",
            ],
        )
        wait_for(f"http://127.0.0.1:{mock_port}/_mock/health", mock)
        if arguments.redis_url:
            start(
                "celery",
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "reengage",
                    "worker",
                    "--concurrency",
                    "1",
                    "--loglevel",
                    "warning",
                ],
            )
        web = start(
            "gunicorn",
            [
                python,
                "-m",
                "gunicorn",
                "reengage.wsgi:application",
                "-c",
                "reengage/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{web_port}",
                "--workers",
                str(arguments.workers),
                "--threads",
                str(arguments.threads),
                # As a proxy in front would: idle connections stay open between clicks (at the
                # default 2 s, a click can race the server closing its connection).
                "--keep-alive",
                "30",
            ],
        )
        wait_for(f"http://127.0.0.1:{web_port}/healthz", web)
        load_before = os.getloadavg()
        prefix = folder / "locust"
        ramp = math.ceil(arguments.users / arguments.spawn_rate)
        print(
            f"loadtest: {arguments.users} users ({ramp} s to start them all), then "
            f"{arguments.time} s (load average {load_before[0]:.1f})",
            flush=True,
        )
        started = time.perf_counter()
        with open(folder / "locust.log", "w") as log:
            subprocess.run(
                [
                    python,
                    "-m",
                    "locust",
                    "-f",
                    str(LOADTEST / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(arguments.users),
                    "--spawn-rate",
                    str(arguments.spawn_rate),
                    "--run-time",
                    f"{ramp + arguments.time}s",
                    "--host",
                    f"http://127.0.0.1:{web_port}",
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--stop-timeout",
                    "10",
                    "--exit-code-on-error",
                    "0",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
            )
        wall = time.perf_counter() - started
        load_after = os.getloadavg()
    finally:
        for process in reversed(children):
            process.terminate()
        for process in children:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    rows = summary(prefix)
    total = next(row for row in rows if row["Name"] == "Aggregated")
    print("\n| request | count | errors | req/s | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        name = "**all**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | "
            f"{float(row['Max Response Time']):.0f} |"
        )
    errors = int(total["Failure Count"])
    records = json.loads((folder / "requests.json").read_text())
    steady = [r for r in records if r[3]]
    sign_in = [r for r in records if r[0].startswith("POST sign in")]
    print()
    for label, chosen, seconds in (
        ("whole run", records, wall),
        (f"all {arguments.users} users started", steady, arguments.time),
        ("sign-in posts (password, second step)", sign_in, None),
    ):
        if not chosen:
            continue
        times = sorted(r[1] for r in chosen)
        rate = f", {len(chosen) / seconds:.1f} requests/s" if seconds else ""
        print(
            f"{label}: {len(chosen)} requests{rate}, {sum(not r[2] for r in chosen)} errors, "
            f"p50 {times[len(times) // 2]:.0f} ms, p95 {percentile(times, 0.95):.0f} ms, "
            f"max {times[-1]:.0f} ms"
        )
    p95 = percentile(sorted(r[1] for r in steady), 0.95) if steady else float("inf")
    print(
        f"\ntarget: 0 errors, p95 < {TARGET_P95_MS} ms with every user started: {errors} errors, "
        f"p95 {p95:.0f} ms; load average before {load_before[0]:.1f}, after "
        f"{load_after[0]:.1f} ({os.cpu_count()} CPUs)"
    )
    failures = Path(f"{prefix}_failures.csv")
    if errors and failures.exists():
        print("errors:\n" + failures.read_text())
    print(f"logs and CSV files in {folder}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
