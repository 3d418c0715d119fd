"""``make bench``: runs the benchmarks against DATABASE_URL and updates bench/README.md.

python -m bench.run [--only NAME ...] [--participants N] [--enrolments N] [--import-rows N]
"""

from __future__ import annotations

import argparse
import json
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--participants", type=int, default=100_000, help="pages")
    parser.add_argument("--enrolments", type=int, default=1_000_000, help="report")
    parser.add_argument("--import-rows", type=int, default=100_000, help="import")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stegvis.settings")
    os.environ.setdefault("STEGVIS_HTTPS", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from django.db import connection

    from bench import bench_evaluation, bench_import, bench_matching, bench_pages, bench_report
    from bench.bench_growth import run as run_growth
    from bench.common import update_readme

    benchmarks = {
        "report": lambda: bench_report.run(enrolments=args.enrolments),
        "import": lambda: bench_import.run(rows=args.import_rows),
        "pages": lambda: bench_pages.run(participants=args.participants),
        "growth": run_growth,
    }
    if connection.vendor == "sqlite":  # no database involved: measured once
        benchmarks["matching"] = bench_matching.run
        benchmarks["evaluation"] = bench_evaluation.run
    for name, run in benchmarks.items():
        if args.only and name not in args.only:
            continue
        started = time.perf_counter()
        result = run()
        print(f"== {name} på {connection.vendor} ({time.perf_counter() - started:.0f} s)")
        print(json.dumps(result["measures"], ensure_ascii=False, indent=1))
    update_readme()


if __name__ == "__main__":
    main()
