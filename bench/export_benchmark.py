"""Benchmark: a participant-level export of N WIOA participants (DESIGN.md section 5).

Target: 100,000 rows streamed with flat memory (peak RSS under 150 MB).

    .venv/bin/python bench/export_benchmark.py --participants 100000 --format csv

Steps:
1. prepare (in a child process, so its memory does not count): fill the database
   (``DATABASE_URL``, default ``reengage_bench_export``; its name must contain "bench") with
   bench/generate.py at the scale that gives N participants or more (1.2 N youth) and
   ``--wioa-share 1``: every case's first referral is a WIOA enrollment, so nearly every youth
   is a participant. The LA-scale database (``reengage_bench``) has about 43,000, since not every
   youth enrolls in WIOA. Skipped when the database already holds that fill;
2. run ``reports.extracts.export_run`` for a new job of the generated analyst over every program
   year of the data, all 13 centers, and print wall time, rows per second, the file size, this
   process's RSS before and after, the sampled maximum and the peak (ru_maxrss).
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402
import personas  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/reengage_bench_export"
TARGET_MB = 150
# Every enrollment of the generated data: its intakes start in July 2022.
PERIOD = (dt.date(2022, 7, 1), generate.AS_OF)
# The one-year grant report's program year (bench/report_benchmark.py).
PROGRAM_YEAR = (dt.date(2025, 7, 1), dt.date(2026, 6, 30))


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


def scale_for(participants: int) -> float:
    """The generator's scale whose youth give N participants or more: 87% of the youth are
    (the rest had no enrollment yet, or were merged), so 1.2 youth per participant wanted."""
    return round(participants * 1.2 / generate.FULL["youth"], 4)


def prepare(participants: int) -> None:
    generate.ensure(os.environ["DATABASE_URL"], scale_for(participants), wioa_share=1.0)


def measure(fmt: str) -> None:
    import django

    django.setup()
    from django.conf import settings

    from accounts.models import User
    from centers.models import Center
    from reports.extracts import export_path, export_run, exports_dir
    from reports.models import ExportJob

    # Outside the checkout: the files hold (made-up) protected records.
    settings.EXPORTS_DIR = Path(tempfile.mkdtemp(prefix="reengage-export-bench-"))
    analyst = User.objects.get(username=personas.ANALYST)
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
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="export the generated database as it is (e.g. the LA-scale reengage_bench), "
        "without refilling it",
    )
    parser.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    participants = 2000 if arguments.quick else arguments.participants
    if arguments.quick:  # a database of its own: the 100,000 fill takes minutes to rebuild
        os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL + "_quick")
    _environment()
    if arguments.prepare_only:
        prepare(participants)
        return
    if arguments.as_is:
        if not generate.current_marker(os.environ["DATABASE_URL"]):
            sys.exit("--as-is needs a database filled by bench/generate.py")
    else:
        child = [sys.executable, __file__, "--prepare-only", "--participants", str(participants)]
        subprocess.run(child, check=True)
    measure(arguments.format)


if __name__ == "__main__":
    main()
