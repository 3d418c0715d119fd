"""Small typed helpers that read settings from the environment.

Secrets may also come from a file named by ``<NAME>_FILE`` (container secrets).
"""

from __future__ import annotations

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


def generated_secret(var_dir: Path, file_name: str, factory) -> str:
    """Read a development secret from ``var/``, creating it on first run.

    Production sets the value in the environment; ``var/`` is never committed.
    """
    path = var_dir / file_name
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    value = factory()
    path.write_text(value + "\n", encoding="utf-8")
    path.chmod(0o600)
    return value


def new_secret_key() -> str:
    return secrets.token_urlsafe(50)


def new_fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()
