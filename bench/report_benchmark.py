"""Benchmark: a one-year grant report over N youth (DESIGN.md section 5: under 1 s).

    .venv/bin/python bench/report_benchmark.py                    # reengage_bench, 100,000 youth

It runs on the LA-scale data of bench/generate.py (``DATABASE_URL``, default ``reengage_bench``,
filled at the scale of N youth unless it already is) and times the whole report, for program
year 2025-26 and all 13 centers, as the page builds it: time per run (p50, p95, max over
repeated runs), SQL statements per report and peak memory. The page itself, with its rendering,
is timed by bench/pages.py.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import export_benchmark
import generate


def measure(runs: int) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from centers.models import Center
    from reports.selectors import grant_report
    from youth.models import Youth

    start, end = export_benchmark.PROGRAM_YEAR
    centers = list(Center.objects.order_by("code"))
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            report = grant_report(start=start, end=end, name="2025-26", centers=centers)
        times.append(time.perf_counter() - began)
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"grant report 2025-26, 13 centers, {Youth.objects.count():,} youth in the database")
    print(f"  figures overall: {[row.count for row in report.overall]}")
    print(
        f"  {runs} runs: p50 {statistics.median(times) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms (target under 1,000 ms)"
    )
    print(f"  SQL statements per report: {len(queries.captured_queries)}")
    print(f"  peak RSS {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youth", "--participants", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="2,000 youth")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--fill-only", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    youth = 2000 if arguments.quick else arguments.youth
    # --quick fills a database of its own, so the LA-scale one is not refilled at 2,000 youth.
    quick_url = generate.DEFAULT_DATABASE_URL.replace("reengage_bench", "reengage_bench_quick")
    os.environ.setdefault(
        "DATABASE_URL", quick_url if arguments.quick else generate.DEFAULT_DATABASE_URL
    )
    export_benchmark._environment()
    if arguments.fill_only:
        generate.ensure(os.environ["DATABASE_URL"], youth / generate.FULL["youth"])
        return
    # The fill runs in a child process, so its memory is not counted.
    subprocess.run([sys.executable, __file__, "--fill-only", "--youth", str(youth)], check=True)
    measure(arguments.runs)


if __name__ == "__main__":
    main()
