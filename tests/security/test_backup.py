"""Backup, the restore drill of docs/operations.md, and key rotation."""

from __future__ import annotations

import io
import stat
from datetime import date

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from stegvis.core.crypto import DecryptionError
from stegvis.core.models import AuditEntry
from stegvis.core.tenancy import unscoped
from stegvis.participants.models import Participant
from stegvis.security import backup


def _people_and_log():
    with unscoped():
        people = {p.pk: p.personal_number for p in Participant.objects.all()}
        entries = set(AuditEntry.objects.values_list("pk", "action", "object_type", "object_id"))
    return people, entries


@pytest.mark.django_db(transaction=True)
def test_restore_drill(federation, intervention, register, enrol, tmp_path):
    """Back up, destroy, restore: every participant and every audit entry is back."""
    for born in (date(1980, 3, 1), date(1991, 7, 12), date(2001, 11, 30)):
        person = register(intervention, born=born)
        enrol(person, intervention, date(2025, 1, 7))
    people, entries = _people_and_log()
    assert len(people) == 3
    assert len(entries) >= 6

    copy = tmp_path / "kopia.sqlite3"
    call_command("backup", str(copy), stdout=io.StringIO())
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    data = copy.read_bytes()
    for secret in (settings.FIELD_ENCRYPTION_KEY, settings.LOOKUP_HMAC_KEY, settings.SECRET_KEY):
        assert secret.encode() not in data
    for number in people.values():
        assert number.encode() not in data  # encrypted at rest, also in the copy

    call_command("flush", "--noinput")
    assert _people_and_log() == ({}, set())

    out = io.StringIO()
    call_command("restore", str(copy), stdout=out)
    assert "3 deltagare" in out.getvalue()
    assert _people_and_log() == (people, entries)


@pytest.mark.django_db(transaction=True)
def test_backup_never_overwrites_and_restore_refuses_other_files(tmp_path, federation):
    copy = tmp_path / "kopia.sqlite3"
    call_command("backup", "--output", str(copy), stdout=io.StringIO())
    with pytest.raises(CommandError, match="finns redan"):
        call_command("backup", "--output", str(copy), stdout=io.StringIO())
    junk = tmp_path / "skrap.sqlite3"
    junk.write_bytes(b"inte en databas" * 100)
    with pytest.raises(CommandError, match="ingen säkerhetskopia av stegvis"):
        call_command("restore", str(junk), stdout=io.StringIO())
    with pytest.raises(CommandError, match="finns inte"):
        call_command("restore", str(tmp_path / "saknas.sqlite3"), stdout=io.StringIO())
    with unscoped():
        assert federation.__class__.objects.filter(pk=federation.pk).exists()  # left as it was


class FakePostgres:
    vendor = "postgresql"
    settings_dict = {
        "NAME": "stegvis",
        "HOST": "db.internal",
        "PORT": "5432",
        "USER": "stegvis",
        "PASSWORD": "hemligt-losenord",
    }

    def close(self):
        pass


def test_postgresql_backup_and_restore_wrap_pg_dump_and_pg_restore(monkeypatch, tmp_path):
    monkeypatch.setattr(backup, "_connection", FakePostgres)
    calls = []

    def run(argv, env, **kwargs):
        calls.append((argv, env))
        if argv[0] == "pg_dump":
            (tmp_path / "k.dump").write_bytes(b"PGDMP")

        class Done:
            returncode = 0
            stderr = ""

        return Done()

    monkeypatch.setattr(backup.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backup.subprocess, "run", run)
    backup.backup(tmp_path / "k.dump")
    backup.restore(tmp_path / "k.dump")
    (dump, _), (restore, _) = calls
    assert dump[:3] == ["pg_dump", "--format=custom", "--no-owner"]
    assert dump[-3:] == ["--file", str(tmp_path / "k.dump"), "stegvis"]
    assert restore[0] == "pg_restore"
    assert {"--clean", "--if-exists", "--single-transaction"} <= set(restore)
    assert restore[-3:] == ["--dbname", "stegvis", str(tmp_path / "k.dump")]
    for argv, env in calls:
        assert "hemligt-losenord" not in " ".join(argv)
        assert env["PGPASSWORD"] == "hemligt-losenord"
        assert argv[argv.index("--host") : argv.index("--host") + 2] == ["--host", "db.internal"]
    assert stat.S_IMODE((tmp_path / "k.dump").stat().st_mode) == 0o600


@pytest.mark.django_db
def test_reencrypt_rewrites_everything_with_the_new_key(
    settings,
    federation,
    intervention,
    register,
):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = old
    person = register(intervention)
    number = person.personal_number

    def stored():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT personal_number FROM participants_participant WHERE id = %s", [person.pk]
            )
            return cursor.fetchone()[0]

    before = stored()
    settings.FIELD_ENCRYPTION_KEY = f"{new},{old}"
    out = io.StringIO()
    call_command("reencrypt", "--format", "json", stdout=out)
    assert '"participants.participant": 1' in out.getvalue()
    assert stored() != before
    settings.FIELD_ENCRYPTION_KEY = new  # the old key is gone
    with unscoped():
        assert Participant.objects.get(pk=person.pk).personal_number == number
    settings.FIELD_ENCRYPTION_KEY = old
    with unscoped(), pytest.raises(DecryptionError):
        Participant.objects.get(pk=person.pk)


@pytest.mark.django_db
def test_reencrypt_without_the_old_key_stops_with_a_message(
    settings, federation, intervention, register
):
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    register(intervention)
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(CommandError, match="gamla nyckeln"):
        call_command("reencrypt", stdout=io.StringIO())
