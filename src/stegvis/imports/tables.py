"""Read an uploaded CSV or XLSX file as CSV text, so every importer parses one format.

Row numbers are the spreadsheet's: the header is row 1, and line *n* of the CSV text is row *n*
of the sheet. An XLSX file keeps its empty rows as empty lines and line breaks inside a cell
become spaces, so a message "Rad 7" points at row 7 in Excel too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass


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
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # One sheet row must stay one line of text.
    return " ".join(str(value).split())


def _xlsx_to_csv(data: bytes) -> str:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a broken file
        raise UnreadableFile("Filen kan inte läsas som ett Excel-ark (.xlsx).") from exc
    try:
        if not workbook.worksheets:
            raise UnreadableFile("Excel-filen har inget kalkylblad.")
        sheet = workbook.worksheets[0]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        blank = 0
        width = 0  # the header's; shorter rows are padded so every row has all its cells
        for row in sheet.iter_rows(min_row=1, values_only=True):
            cells = [_cell(v) for v in row]
            while cells and cells[-1] == "":
                cells.pop()
            if not cells:
                blank += 1  # written only if a later row has values: trailing rows are dropped
                continue
            out.write("\n" * blank)
            blank = 0
            width = width or len(cells)
            writer.writerow(cells + [""] * (width - len(cells)))
    finally:
        workbook.close()
    return out.getvalue()


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date(value: str) -> dt.date | None:
    """A cell written ÅÅÅÅ-MM-DD as a date, or None (any other form, or no such day)."""
    if not _ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def delimiter_of(header_line: str) -> str:
    """Semicolon (Swedish Excel) or comma, whichever the header uses more."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


# Swedish column names, as people write them in Excel, for the machine keys every importer reads.
# The first Swedish name of each key is the one the template files use.
SWEDISH_COLUMNS: dict[str, str] = {
    "personnummer": "personnummer",
    "kön": "gender",
    "startdatum": "start_date",
    "slutdatum": "end_date",
    "avslutsorsak": "exit_reason",
    "af-kod före": "af_code_before",
    "af-kod efter": "af_code_after",
    "försörjning före": "income_source_before",
    "försörjning efter": "income_source_after",
    "rubrik": "title",
    "föreningens organisationsnummer": "association_orgnr",
    "organisationsnummer": "association_orgnr",
    "kategori": "category",
    "antal platser": "capacity",
    "knutpunkt": "hub",
    "antal ledare": "leader_count",
    "första datum": "first_date",
    "antal tillfällen": "sessions",
    "dagar mellan": "every_days",
    "börjar": "start_time",
    "starttid": "start_time",
    "slutar": "end_time",
    "sluttid": "end_time",
    "stärker": "serves",
    "aktivitetsplan": "plan",
    "beskrivning": "description",
    "kommun": "municipality",
    "adress": "address",
    "plats/adress": "address",
    "språk": "languages",
    "könsbegränsning": "gender_restriction",
    "insats": "intervention",
    "samverkansgrupp": "working_group",
    "aktivitetsnummer": "activity_id",
    "aktivitet": "activity_id",
    "tillfällets datum": "session_date",
    "datum": "session_date",
    "närvarande": "present",
    "närvaro": "present",
    "deltagare": "participant",
    "deltagarreferens": "participant",
}
SWEDISH_LABELS: dict[str, str] = {}
for _swedish, _key in SWEDISH_COLUMNS.items():
    SWEDISH_LABELS.setdefault(_key, _swedish)


def column_key(name: str) -> str:
    """A header cell as the machine key: ``Startdatum`` → ``start_date``; keys stay keys."""
    name = " ".join(name.strip().lower().split())
    return SWEDISH_COLUMNS.get(name, name)


def header_of(text: str) -> list[str]:
    """The column names of row 1 as machine keys ([] for an empty file): today's keys
    (``start_date``) and Swedish names (``Startdatum``) alike."""
    first = text.split("\n", 1)[0].rstrip("\r")
    if not first.strip():
        return []
    row = next(csv.reader([first], delimiter=delimiter_of(first)), [])
    return [column_key(name) for name in row]


def template_csv(columns: Columns) -> str:
    """A template for Swedish Excel: the Swedish column names, semicolons, byte order mark."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([SWEDISH_LABELS.get(name, name).capitalize() for name in columns.all])
    return out.getvalue()


@dataclass(frozen=True)
class Columns:
    """The columns an import kind reads: all must be known, the required ones present."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    # At least one of these (optional) columns must be present.
    any_of: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return self.required + self.optional


def check_header(text: str, columns: Columns) -> list[str]:
    """Swedish messages for an empty file, missing, unknown or repeated columns."""
    if not text.strip():
        return ["Filen är tom."]
    header = header_of(text)
    if not header or not any(header):
        return ["Rad 1: rubrikraden saknas; första raden ska ha kolumnnamnen."]
    messages = []
    missing = [name for name in columns.required if name not in header]
    if missing:
        messages.append(f"Rad 1: kolumn saknas: {', '.join(missing)}.")
    if columns.any_of and not any(name in header for name in columns.any_of):
        messages.append(f"Rad 1: kolumn saknas: ange {' eller '.join(columns.any_of)}.")
    unknown = [name for name in header if name not in columns.all]
    if unknown:
        shown = ", ".join(f"'{name}'" if name else "(tom rubrik)" for name in unknown)
        messages.append(
            f"Rad 1: okänd kolumn {shown}. Tillåtna kolumner: {', '.join(columns.all)}."
        )
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        messages.append(f"Rad 1: kolumnen {', '.join(repeated)} finns flera gånger.")
    if not messages and not any(line.strip() for line in text.splitlines()[1:]):
        messages.append("Filen har bara en rubrikrad och inga rader att importera.")
    return messages


def data_rows(text: str):
    """(row number, {column: value}) for every non-blank row after the header.

    A row with a different number of cells than the header is given as ``(row, None)``."""
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=delimiter_of(first))
    header = [column_key(name) for name in next(reader, [])]
    width = len(header)
    start = reader.line_num
    for values in reader:
        line, start = start + 1, reader.line_num
        if not any(v.strip() for v in values):
            continue
        # Cells may be missing at the end of a row from Excel; more cells than columns is an
        # error unless the extra ones are empty.
        while len(values) > width and not values[-1].strip():
            values.pop()
        if len(values) > width:
            yield line, None
            continue
        values = values + [""] * (width - len(values))
        yield line, {name: values[i].strip() for i, name in enumerate(header)}


def count_rows(text: str) -> int:
    return max(0, sum(1 for line in text.splitlines() if line.strip()) - 1)


def preview_rows(text: str, limit: int = 20) -> list[list[str]]:
    """The header and the first rows, each data row led by its row number."""
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=delimiter_of(first))
    rows = []
    start = 0
    for values in reader:
        line, start = start + 1, reader.line_num
        if rows and not any(v.strip() for v in values):
            continue
        rows.append([str(line) if rows else "Rad", *values])
        if len(rows) > limit:
            break
    return rows
