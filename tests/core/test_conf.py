"""Settings read from the environment: generated development secrets and PostgreSQL options."""

from __future__ import annotations

import stat

import pytest
from django.db import connection

from stegvis.conf import generated_secret, postgres_options


def test_generated_secret_is_created_once_and_private(tmp_path):
    values = iter(["första", "andra"])
    first = generated_secret(tmp_path, "secret_key", lambda: next(values))
    again = generated_secret(tmp_path, "secret_key", lambda: next(values))
    assert first == again == "första"
    path = tmp_path / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no draft left behind


def test_generated_secret_keeps_the_value_of_a_process_that_wrote_first(tmp_path):
    """Another process writes the file after this one looked for it: both end with its value."""

    def factory():
        (tmp_path / "field_encryption_key").write_text("deras\n", encoding="utf-8")
        return "vår"

    assert generated_secret(tmp_path, "field_encryption_key", factory) == "deras"
    assert [p.name for p in tmp_path.iterdir()] == ["field_encryption_key"]


def test_postgres_options_prepare_and_no_jit_by_default(monkeypatch):
    monkeypatch.delenv("STEGVIS_DB_PREPARE_THRESHOLD", raising=False)
    monkeypatch.delenv("STEGVIS_DB_JIT", raising=False)
    options = postgres_options({"connect_timeout": 5, "options": "-c statement_timeout=0"})
    assert options == {
        "connect_timeout": 5,
        "server_side_binding": True,
        "prepare_threshold": 2,
        "options": "-c statement_timeout=0 -c jit=off",
    }


def test_postgres_options_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("STEGVIS_DB_PREPARE_THRESHOLD", "0")
    monkeypatch.setenv("STEGVIS_DB_JIT", "1")
    assert postgres_options({"connect_timeout": 5}) == {"connect_timeout": 5}


@pytest.mark.django_db
def test_postgresql_connection_prepares_repeated_queries_and_has_no_jit():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (CI runs the suite on both databases)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        for _ in range(3):
            cursor.execute("SELECT %s::int + 1 AS stegvis_prepared_probe", [41])
            assert cursor.fetchone()[0] == 42
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%stegvis_prepared_probe%"],
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_sqlite_connection_caches_pages_and_sorts_large_groupings_in_two_threads():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only (CI runs the suite on both databases)")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -65536
        cursor.execute("PRAGMA threads")
        assert cursor.fetchone()[0] == 2
