"""Shared helpers: machine description, result files and the README table."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
import subprocess
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results"
DATA = BENCH_DIR / "data"


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "system": platform.platform(terse=True),
    }


def database_label() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return "postgresql" if url.startswith(("postgres", "postgresql")) else "sqlite"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def number(value: float, decimals: int = 0) -> str:
    """Swedish thousands separator: 1 000 000."""
    return f"{value:,.{decimals}f}".replace(",", "\u00a0")


def median(values: list[float]) -> float:
    return statistics.median(values)


def save(result: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    from django.db import connection

    result = {
        **result,
        "database": database_label(),
        "database_version": ".".join(map(str, connection.get_database_version())),
        "machine": machine(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with contextlib.suppress(OSError):
        result["commit"] = _commit()
    path = RESULTS / f"{result['name']}-{result['database']}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return path


def _git(*args: str) -> str:
    return subprocess.run(  # noqa: S603 - git with arguments written in this module
        ["git", *args],  # noqa: S607 - git from PATH on purpose
        capture_output=True,
        text=True,
        cwd=BENCH_DIR.parent,  # pathspecs from the repository's root
        check=False,
    ).stdout.strip()


def _commit() -> str:
    """The commit measured; "+ändrad" when the product or the benchmarks differ from it
    (uncommitted changes), so that a result is never credited to code it did not run."""
    commit = _git("rev-parse", "--short", "HEAD")
    changed = _git(
        "status", "--porcelain", "--", "src", "bench", ":!bench/results", ":!bench/README.md"
    )
    return f"{commit}+ändrad" if commit and changed else commit


def update_readme() -> None:
    """Rewrite the results table between the markers in bench/README.md."""
    readme = BENCH_DIR / "README.md"
    text = readme.read_text()
    start, end = "<!-- results:start -->", "<!-- results:end -->"
    rows = [
        "| benchmark | database | measure | stegvis | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    machines, databases = set(), set()
    for path in sorted(RESULTS.glob("*.json")):
        r = json.loads(path.read_text())
        if r.get("database_version"):
            databases.add(f"{r['database']} {r['database_version']}")
        machines.add(
            f"{r['machine']['cpu']}, {r['machine']['cores']} cores, "
            f"{r['machine']['memory']}, Python {r['machine']['python']}"
        )
        for m in r["measures"]:
            rows.append(
                f"| {r['name']} | {r['database']} | {m['measure']} | {m['subject']} | "
                f"{m['baseline']} | {m['ratio']:.2f}× | {m['target']} | "
                f"{'–' if m['target'] == '–' else 'ja' if m['met'] else 'nej'} |"
            )
    body = "\n".join(rows) + "\n\nMeasured on: " + "; ".join(sorted(machines))
    if databases:
        body += " (" + ", ".join(sorted(databases)) + ")"
    body += "\n"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    readme.write_text(f"{head}{start}\n{body}{end}{tail}")
