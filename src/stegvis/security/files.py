"""Files that hold personal data or keys are readable by their owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

OWNER_ONLY = 0o600


def owner_only(path: Path | str) -> None:
    """Make an existing file readable and writable by its owner only."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode != OWNER_ONLY:
            os.chmod(path, OWNER_ONLY)
    except FileNotFoundError:
        pass


def owner_only_sqlite(sender, connection, **kwargs) -> None:
    """On every new SQLite connection: the database file and its WAL files owner-only.

    SQLite creates the file with the process's umask (usually world-readable) and gives its
    WAL files the database file's mode, so the first connection fixes all three."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        owner_only(name + suffix)
