"""``make bench``: runs the benchmarks against DATABASE_URL and updates bench/README.md.

python -m bench.run [--only NAME ...] [--participants N]
"""

from __future__ import annotations

import argparse
import json
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--participants", type=int, default=100_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stegvis.settings")
    os.environ.setdefault("STEGVIS_HTTPS", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from bench import bench_pages
    from bench.common import update_readme

    benchmarks = {"pages": lambda: bench_pages.run(participants=args.participants)}
    for name, run in benchmarks.items():
        if args.only and name not in args.only:
            continue
        started = time.perf_counter()
        result = run()
        print(f"== {name} ({time.perf_counter() - started:.0f} s)")
        print(json.dumps(result["measures"], ensure_ascii=False, indent=1))
    update_readme()


if __name__ == "__main__":
    main()
