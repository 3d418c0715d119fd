"""Progress of a running job, kept outside the database.

The import writes inside one transaction (all or nothing), so progress written to the database
would stay invisible until the end. A small file under ``var/imports`` is visible at once to
every worker on the machine (see docs/scaling.md for a task queue across machines).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.conf import settings


def _path(job_id: int) -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{job_id}.json"


def write(job_id: int, *, phase: str, done: int, total: int) -> None:
    path = _path(job_id)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"phase": phase, "done": done, "total": total}))
    tmp.chmod(0o600)
    tmp.replace(path)


def read(job_id: int) -> dict:
    try:
        state = json.loads(_path(job_id).read_text())
    except (OSError, ValueError):
        state = {"phase": "", "done": 0, "total": 0}
    total, done = state.get("total") or 0, state.get("done") or 0
    state["percent"] = min(100, done * 100 // total) if total else 0
    return state


def age(job_id: int) -> float:
    """Seconds since the progress last moved (0 when there is no file yet)."""
    try:
        return time.time() - _path(job_id).stat().st_mtime
    except OSError:
        return 0.0


def clear(job_id: int) -> None:
    _path(job_id).unlink(missing_ok=True)


def remove_finished(*, keep: set[int], older_than) -> int:
    """Delete progress files of jobs not in ``keep`` that have not moved for ``older_than``."""
    folder = Path(settings.VAR_DIR) / "imports"
    if not folder.is_dir():
        return 0
    limit = time.time() - older_than.total_seconds()
    removed = 0
    for path in folder.glob("*.json"):
        try:
            job_id = int(path.stem)
            if job_id not in keep and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except (ValueError, OSError):
            continue
    return removed
