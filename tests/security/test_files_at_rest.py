"""Uploaded import files: encrypted at rest, removed within a day by ``stegvis cleanup``;
the SQLite database and the files under var/ readable by their owner only."""

from __future__ import annotations

import io
import json
import os
import stat
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.utils import timezone

from stegvis.core.models import LoginFailure
from stegvis.core.tenancy import federation_scope
from stegvis.imports import progress, services
from stegvis.imports.models import ImportJob
from tests.imports.test_large_file import enrolments_csv

pytestmark = pytest.mark.django_db

FILE = enrolments_csv(1).decode()
NUMBER = FILE.splitlines()[1].split(",")[0]


@pytest.fixture(autouse=True)
def _inline(settings, tmp_path):
    settings.IMPORTS_IN_BACKGROUND = False
    settings.VAR_DIR = tmp_path


def upload(federation, membership, intervention) -> ImportJob:
    with federation_scope(federation):
        job = services.job_create(
            actor=membership.user,
            membership=membership,
            kind="enrolments",
            options={"intervention": intervention.pk},
            file_name="deltagare.csv",
            text=FILE,
        )
        job.refresh_from_db()
        return job


def raw(job: ImportJob) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT content, preview FROM imports_importjob WHERE id = %s", [job.pk])
        return cursor.fetchone()


def test_the_file_and_its_preview_are_encrypted_at_rest(federation, admin, intervention):
    job = upload(federation, admin, intervention)
    assert job.status == ImportJob.Status.VALID
    assert NUMBER in job.content
    assert any(NUMBER in cell for row in job.preview for cell in row)
    content, preview = raw(job)
    for stored in (content, preview):
        assert stored.startswith("v2:")
        assert NUMBER not in stored
        assert NUMBER.replace("-", "")[:8] not in stored


def test_cleanup_forgets_files_never_imported_within_a_day(
    federation, other_federation, admin, outsider, intervention
):
    old = upload(federation, admin, intervention)
    fresh = upload(federation, admin, intervention)
    with federation_scope(other_federation):
        from stegvis.interventions.models import Intervention

        theirs = Intervention.objects.create(code="B-1", name="Beta")
    other = upload(other_federation, outsider, theirs)
    now = timezone.now()
    ImportJob._base_manager.filter(pk__in=[old.pk, other.pk]).update(
        created_at=now - timedelta(hours=23, minutes=1)
    )
    ImportJob._base_manager.filter(pk=fresh.pk).update(created_at=now - timedelta(hours=22))
    out = io.StringIO()
    call_command("cleanup", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["import_files"] == 2
    for job, federation_of in ((old, federation), (other, other_federation)):
        with federation_scope(federation_of):
            job.refresh_from_db()
        assert job.status == ImportJob.Status.FAILED
        assert job.content == ""
        assert job.preview == []
        assert job.errors == [services.FORGOTTEN]
        assert NUMBER not in "".join(raw(job))
    with federation_scope(federation):
        fresh.refresh_from_db()
    assert fresh.status == ImportJob.Status.VALID
    assert NUMBER in fresh.content


def test_cleanup_removes_old_progress_files_and_login_failures(settings, federation, admin):
    progress.write(991, phase="done", done=1, total=1)
    progress.write(992, phase="done", done=1, total=1)
    stale = timezone.now().timestamp() - timedelta(hours=24).total_seconds()
    path = settings.VAR_DIR / "imports" / "991.json"
    os.utime(path, (stale, stale))
    LoginFailure.objects.create(username="x", time=timezone.now() - timedelta(days=1))
    LoginFailure.objects.create(username="y")
    call_command("cleanup", stdout=io.StringIO())
    assert not path.exists()
    assert (settings.VAR_DIR / "imports" / "992.json").exists()
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["y"]


def test_progress_files_are_owner_only(settings):
    progress.write(7, phase="validating", done=0, total=1)
    mode = stat.S_IMODE((settings.VAR_DIR / "imports" / "7.json").stat().st_mode)
    assert mode == 0o600


def test_a_new_sqlite_database_is_owner_only(tmp_path):
    path = tmp_path / "ny.sqlite3"
    probe = DatabaseWrapper({**connection.settings_dict, "NAME": str(path)}, alias="probe")
    if connection.vendor != "sqlite":
        probe = DatabaseWrapper(
            {
                **connection.settings_dict,
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(path),
                "OPTIONS": {},
            },
            alias="probe",
        )
    old = os.umask(0o022)
    try:
        probe.ensure_connection()
        with probe.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("CREATE TABLE t (x integer)")
            cursor.execute("INSERT INTO t VALUES (1)")
            files = [p for p in tmp_path.iterdir() if p.name.startswith("ny.sqlite3")]
            assert {p.name for p in files} >= {"ny.sqlite3", "ny.sqlite3-wal"}
            for name in files:
                assert stat.S_IMODE(name.stat().st_mode) == 0o600, name
    finally:
        probe.close()
        os.umask(old)
