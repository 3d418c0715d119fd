"""Small typed helpers that read settings from the environment.

Secrets may also come from a file named by ``<NAME>_FILE`` (container secrets).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def env(name: str, default: str | None = None) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def envint(name: str, default: int) -> int:
    value = env(name)
    return default if value in (None, "") else int(value)


def envlist(name: str, default: list[str]) -> list[str]:
    value = env(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def postgres_options(options: dict) -> dict:
    """The connection options stegvis adds for PostgreSQL (in place; returned for convenience).

    - Prepared statements: a query a kept connection has run ``STEGVIS_DB_PREPARE_THRESHOLD``
      times (2) is prepared; after that it is neither sent as text nor, once PostgreSQL keeps a
      generic plan, planned again. Planning the scope-checked joins took 1-3 ms each, often more
      than running them. Parameters are bound on the server for this. 0 turns it off, for a
      pooler that cannot keep prepared statements (PgBouncer before 1.21, or without
      ``max_prepared_statements``).
    - No JIT compilation unless ``STEGVIS_DB_JIT`` is on: its cost model counts an EXISTS per
      row of the scope-checked lists, and compiling took half a second per query for queries
      that run in tens of milliseconds.
    """
    prepare_after = envint("STEGVIS_DB_PREPARE_THRESHOLD", 2)
    if prepare_after > 0:
        options.setdefault("server_side_binding", True)
        options.setdefault("prepare_threshold", prepare_after)
    if not envbool("STEGVIS_DB_JIT", False):
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return options


def generated_secret(var_dir: Path, file_name: str, factory) -> str:
    """Read a development secret from ``var/``, creating it on first run.

    Production sets the value in the environment; ``var/`` is never committed.
    """
    path = var_dir / file_name
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    # Processes that start together (gunicorn's workers on a first start) must not each keep
    # a key of their own: the value is written whole to a file of this process and linked
    # into place, which fails if another process got there first; then that one's is read.
    draft = var_dir / f".{file_name}.{os.getpid()}.{secrets.token_hex(4)}"
    try:
        draft.write_text(factory() + "\n", encoding="utf-8")
        draft.chmod(0o600)
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)
    return path.read_text(encoding="utf-8").strip()


def new_secret_key() -> str:
    return secrets.token_urlsafe(50)


def new_fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()
