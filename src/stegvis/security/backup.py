"""Backup and restore of the database, and re-encryption after a key change.

SQLite is copied with its online backup API (a consistent copy while the service runs);
PostgreSQL with ``pg_dump --format=custom`` and ``pg_restore``, the password passed in the
environment, never on the command line. A backup holds the database only: the keys live
elsewhere (environment, secret store or ``var/``) and are never written into it, so a stolen
backup shows encrypted personnummer only. docs/operations.md describes the routine.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import connections, transaction

from stegvis.core.fields import EncryptedTextField
from stegvis.core.tenancy import unscoped
from stegvis.security.files import owner_only


class BackupError(RuntimeError):
    pass


def _connection():
    return connections["default"]


def vendor() -> str:
    return _connection().vendor


def default_name(stamp: str) -> str:
    return f"stegvis-{stamp}.{'sqlite3' if vendor() == 'sqlite' else 'dump'}"


# --- backup ---------------------------------------------------------------------------------


def backup(output: Path) -> Path:
    """Write a backup of the whole database to ``output`` (owner-only)."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.exists():
        raise BackupError(f"{output} finns redan; välj ett nytt filnamn.")
    if vendor() == "sqlite":
        _sqlite_backup(output)
    elif vendor() == "postgresql":
        _run(_pg_dump_command(output))
        owner_only(output)
    else:
        raise BackupError(f"Säkerhetskopiering stöds inte för databasen {vendor()}.")
    return output


def _sqlite_backup(output: Path) -> None:
    connection = _connection()
    connection.ensure_connection()
    partial = output.with_name(output.name + ".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
            _check_sqlite(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            target.close()
        partial.replace(output)
    except Exception:
        partial.unlink(missing_ok=True)
        raise


def _check_sqlite(db: sqlite3.Connection) -> None:
    result = db.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"Databaskopian är skadad: {result}")
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "django_migrations" not in tables:
        raise BackupError("Filen är ingen stegvis-databas (tabellen django_migrations saknas).")


# --- restore --------------------------------------------------------------------------------


def restore(source: Path) -> None:
    """Replace the whole database with the backup in ``source``."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"Filen {source} finns inte.")
    if vendor() == "sqlite":
        _sqlite_restore(source)
    elif vendor() == "postgresql":
        with source.open("rb") as file:
            if file.read(5) != b"PGDMP":
                raise BackupError(
                    f"{source} är ingen säkerhetskopia av stegvis (inte från pg_dump "
                    "--format=custom)."
                )
        _run(_pg_restore_command(source))
    else:
        raise BackupError(f"Återläsning stöds inte för databasen {vendor()}.")


def _sqlite_restore(source: Path) -> None:
    try:
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{source} kan inte läsas som en SQLite-databas.") from exc
    try:
        try:
            _check_sqlite(backup_db)
        except sqlite3.DatabaseError as exc:
            raise BackupError(
                f"{source} är ingen säkerhetskopia av stegvis (ingen SQLite-databas)."
            ) from exc
        connection = _connection()
        if connection.in_atomic_block:
            raise BackupError("Återläsning kan inte göras inuti en transaktion.")
        connection.close()
        connection.ensure_connection()
        backup_db.backup(connection.connection)
    finally:
        backup_db.close()
    connection.close()


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_settings() -> tuple[list[str], dict[str, str]]:
    """Connection options for the command line, and the environment with the password."""
    db = _connection().settings_dict
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _pg_dump_command(output: Path) -> tuple[list[str], dict[str, str]]:
    args, env = _pg_settings()
    name = str(_connection().settings_dict["NAME"])
    return ["pg_dump", "--format=custom", "--no-owner", *args, "--file", str(output), name], env


def _pg_restore_command(source: Path) -> tuple[list[str], dict[str, str]]:
    args, env = _pg_settings()
    name = str(_connection().settings_dict["NAME"])
    command = [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        *args,
        "--dbname",
        name,
        str(source),
    ]
    return command, env


def _run(command: tuple[list[str], dict[str, str]]) -> None:
    argv, env = command
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{argv[0]} saknas; installera PostgreSQL-klienten (postgresql-client).")
    _connection().close()
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} misslyckades: {result.stderr.strip()[:500]}")


# --- key rotation ---------------------------------------------------------------------------


def encrypted_fields():
    """(model, [field names]) for every table with encrypted columns."""
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


def reencrypt(*, batch: int = 500) -> dict[str, int]:
    """Read every encrypted value (any configured key) and write it with the first key.

    Rotation: put the new key first in ``STEGVIS_FIELD_ENCRYPTION_KEY`` and keep the old one
    after it, run this, then remove the old key."""
    counts: dict[str, int] = {}
    with unscoped():
        for model, names in encrypted_fields():
            manager = model._base_manager
            done = 0
            last = 0
            while True:
                rows = list(manager.filter(pk__gt=last).order_by("pk").only("pk", *names)[:batch])
                if not rows:
                    break
                with transaction.atomic():
                    manager.bulk_update(rows, names)
                done += len(rows)
                last = rows[-1].pk
            counts[model._meta.label_lower] = done
    return counts
