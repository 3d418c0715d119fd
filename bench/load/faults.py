"""Faults under load, each a scripted scenario with its measured result.

1. ``restart``: PostgreSQL is stopped for a while and started again while Locust runs. Every
   request must end quickly (a Swedish 503, not a hang and not a stack trace) and the pages must
   come back by themselves; recovery is timed from the moment the database accepts
   connections again until every client's requests succeed again.
2. ``disk``: the disk fills (a small tmpfs) under ``stegvis export`` and under an import whose
   database lives on it (SQLite, and PostgreSQL through a tablespace on the tmpfs): a Swedish
   message, no file left under the export's name and no row of the import.
3. ``kill``: gunicorn workers killed with SIGKILL while they are inside a database transaction
   (found through ``pg_stat_activity`` and the worker that owns the connection): the master
   starts new workers, the other clients go on.

After 1 and 3 every attendance list sent during the run is checked in the database: the audit
entries of the request (its ``X-Request-ID``) must be none or one per place on the list.
"""

from __future__ import annotations

import csv
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

import psutil

from bench.load import harness

PG_BIN = os.environ.get("LOAD_PG_BIN", "/usr/lib/postgresql/15/bin")
SMALL = Path(tempfile.gettempdir()) / "stegvis-load-full"


# --- helpers ----------------------------------------------------------------------------------


def _as_postgres(command: list[str]) -> int:
    """pg_ctl as the cluster's owner (postgres when we are root). No pipes: the server started
    by pg_ctl would inherit them and keep them open."""
    if os.geteuid() == 0:
        command = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(command)]
    return subprocess.run(  # noqa: S603
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    ).returncode


def _server_options(pg_data: str) -> str:
    """The options the running server was started with (port, socket directory, settings),
    to start it again the same way."""
    words = shlex.split((Path(pg_data) / "postmaster.opts").read_text())
    return shlex.join(words[3:])  # after the binary, -D and the directory


def _read_events(path: Path) -> list[dict]:
    names = ["t", "method", "name", "status", "ms", "request_id", "outage", "exception", "places"]
    with path.open(newline="") as file:
        rows = [dict(zip(names, row, strict=False)) for row in csv.reader(file)]
    for row in rows:
        row["t"], row["ms"], row["status"] = float(row["t"]), float(row["ms"]), int(row["status"])
        row["ok"] = 200 <= row["status"] < 400
    return rows


def partial_writes(events: list[dict]) -> dict:
    """Every attendance list sent: its audit entries, none or one per place on the list."""
    from django.db import connection

    posts = [e for e in events if e["method"] == "POST" and e.get("request_id")]
    if not posts:
        return {"posts": 0}
    ids = [e["request_id"] for e in posts]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT request_id, COUNT(*) FROM core_auditentry "
            "WHERE request_id = ANY(%s) AND object_type LIKE %s GROUP BY request_id",
            [ids, "%attendance%"],
        )
        written = dict(cursor.fetchall())
    whole = none = partial = acknowledged_lost = 0
    examples = []
    for e in posts:
        expected = int(e.get("places") or 0)
        count = written.get(e["request_id"], 0)
        if count == 0:
            none += 1
            if e["ok"]:
                acknowledged_lost += 1
        elif count == expected:
            whole += 1
        else:
            partial += 1
            examples.append({"request_id": e["request_id"], "written": count, "of": expected})
    return {
        "posts": len(posts),
        "whole": whole,
        "nothing": none,
        "partial": partial,
        "saved_but_answered_error": sum(
            1 for e in posts if not e["ok"] and written.get(e["request_id"], 0)
        ),
        "answered_ok_but_lost": acknowledged_lost,
        "examples": examples[:5],
    }


def _durations(values: list[float]) -> dict:
    ordered = sorted(values)
    if not ordered:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "max_ms": 0.0}
    return {
        "p50_ms": ordered[int(0.5 * (len(ordered) - 1))],
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))],
        "max_ms": ordered[-1],
    }


def _timeline(events: list[dict], start: float, end: float) -> dict:
    """The requests answered between ``start`` and ``end``."""
    window = [e for e in events if start <= e["t"] < end]
    failed = [e for e in window if not e["ok"]]
    return {
        "requests": len(window),
        "failed": len(failed),
        "statuses": dict(Counter(str(e["status"] or e["exception"]) for e in window)),
        "swedish_503": sum(1 for e in window if e["status"] == 503 and e["outage"] == "swedish"),
        "other_503": sum(1 for e in window if e["status"] == 503 and e["outage"] != "swedish"),
        "status_500": sum(1 for e in window if e["status"] == 500),
        "failed_max_ms": max((e["ms"] for e in failed), default=0.0),
        "failed_p95_ms": sorted(e["ms"] for e in failed)[int(0.95 * (len(failed) - 1))]
        if failed
        else 0.0,
    }


# --- 1. PostgreSQL restarted --------------------------------------------------------------------


def restart(*, pg_data: str, users: int, workers: int, down_seconds: float = 10.0) -> dict:
    from django.db import connection

    with tempfile.TemporaryDirectory(prefix="stegvis-fault-") as folder:
        events = Path(folder) / "events.csv"
        with harness.gunicorn(workers) as (_master, url):
            process = harness.locust(
                url, users=users, seconds=75, prefix=Path(folder) / "restart", events=events
            )
            options = _server_options(pg_data)
            log = Path(tempfile.gettempdir()) / "stegvis-load-postgresql.log"
            time.sleep(25)
            stop_at = time.time()
            stopped = _as_postgres([f"{PG_BIN}/pg_ctl", "-D", pg_data, "-m", "fast", "-w", "stop"])
            down_at = time.time()
            time.sleep(down_seconds)
            start_at = time.time()
            started = _as_postgres(
                [f"{PG_BIN}/pg_ctl", "-D", pg_data, "-o", options, "-l", str(log), "-w", "start"]
            )
            up_at = time.time()
            process.communicate(timeout=200)
        rows = _read_events(events)
    connection.close()
    if stopped or started:
        raise RuntimeError(f"pg_ctl: stop {stopped}, start {started}")
    after = [e for e in rows if e["t"] >= up_at]
    failed_after = [e for e in after if not e["ok"]]
    first_ok = min((e["t"] for e in after if e["ok"]), default=None)
    recovered_at = max((e["t"] for e in failed_after), default=up_at)
    by_page = {}
    for name in sorted({e["name"] for e in rows}):
        mine = [e for e in after if e["name"] == name]
        first = min((e["t"] for e in mine if e["ok"]), default=None)
        by_page[name] = round(first - up_at, 2) if first else None
    # Fail fast: requests sent while the server was down (after the stop, before the start),
    # from the moment they were sent (their time in gunicorn's queue included).
    while_down = [e for e in rows if e["t"] - e["ms"] / 1000 >= down_at and e["t"] < start_at]
    result = {
        "users": users,
        "gunicorn_workers": workers,
        "while_down": {
            "requests": len(while_down),
            "swedish_503": sum(1 for e in while_down if e["outage"] == "swedish"),
            **_durations([e["ms"] for e in while_down]),
        },
        "stop_s": round(down_at - stop_at, 2),
        "down_s": round(start_at - down_at, 2),
        "start_s": round(up_at - start_at, 2),
        "outage": _timeline(rows, stop_at, up_at),
        "first_success_after_up_s": round(first_ok - up_at, 2) if first_ok else None,
        "recovery_s": round(recovered_at - up_at, 2),
        "failed_after_up": len(failed_after),
        "first_success_per_page_s": by_page,
        "before": _timeline(rows, stop_at - 20, stop_at),
        "after": _timeline(rows, up_at, up_at + 30),
        "writes": partial_writes(rows),
    }
    print("omstart:", result, flush=True)
    return result


# --- 3. A worker killed --------------------------------------------------------------------------


def _worker_in_transaction(master) -> tuple[int, str, str] | None:
    """A gunicorn worker whose database connection is inside a transaction (preferably a
    write), found by the client port in ``pg_stat_activity``."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_port, state, left(query, 60) FROM pg_stat_activity "
            "WHERE datname = current_database() AND backend_type = 'client backend' "
            "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL "
            "ORDER BY (query ILIKE 'INSERT%%' OR query ILIKE 'UPDATE%%') DESC"
        )
        rows = cursor.fetchall()
    owners = {}
    for pid in harness.worker_pids(master):
        try:
            for conn in psutil.Process(pid).net_connections(kind="tcp"):
                if conn.laddr:
                    owners[conn.laddr.port] = pid
        except psutil.NoSuchProcess:
            continue
    for port, state, query in rows:
        if port in owners:
            return owners[port], state, query
    return None


def kill(*, users: int, workers: int, kills: int = 6, every: float = 5.0) -> dict:
    killed = []
    with tempfile.TemporaryDirectory(prefix="stegvis-fault-") as folder:
        events = Path(folder) / "events.csv"
        with harness.gunicorn(workers) as (master, url):
            process = harness.locust(
                url,
                users=users,
                seconds=30 + int(kills * every) + 15,
                prefix=Path(folder) / "k",
                events=events,
            )
            time.sleep(20)
            for _ in range(kills):
                deadline = time.monotonic() + every
                target = None
                while target is None and time.monotonic() < deadline:
                    target = _worker_in_transaction(master)
                    if target is None:
                        time.sleep(0.01)
                if target is None:
                    continue
                pid, state, query = target
                at = time.time()
                os.kill(pid, signal.SIGKILL)
                replaced = None
                while time.monotonic() < deadline + 30:
                    current = harness.worker_pids(master)
                    if pid not in current and len(current) >= workers:
                        replaced = time.time() - at
                        break
                    time.sleep(0.05)
                killed.append(
                    {
                        "t": at,
                        "pid": pid,
                        "state": state,
                        "query": query,
                        "replaced_after_s": round(replaced, 2) if replaced else None,
                    }
                )
                time.sleep(max(0.0, deadline - time.monotonic()))
            process.communicate(timeout=200)
            workers_after = len(harness.worker_pids(master))
        rows = _read_events(events)
    first, last = (killed[0]["t"], killed[-1]["t"]) if killed else (0, 0)
    during = _timeline(rows, first, last + 2)
    result = {
        "users": users,
        "gunicorn_workers": workers,
        "kills": killed,
        "workers_after": workers_after,
        "during": during,
        "failed_reasons": dict(
            Counter(
                e["exception"] or str(e["status"]) for e in rows if not e["ok"] and first <= e["t"]
            )
        ),
        "before": _timeline(rows, first - 15, first),
        "writes": partial_writes(rows),
    }
    print("avdödad worker:", result, flush=True)
    return result


# --- 2. The disk fills ---------------------------------------------------------------------------


def _mount(size: str) -> Path:
    SMALL.mkdir(exist_ok=True)
    _unmount()
    subprocess.run(  # noqa: S603
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(SMALL)],  # noqa: S607
        check=True,
    )
    return SMALL


def _unmount() -> None:
    subprocess.run(["umount", str(SMALL)], capture_output=True, check=False)  # noqa: S603, S607


def _stegvis(args: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "stegvis.cli", *args],
        capture_output=True,
        text=True,
        cwd=harness.ROOT,
        env={**os.environ, **(env or {})},
        check=False,
    )


def _clean(result: subprocess.CompletedProcess) -> dict:
    text = result.stderr.strip()
    return {
        "exit_code": result.returncode,
        "message": text.splitlines()[-1] if text else "",
        "traceback": "Traceback" in text,
    }


def disk_export() -> dict:
    """``stegvis export`` of a small federation onto a tmpfs too small for the zip."""
    from bench.generate import generate
    from stegvis.core.models import Federation

    slug = "bench-load-export"
    if not Federation.objects.filter(slug=slug).exists():
        generate(slug=slug, enrolments=5000)
    folder = _mount("64k")
    try:
        target = folder / "export.zip"
        full = _clean(_stegvis(["export", "--federation", slug, "--output", str(target)]))
        left = sorted(p.name for p in folder.iterdir())
        _mount("64m")
        control = _stegvis(["export", "--federation", slug, "--output", str(target)])
        with zipfile.ZipFile(target) as archive:
            complete = archive.testzip() is None and "manifest.json" in archive.namelist()
        size = target.stat().st_size
    finally:
        _unmount()
    return {
        "tmpfs": "64 KiB",
        "full": full,
        "files_left": left,
        "control": {"exit_code": control.returncode, "zip_bytes": size, "complete": complete},
    }


def _import_csv(rows: int) -> str:
    from bench.bench_import import make_csv

    return make_csv(rows, seed=11)


def _fill(folder: Path, leave: int) -> None:
    """Fill the file system until ``leave`` bytes are free."""
    free = shutil.disk_usage(folder).free - leave
    with (folder / "fyllnad").open("wb") as file:
        while free > 0:
            chunk = min(free, 1 << 20)
            file.write(b"\0" * chunk)
            free -= chunk


def _count(env: dict, sql: str) -> int:
    code = (
        "from django.db import connection\n"
        f"c = connection.cursor(); c.execute({sql!r}); print(c.fetchone()[0])"
    )
    out = _stegvis(["shell", "-c", code], env)
    return int(out.stdout.strip().splitlines()[-1])


def disk_import_sqlite(rows: int = 20_000) -> dict:
    """An enrolment import into a SQLite database on a tmpfs that fills during the import."""
    folder = _mount("48m")
    try:
        env = {"DATABASE_URL": f"sqlite:///{folder}/stegvis.sqlite3", "STEGVIS_HTTPS": "0"}
        return _disk_import(folder, env, rows, leave=256 * 1024)
    finally:
        _unmount()


def disk_import_postgresql(rows: int = 20_000) -> dict:
    """The same import into a PostgreSQL database whose tablespace is on the tmpfs."""
    from django.db import connection

    folder = _mount("96m")
    space = folder / "pg"
    space.mkdir()
    shutil.chown(space, "postgres", "postgres")
    with connection.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS stegvis_full")
        cursor.execute("DROP TABLESPACE IF EXISTS stegvis_full")
        cursor.execute(f"CREATE TABLESPACE stegvis_full LOCATION '{space}'")
        cursor.execute("CREATE DATABASE stegvis_full TABLESPACE stegvis_full")
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/stegvis_full"
    try:
        return _disk_import(folder, {"DATABASE_URL": url, "STEGVIS_HTTPS": "0"}, rows, leave=0)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP DATABASE IF EXISTS stegvis_full")
            cursor.execute("DROP TABLESPACE IF EXISTS stegvis_full")
        _unmount()


def _disk_import(folder: Path, env: dict, rows: int, *, leave: int) -> dict:
    setup = [
        ["migrate", "-v0"],
        ["create-federation", "full", "--name", "Fullt förbund"],
    ]
    for args in setup:
        done = _stegvis(args, env)
        if done.returncode:
            raise RuntimeError(done.stderr[-2000:])
    data = Path(tempfile.mkdtemp(prefix="stegvis-import-")) / "deltaganden.csv"
    data.write_text(_import_csv(rows))
    before = _count(env, "SELECT COUNT(*) FROM participants_enrolment")
    _fill(folder, leave)
    started = time.perf_counter()
    command = [
        "import-data",
        "enrolments",
        str(data),
        "--federation",
        "full",
        "--intervention",
        "FULL-1",
        "--create-intervention",
    ]
    full = _clean(_stegvis(command, env))
    seconds = time.perf_counter() - started
    (folder / "fyllnad").unlink()
    after = _count(env, "SELECT COUNT(*) FROM participants_enrolment")
    people = _count(env, "SELECT COUNT(*) FROM participants_participant")
    control = _stegvis(command, env)
    imported = _count(env, "SELECT COUNT(*) FROM participants_enrolment")
    shutil.rmtree(data.parent)
    return {
        "rows": rows,
        "full": full,
        "seconds_to_fail": round(seconds, 1),
        "enrolments_before": before,
        "enrolments_after_failure": after,
        "participants_after_failure": people,
        "control": {"exit_code": control.returncode, "enrolments": imported},
    }


def disk() -> dict:
    result = {"export": disk_export(), "import_sqlite": disk_import_sqlite()}
    from django.db import connection

    if connection.vendor == "postgresql":
        result["import_postgresql"] = disk_import_postgresql()
    print("full disk:", result, flush=True)
    return result
