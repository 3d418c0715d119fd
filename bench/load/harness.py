"""Gunicorn, Locust and the measurements around them, shared by the load steps and the faults."""

from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from contextlib import contextmanager, suppress
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load.settings",
        "STEGVIS_HTTPS": "0",
        "PYTHONPATH": str(ROOT),
    }


def workers_default() -> int:
    return (os.cpu_count() or 2) * 2 + 1


@contextmanager
def gunicorn(workers: int, *, timeout: int = 30):
    """The product served as in docs/operations.md: gunicorn with sync workers."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "stegvis.wsgi:application",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            str(timeout),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_env(),
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn startade inte")
        yield process, url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def worker_pids(master: subprocess.Popen) -> list[int]:
    try:
        return [c.pid for c in psutil.Process(master.pid).children()]
    except psutil.NoSuchProcess:
        return []


def locust(url: str, *, users: int, seconds: int, prefix: Path, events: Path | None = None):
    """Start headless Locust; returns the process (wait for it to finish)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if events is not None:
        env["LOAD_EVENTS"] = str(events)
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 2)),
            "-t",
            f"{seconds}s",
            "--reset-stats",
            "--stop-timeout",
            "5",
            "--csv",
            str(prefix),
            "--host",
            url,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _ms(value: str) -> float:
    """Locust writes N/A for a percentile without requests."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def read_stats(prefix: Path) -> dict:
    """Locust's CSV: per request name and the aggregate (count, failures, req/s, p50, p95)."""
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as file:
        for row in csv.DictReader(file):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": _ms(row["Requests/s"]),
                "p50_ms": _ms(row["50%"]),
                "p95_ms": _ms(row["95%"]),
                "max_ms": _ms(row["Max Response Time"]),
            }
    failures = []
    path = Path(f"{prefix}_failures.csv")
    if path.exists():
        with path.open(newline="") as file:
            failures = [
                {"name": r["Name"], "error": r["Error"], "count": int(r["Occurrences"])}
                for r in csv.DictReader(file)
            ]
    return {"aggregate": rows.pop("Aggregated"), "pages": rows, "failures": failures}


class Sampler(threading.Thread):
    """Once a second: CPU per group of processes (gunicorn workers, PostgreSQL backends, Locust,
    everything else on the machine) in cores, and the database's connections by state and what
    they wait for (``pg_stat_activity``)."""

    def __init__(self, master: subprocess.Popen, locust_process=None, interval: float = 1.0):
        super().__init__(daemon=True)
        self.master, self.locust_process, self.interval = master, locust_process, interval
        self.stop = threading.Event()
        self.samples: list[dict] = []

    def _groups(self) -> dict[str, list[psutil.Process]]:
        groups: dict[str, list[psutil.Process]] = defaultdict(list)
        try:
            master = psutil.Process(self.master.pid)
            groups["gunicorn"] = [master, *master.children()]
        except psutil.NoSuchProcess:
            pass
        if self.locust_process is not None:
            with suppress(psutil.NoSuchProcess):
                groups["locust"] = [psutil.Process(self.locust_process.pid)]
        for pid in self._backend_pids:
            with suppress(psutil.NoSuchProcess):
                groups["postgres"].append(psutil.Process(pid))
        return groups

    def _database(self) -> dict:
        from django.db import connection

        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid, state, wait_event_type, wait_event, "
                    "now() - xact_start FROM pg_stat_activity "
                    "WHERE datname = current_database() AND backend_type = 'client backend' "
                    "AND pid <> pg_backend_pid()"
                )
                rows = cursor.fetchall()
        except Exception:
            connection.close()
            self._backend_pids = []
            return {"reachable": False}
        self._backend_pids = [r[0] for r in rows]
        states = defaultdict(int)
        waits = defaultdict(int)
        for _pid, state, wait_type, wait, _age in rows:
            states[state or "?"] += 1
            if wait_type and wait_type not in ("Client", "Activity"):
                waits[f"{wait_type}:{wait}"] += 1
        longest = max((r[4].total_seconds() for r in rows if r[4] is not None), default=0.0)
        return {
            "reachable": True,
            "connections": len(rows),
            "states": dict(states),
            "waits": dict(waits),
            "longest_transaction_s": round(longest, 3),
        }

    @staticmethod
    def _cpu(process: psutil.Process) -> float:
        try:
            times = process.cpu_times()
            return times.user + times.system
        except psutil.NoSuchProcess:
            return 0.0

    def run(self) -> None:
        self._backend_pids: list[int] = []
        previous: dict[tuple[str, int], float] = {}
        machine = psutil.cpu_times()
        last = time.monotonic()
        while not self.stop.wait(self.interval):
            now = time.monotonic()
            database = self._database()
            current: dict[tuple[str, int], float] = {}
            used: dict[str, float] = defaultdict(float)
            for group, processes in self._groups().items():
                for process in processes:
                    key = (group, process.pid)
                    current[key] = self._cpu(process)
                    if key in previous:
                        used[group] += max(0.0, current[key] - previous[key])
            previous = current
            machine_now = psutil.cpu_times()
            busy = (machine_now.user + machine_now.system + machine_now.nice) - (
                machine.user + machine.system + machine.nice
            )
            machine = machine_now
            elapsed = now - last
            last = now
            cores = {g: round(v / elapsed, 3) for g, v in used.items()}
            cores["machine"] = round(busy / elapsed, 3)
            cores["other"] = round(max(0.0, cores["machine"] - sum(used.values()) / elapsed), 3)
            self.samples.append({"t": time.time(), "cores": cores, "database": database})

    def summary(self) -> dict:
        """Means of CPU (cores) and the peaks of the database's connections and waits."""
        samples = self.samples[2:] or self.samples  # skip the ramp-up
        if not samples:
            return {}
        groups = {k for s in samples for k in s["cores"]}
        cpu = {
            g: round(sum(s["cores"].get(g, 0) for s in samples) / len(samples), 2) for g in groups
        }
        reachable = [s["database"] for s in samples if s["database"].get("reachable")]
        waits: dict[str, int] = defaultdict(int)
        for d in reachable:
            for k, v in d["waits"].items():
                waits[k] = max(waits[k], v)
        return {
            "cpu_cores": cpu,
            "connections_max": max((d["connections"] for d in reachable), default=0),
            "active_max": max((d["states"].get("active", 0) for d in reachable), default=0),
            "idle_in_transaction_max": max(
                (d["states"].get("idle in transaction", 0) for d in reachable), default=0
            ),
            "waits_max": dict(waits),
            "longest_transaction_s": max(
                (d["longest_transaction_s"] for d in reachable), default=0.0
            ),
        }
