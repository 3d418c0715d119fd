"""``python -m bench.load``: the load steps and the faults against gunicorn and PostgreSQL.

    DATABASE_URL=postgres://… python -m bench.load prepare [--participants 100000]
    DATABASE_URL=postgres://… python -m bench.load steps [--users 10 20 40 …] [--seconds 60]
    DATABASE_URL=postgres://… python -m bench.load faults --pg-data /path/to/cluster [--only …]

``prepare`` generates the federation once (``bench.generate``) and writes the clients' session
cookies and API key; ``steps`` and ``faults`` write ``bench/results/load-postgresql.json`` and
``faults-postgresql.json`` (commit, database version, machine) and update the tables in
bench/README.md. Restarting PostgreSQL and mounting a small tmpfs need the cluster's data
directory and root (or the cluster's owner and a tmpfs prepared by root).
"""

from __future__ import annotations

import argparse
import json
import os


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    sub = parser.add_subparsers(dest="command", required=True)
    prepare = sub.add_parser("prepare", help="Generera förbundet och klienternas inloggningar.")
    prepare.add_argument("--participants", type=int, default=100_000)
    steps = sub.add_parser("steps", help="Stegvis fler klienter tills p95 passerar 1 s.")
    steps.add_argument("--users", type=int, nargs="+", default=[10, 20, 40, 60, 80, 120])
    steps.add_argument("--seconds", type=int, default=60)
    steps.add_argument("--workers", type=int, default=0, help="gunicorn-workers (2×kärnor+1)")
    steps.add_argument("--participants", type=int, default=100_000)
    faults = sub.add_parser("faults", help="Fel under last.")
    faults.add_argument("--only", nargs="*", default=None, choices=["restart", "disk", "kill"])
    faults.add_argument("--pg-data", default=os.environ.get("LOAD_PG_DATA", ""))
    faults.add_argument("--users", type=int, default=30)
    faults.add_argument("--workers", type=int, default=0)
    faults.add_argument("--participants", type=int, default=100_000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stegvis.settings")
    os.environ.setdefault("STEGVIS_HTTPS", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        parser.error("lasttestet körs mot PostgreSQL: sätt DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0, interactive=False)
    from bench.common import save, update_readme
    from bench.load import data, harness, report
    from bench.load import faults as fault_scenarios
    from bench.load import steps as load_steps

    workers = getattr(args, "workers", 0) or harness.workers_default()
    if args.command == "prepare":
        fixture = data.prepare(args.participants)
        print(
            f"{len(fixture['case_workers'])} handläggare, {len(fixture['leaders'])} ledare, "
            f"{len(fixture['steering'])} i styrgruppen, en API-nyckel → {data.FIXTURE}"
        )
        return
    data.prepare(args.participants)  # fresh sessions for the clients
    if args.command == "steps":
        result = load_steps.run(users=args.users, seconds=args.seconds, workers=workers)
        result = {"name": "load", "participants": args.participants, **result}
        result["measures"] = report.load_measures(result)
        save(result)
    else:
        only = set(args.only or ["restart", "disk", "kill"])
        previous = report.previous("faults")
        result = {"name": "faults", **{k: previous.get(k) for k in ("restart", "disk", "kill")}}
        if "restart" in only:
            if not args.pg_data:
                parser.error("--pg-data (klustrets datakatalog) behövs för omstarten")
            result["restart"] = fault_scenarios.restart(
                pg_data=args.pg_data, users=args.users, workers=workers
            )
        if "kill" in only:
            result["kill"] = fault_scenarios.kill(users=args.users, workers=workers)
        if "disk" in only:
            result["disk"] = fault_scenarios.disk()
        result["measures"] = []
        save(result)
    update_readme()
    report.update_section()
    print(json.dumps(result.get("measures"), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
