"""Progress of a running job, kept outside the database.

The import writes inside one transaction (all or nothing), so progress written to the database
would stay invisible until the end. A small file under ``var/imports`` is visible at once to
every worker on the machine (see docs/scaling.md for a task queue across machines).
"""

from __future__ import annotations

import json
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
    tmp.replace(path)


def read(job_id: int) -> dict:
    try:
        return json.loads(_path(job_id).read_text())
    except (OSError, ValueError):
        return {"phase": "", "done": 0, "total": 0}


def clear(job_id: int) -> None:
    _path(job_id).unlink(missing_ok=True)
