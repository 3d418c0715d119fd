"""Growth: the reports a board asks for over 10 000 000 enrolments against the same reports over
1 000 000, on the same database, in the same run.

Two federations are generated once and kept (``bench/data/growth.sqlite3`` on SQLite, the
database ``<name>_growth`` next to DATABASE_URL's on PostgreSQL): a seed of 100 000 enrolments
written the ordinary way (:func:`bench.generate.generate`, with referrals and methods), then
copied inside the database (:func:`bench.generate.multiply`) to 1 000 000 and 10 000 000. A
marker table records which federations are complete and with which generator version; a later
run reuses them.

Each report is computed as ``stegvis report`` computes it (``build_report`` in the federation's
scope, whole history, every intervention). Before timing, a few cells of every report are
compared with SQL written by hand on each federation: a fast wrong report is not a result.

Target: each report over 10 000 000 costs ≤ 10× the same report over 1 000 000.

    python -m bench.run --only growth             (called by ``make bench``)
    DATABASE_URL=... python -m bench.bench_growth  (in the growth database itself)
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from datetime import date

from bench.common import DATA, RESULTS, database_label, median, number, save

# Bump when the generated data changes: databases with another version are generated again.
GENERATOR_VERSION = 1
SEED_ENROLMENTS = 100_000
SIZES = {"growth-1m": 1_000_000, "growth-10m": 10_000_000}
REPORTS = ["age-gender", "exit-gender", "methods", "lead-times"]
RUNS = int(os.environ.get("STEGVIS_BENCH_GROWTH_RUNS", "3"))
CHILD = "STEGVIS_BENCH_GROWTH_DATABASE"
MARKER = "bench_growth_marker"


# --- The growth database ------------------------------------------------------------------


def growth_database_url(url: str) -> str:
    """The growth database beside ``url``: a file under bench/data for SQLite, the database
    ``<name>_growth`` on the same PostgreSQL server."""
    if not url.startswith(("postgres", "postgresql")):
        return f"sqlite:///{DATA / 'growth.sqlite3'}"
    base, _, query = url.partition("?")
    server, _, name = base.rpartition("/")
    return f"{server}/{name or 'stegvis'}_growth" + (f"?{query}" if query else "")


def _create_postgres_database(url: str, growth_url: str) -> None:
    import psycopg

    name = growth_url.partition("?")[0].rpartition("/")[2]
    with psycopg.connect(url, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')


def _marker() -> dict[str, dict]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER} (slug VARCHAR(50) PRIMARY KEY, "
            "version INTEGER NOT NULL, enrolments INTEGER NOT NULL, seconds REAL NOT NULL, "
            "generated_at VARCHAR(40) NOT NULL)"
        )
        cursor.execute(f"SELECT slug, version, enrolments, seconds FROM {MARKER}")
        return {
            slug: {"version": v, "enrolments": n, "seconds": s}
            for slug, v, n, s in cursor.fetchall()
        }


def _seed_complete(federation) -> bool:
    """The seed's referrals are written last: with them, the seed is whole."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM participants_referral WHERE federation_id = %s", [federation.pk]
        )
        return cursor.fetchone()[0] > 0


def ensure_federation(slug: str, enrolments: int, *, log=print):
    """The federation ``slug`` with ``enrolments`` enrolments, generated unless a complete one
    of this generator version is there. Returns (federation, generation seconds or None)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.generate import Generated, _methods, _referrals, copies_done, generate, multiply
    from stegvis.core.models import Federation
    from stegvis.core.tenancy import federation_scope

    done = _marker().get(slug)
    federation = Federation.objects.filter(slug=slug).first()
    complete = done and (done["version"], done["enrolments"]) == (GENERATOR_VERSION, enrolments)
    if federation is not None and complete:
        return federation, None
    started = time.perf_counter()
    seed = min(SEED_ENROLMENTS, enrolments)
    if enrolments % seed:
        raise ValueError(f"{enrolments} är ingen multipel av fröet {seed}")
    if federation is not None:
        # A stopped run: go on from its last committed copy when its seed is whole.
        if done or not _seed_complete(federation):
            raise SystemExit(
                f"Förbundet {slug} är ofullständigt eller från en annan version av generatorn. "
                "Ta bort tillväxtdatabasen (bench/data/growth.sqlite3, eller databasen "
                "<namn>_growth i PostgreSQL) och kör igen."
            )
        out, already = Generated(federation=federation), copies_done(federation, seed)
        log(f"{slug}: fortsätter efter {already} kopior")
    else:
        out, already = generate(slug=slug, enrolments=seed, seed=22), 0
        with federation_scope(out.federation), transaction.atomic():
            rng = random.Random(23)
            _referrals(out, rng)
            _methods(out, rng)
        log(f"{slug}: frö med {seed} deltaganden på {time.perf_counter() - started:.0f} s")
    copies = enrolments // seed - 1

    def progress(k):
        if k % 10 == 0 or k == copies:
            log(f"{slug}: {k}/{copies} kopior, {time.perf_counter() - started:.0f} s")

    multiply(out, copies, progress=progress, log=log, done=already)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {MARKER} (slug, version, enrolments, seconds, generated_at) "
            "VALUES (%s, %s, %s, %s, %s)",
            [slug, GENERATOR_VERSION, enrolments, seconds, timezone.now().isoformat()],
        )
    return out.federation, seconds


# --- Measuring ------------------------------------------------------------------------------


def _timed(func) -> tuple[float, object]:
    started = time.perf_counter()
    value = func()
    return time.perf_counter() - started, value


def run_here(*, sizes: dict[str, int] | None = None, runs: int = RUNS, log=print) -> dict:
    """Generate (or reuse) the federations and measure, in the database Django is set up
    with."""
    from bench import growth_checks
    from stegvis.core.tenancy import federation_scope
    from stegvis.reports.definitions import build_report

    sizes = sizes or SIZES
    (small_slug, small_n), (large_slug, large_n) = sorted(sizes.items(), key=lambda kv: kv[1])
    small, small_generated = ensure_federation(small_slug, small_n, log=log)
    large, large_generated = ensure_federation(large_slug, large_n, log=log)
    as_of = date(2026, 12, 1)

    def report(federation, name):
        with federation_scope(federation):
            return build_report(name, as_of=as_of)

    measures, timings = [], {}
    for name in REPORTS:
        # The first run of each is checked against hand-written SQL, and timed like the others.
        small_times, large_times = [], []
        for federation, times in ((small, small_times), (large, large_times)):
            seconds, table = _timed(lambda f=federation, n=name: report(f, n))
            growth_checks.check(name, table, federation, as_of=as_of)
            times.append(seconds)
            log(f"{federation.slug}: {name} stämmer med SQL ({seconds:.1f} s)")
        for _ in range(runs - 1):  # interleaved, so drift in the machine hits both alike
            small_times.append(_timed(lambda f=small, n=name: report(f, n))[0])
            large_times.append(_timed(lambda f=large, n=name: report(f, n))[0])
        s, g = median(small_times), median(large_times)
        timings[name] = {"small": small_times, "large": large_times}
        ratio = g / s
        log(f"{name}: {s:.2f} s mot {g:.2f} s, {ratio:.2f}×")
        measures.append(
            {
                "measure": f"{name}, {number(large_n)} mot {number(small_n)} deltaganden (median)",
                "subject": _duration(g),
                "baseline": _duration(s),
                "ratio": ratio,
                "target": "≤ 10×",
                "met": ratio <= 10,
            }
        )
        _save(measures, timings, runs, sizes, small_generated, large_generated)
    return _save(measures, timings, runs, sizes, small_generated, large_generated)


def _save(measures, timings, runs, sizes, small_generated, large_generated) -> dict:
    """Written after every report, so a long run stopped early keeps what it measured."""
    (small_slug, small_n), (large_slug, large_n) = sorted(sizes.items(), key=lambda kv: kv[1])
    result = {
        "name": "growth",
        "enrolments": {small_slug: small_n, large_slug: large_n},
        "generated_seconds": {
            small_slug: round(small_generated, 1) if small_generated else None,
            large_slug: round(large_generated, 1) if large_generated else None,
        },
        "database_bytes": _database_bytes(),
        "runs": runs,
        "seconds": timings,
        "measures": measures,
    }
    save(result)
    return result


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _database_bytes() -> int | None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
    name = connection.settings_dict["NAME"]
    return os.path.getsize(name) if os.path.exists(name) else None


def run() -> dict:
    """From ``bench.run``: measure in the growth database beside DATABASE_URL's, in a process of
    its own (the growth data outlives ``make bench``, which starts SQLite afresh)."""
    url = os.environ.get("DATABASE_URL", "")
    growth_url = growth_database_url(url)
    DATA.mkdir(exist_ok=True)
    if growth_url.startswith("postgres"):
        _create_postgres_database(url, growth_url)
    env = {**os.environ, "DATABASE_URL": growth_url, CHILD: "1"}
    subprocess.run([sys.executable, "-m", "bench.bench_growth"], env=env, check=True)
    return json.loads((RESULTS / f"growth-{database_label()}.json").read_text())


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stegvis.settings")
    os.environ.setdefault("STEGVIS_HTTPS", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if "--generate-only" in sys.argv:
        for slug, n in sorted(SIZES.items(), key=lambda kv: kv[1]):
            ensure_federation(slug, n)
        return
    result = run_here()
    print(json.dumps(result["measures"], ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
