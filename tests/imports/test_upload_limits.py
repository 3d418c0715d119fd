"""Hostile uploads: zip bombs, millions of rows, huge cells; read in a separate process."""

from __future__ import annotations

import io
import multiprocessing
import zipfile

import openpyxl
import pytest
from openpyxl import Workbook

from stegvis.core.tenancy import federation_scope
from stegvis.imports import tables
from stegvis.imports.models import ImportJob
from stegvis.imports.tables import UnreadableFile, read_upload, to_csv_text

pytestmark = pytest.mark.django_db

HEADER = "personnummer,gender,start_date"


def xlsx_bytes(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bomb(part_bytes: int) -> bytes:
    """A real workbook whose shared strings part unpacks to ``part_bytes`` of one letter."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(["a"], ["b"])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, source.read(item))
        out.writestr("xl/sharedStrings.xml", b"<sst>" + b"A" * part_bytes + b"</sst>")
    return buffer.getvalue()


@pytest.fixture
def no_openpyxl(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened the file")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(no_openpyxl):
    data = bomb(20 * 1024 * 1024)
    assert len(data) < 100 * 1024
    with pytest.raises(UnreadableFile, match="packas upp till mångdubbelt"):
        to_csv_text("fil.xlsx", data)


def test_too_much_unpacked_data_is_refused(no_openpyxl, monkeypatch):
    monkeypatch.setattr(tables, "MAX_RATIO", 10**9)
    monkeypatch.setattr(tables, "MAX_UNPACKED_BYTES", 1024 * 1024)
    with pytest.raises(UnreadableFile, match="uppackad; högst 1 MB"):
        to_csv_text("fil.xlsx", bomb(2 * 1024 * 1024))


def test_a_broken_zip_is_refused_with_a_message(no_openpyxl):
    with pytest.raises(UnreadableFile, match="Excel-ark"):
        to_csv_text("fil.xlsx", b"PK\x03\x04 not a zip")


def test_rows_are_counted_while_the_sheet_is_read(monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 3)
    ok = xlsx_bytes(["a"], ["1"], ["2"], ["3"])
    assert to_csv_text("fil.xlsx", ok).splitlines() == ["a", "1", "2", "3"]
    assert to_csv_text("fil.csv", b"a\n1\n2\n3\n")
    with pytest.raises(UnreadableFile, match="fler än 3 rader"):
        to_csv_text("fil.xlsx", xlsx_bytes(["a"], *([str(i)] for i in range(6))))
    with pytest.raises(UnreadableFile, match="fler än 3 rader"):
        to_csv_text("fil.csv", b"a\n1\n2\n3\n4\n5\n6\n")


def test_cells_and_columns_are_limited(monkeypatch):
    monkeypatch.setattr(tables, "MAX_CELL_CHARS", 10)
    monkeypatch.setattr(tables, "MAX_COLUMNS", 3)
    assert to_csv_text("fil.csv", b"a,b,c\n1234567890,2,3\n")
    with pytest.raises(UnreadableFile, match="Rad 2: ett fält är längre än 10 tecken"):
        to_csv_text("fil.csv", b"a,b,c\n12345678901,2,3\n")
    with pytest.raises(UnreadableFile, match="Rad 3: raden har 4 fält; högst 3"):
        to_csv_text("fil.csv", b"a,b,c\n1,2,3\n1,2,3,4\n")
    with pytest.raises(UnreadableFile, match="Rad 1: raden har 4 fält"):
        to_csv_text("fil.xlsx", xlsx_bytes(["a", "b", "c", "d"]))
    with pytest.raises(UnreadableFile, match="längre än 10 tecken"):
        to_csv_text("fil.xlsx", xlsx_bytes(["a"], ["x" * 11]))


def test_reading_in_a_separate_process_gives_the_same_text():
    data = xlsx_bytes(["personnummer", "gender"], ["19900517-1234", "kvinna"])
    assert read_upload("fil.xlsx", data) == to_csv_text("fil.xlsx", data)
    with pytest.raises(UnreadableFile, match="packas upp"):
        read_upload("fil.xlsx", bomb(20 * 1024 * 1024))


def test_a_reader_over_its_time_is_stopped():
    # Large enough that the reader cannot have answered before the first look at the pipe,
    # even when this process waits for a core (a two-row file sometimes had).
    data = b"a\n" + b"1\n" * 150_000
    with pytest.raises(UnreadableFile, match="inom 0 sekunder"):
        read_upload("fil.csv", data, seconds=0)
    assert not [p for p in multiprocessing.active_children() if p.name == "stegvis-import-read"]


def test_web_upload_of_a_bomb_or_millions_of_rows_is_refused(
    federation, intervention, admin, login, upload
):
    login(admin)
    option = {"intervention": intervention.pk}
    response = upload("enrolments", bomb(20 * 1024 * 1024), name="bomb.xlsx", **option)
    assert response.status_code == 200
    assert "packas upp till mångdubbelt" in response.content.decode()
    rows = (HEADER + "\n" + "x,y,z\n" * (tables.MAX_ROWS + 5)).encode()
    response = upload("enrolments", rows, name="rader.csv", **option)
    assert response.status_code == 200
    assert "Filen har fler än 200 000 rader" in response.content.decode()
    with federation_scope(federation):
        assert not ImportJob.objects.exists()
