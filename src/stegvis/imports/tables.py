"""Read an uploaded CSV or XLSX file as CSV text, so every importer parses one format."""

from __future__ import annotations

import csv
import datetime as dt
import io


class UnreadableFile(ValueError):
    pass


def to_csv_text(name: str, data: bytes) -> str:
    if name.lower().endswith(".xlsx"):
        return _xlsx_to_csv(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableFile(
            f'Rad {line}: filen är inte UTF-8. Spara den som "CSV UTF-8" i Excel.'
        ) from exc


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_to_csv(data: bytes) -> str:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a broken file
        raise UnreadableFile("Filen kan inte läsas som ett Excel-ark (.xlsx).") from exc
    sheet = workbook.worksheets[0]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in sheet.iter_rows(values_only=True):
        cells = [_cell(v) for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            writer.writerow(cells)
    workbook.close()
    return out.getvalue()


def preview_rows(text: str, limit: int = 20) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    for row in reader:
        rows.append(row)
        if len(rows) > limit:
            break
    return rows
