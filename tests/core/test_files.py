"""Files are written whole or not at all: a full disk leaves no half file under the name."""

from __future__ import annotations

import errno
import io
import os
import stat
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stegvis.core import files
from stegvis.core.files import FileWriteError, write_bytes_atomic


class _FillsUp:
    """A file on a disk that fills after half the data: the first half lands, then ENOSPC."""

    def __init__(self, real):
        self.real = real

    def write(self, data):
        self.real.write(data[: len(data) // 2])
        self.real.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.real.close()

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def disk_full(monkeypatch):
    real_fdopen = os.fdopen
    monkeypatch.setattr(files.os, "fdopen", lambda fd, mode: _FillsUp(real_fdopen(fd, mode)))


def test_writes_the_whole_file_readable_by_its_owner_only(tmp_path):
    target = tmp_path / "export.zip"
    write_bytes_atomic(target, b"x" * 10_000)
    assert target.read_bytes() == b"x" * 10_000
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["export.zip"]


def test_full_disk_leaves_no_file_and_no_temporary(tmp_path, disk_full):
    target = tmp_path / "export.zip"
    with pytest.raises(FileWriteError, match=r"disken är full\. Ingen fil skrevs\."):
        write_bytes_atomic(target, b"x" * 10_000)
    assert list(tmp_path.iterdir()) == []


def test_full_disk_keeps_an_earlier_file_of_the_same_name(tmp_path, disk_full):
    target = tmp_path / "export.zip"
    target.write_bytes(b"the earlier export")
    with pytest.raises(FileWriteError):
        write_bytes_atomic(target, b"x" * 10_000)
    assert target.read_bytes() == b"the earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["export.zip"]


def test_missing_directory_is_named_in_swedish(tmp_path):
    with pytest.raises(FileWriteError, match="katalogen finns inte"):
        write_bytes_atomic(tmp_path / "saknas" / "export.zip", b"x")


def test_export_command_on_a_full_disk_fails_cleanly(federation, tmp_path, disk_full):
    output = tmp_path / "export.zip"
    with pytest.raises(CommandError) as raised:
        call_command(
            "export", "--federation", federation.slug, "--output", str(output), stdout=io.StringIO()
        )
    assert str(raised.value) == f"Kunde inte skriva {output}: disken är full. Ingen fil skrevs."
    assert list(tmp_path.iterdir()) == []


def test_export_command_writes_a_complete_archive(federation, tmp_path):
    output = tmp_path / "export.zip"
    call_command(
        "export", "--federation", federation.slug, "--output", str(output), stdout=io.StringIO()
    )
    with zipfile.ZipFile(output) as archive:
        assert archive.testzip() is None
        assert "manifest.json" in archive.namelist()
    assert [p.name for p in tmp_path.iterdir()] == ["export.zip"]
