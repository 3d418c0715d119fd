"""Reading CSV and XLSX files: encodings, delimiters, row numbers and header checks."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from stegvis.imports.tables import (
    Columns,
    UnreadableFile,
    check_header,
    data_rows,
    preview_rows,
    to_csv_text,
)

COLUMNS = Columns(required=("a", "b"), optional=("c",))


def xlsx(*rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_with_or_without_bom_and_either_delimiter_reads_the_same(bom, delimiter):
    data = bom + f"A{delimiter} b\n1{delimiter}2\n\n3{delimiter}4\n".encode()
    text = to_csv_text("fil.csv", data)
    assert check_header(text, COLUMNS) == []
    assert list(data_rows(text)) == [(2, {"a": "1", "b": "2"}), (4, {"a": "3", "b": "4"})]


def test_csv_not_utf8_names_the_row():
    with pytest.raises(UnreadableFile, match="Rad 3: filen är inte UTF-8"):
        to_csv_text("fil.csv", "a,b\n1,2\nÅsa,3\n".encode("latin-1"))


def test_xlsx_keeps_spreadsheet_row_numbers_dates_and_short_rows():
    text = to_csv_text(
        "fil.xlsx",
        xlsx(
            ("a", "b", "c"),
            # Excel cells carry no time zone; the trailing empty cell is left out.
            (1, datetime(2024, 1, 15)),  # noqa: DTZ001
            (),
            ("rad\nbrytning", date(2024, 2, 1), 2.0),
            (),
        ),
    )
    assert list(data_rows(text)) == [
        (2, {"a": "1", "b": "2024-01-15", "c": ""}),
        (4, {"a": "rad brytning", "b": "2024-02-01", "c": "2"}),
    ]


def test_broken_xlsx_is_refused_in_swedish():
    with pytest.raises(UnreadableFile, match="Excel-ark"):
        to_csv_text("fil.xlsx", b"not a zip file")


def test_empty_file_missing_and_unknown_columns_have_clear_messages():
    assert check_header("", COLUMNS) == ["Filen är tom."]
    assert check_header("\n\n", COLUMNS) == ["Filen är tom."]
    assert check_header("a,b\n", COLUMNS) == [
        "Filen har bara en rubrikrad och inga rader att importera."
    ]
    messages = check_header("a,x\n1,2\n", COLUMNS)
    assert messages == [
        "Rad 1: kolumn saknas: b.",
        "Rad 1: okänd kolumn 'x'. Tillåtna kolumner: a, b, c.",
    ]
    assert check_header("a,b,a\n1,2,3\n", COLUMNS) == ["Rad 1: kolumnen a finns flera gånger."]


def test_at_least_one_of_the_identifying_columns_is_required():
    columns = Columns(required=("a",), optional=("p", "q"), any_of=("p", "q"))
    assert check_header("a\n1\n", columns) == ["Rad 1: kolumn saknas: ange p eller q."]
    assert check_header("a,q\n1,2\n", columns) == []


def test_a_row_with_more_cells_than_the_header_is_reported():
    assert list(data_rows("a,b\n1,2,3\n1,2,\n")) == [(2, None), (3, {"a": "1", "b": "2"})]


def test_preview_numbers_rows_as_the_spreadsheet_does():
    rows = preview_rows("a,b\n1,2\n\n3,4\n")
    assert rows == [["Rad", "a", "b"], ["2", "1", "2"], ["4", "3", "4"]]
