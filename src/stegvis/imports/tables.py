"""Read an uploaded CSV or XLSX file as CSV text, so every importer parses one format.

Row numbers are the spreadsheet's: the header is row 1, and line *n* of the CSV text is row *n*
of the sheet. An XLSX file keeps its empty rows as empty lines and line breaks inside a cell
become spaces, so a message "Rad 7" points at row 7 in Excel too.

An upload is untrusted: a small XLSX file can unpack to gigabytes (a "zip bomb") and a small
CSV file can hold millions of rows. The file is read within limits – rows, cells per row,
characters per cell, unpacked size and compression ratio of the XLSX parts, checked before
openpyxl opens the file – and in a separate process with a time and memory limit, so a hostile
file costs the server a few seconds at most.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

# Limits of one uploaded file. The largest real imports (a federation's enrolment history)
# are around 100 000 rows of ten short cells.
MAX_ROWS = 200_000
MAX_COLUMNS = 60
MAX_CELL_CHARS = 4_000
# An XLSX file: its parts unpacked together, and how much one part may grow when unpacked
# (spreadsheet XML packs well, about 10–30 times; bombs pack thousands of times).
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_RATIO = 200
MAX_PARTS = 500
# Reading the file (in its own process) may take this long and this much memory.
MAX_SECONDS = 60
MAX_MEMORY_BYTES = 2 * 1024**3


class UnreadableFile(ValueError):
    pass


def to_csv_text(name: str, data: bytes) -> str:
    """The file as CSV text, read within the limits above (in this process)."""
    if name.lower().endswith(".xlsx"):
        check_xlsx_package(data)
        text = _xlsx_to_csv(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise UnreadableFile(
                f'Rad {line}: filen är inte UTF-8. Spara den som "CSV UTF-8" i Excel.'
            ) from exc
    check_csv_limits(text)
    return text


def _too_many_rows() -> UnreadableFile:
    return UnreadableFile(
        f"Filen har fler än {MAX_ROWS:,} rader. Dela upp den i flera filer.".replace(",", " ")
    )


def check_csv_limits(text: str) -> None:
    """Refuse a text with too many rows, cells in a row or characters in a cell."""
    if text.count("\n") > MAX_ROWS + 1:
        raise _too_many_rows()
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=delimiter_of(first))
    previous = csv.field_size_limit(MAX_CELL_CHARS + 1)
    try:
        line = 1
        for values in reader:
            if len(values) > MAX_COLUMNS:
                raise UnreadableFile(
                    f"Rad {line}: raden har {len(values)} fält; högst {MAX_COLUMNS} är tillåtna."
                )
            for value in values:
                if len(value) > MAX_CELL_CHARS:
                    raise UnreadableFile(
                        f"Rad {line}: ett fält är längre än {MAX_CELL_CHARS} tecken."
                    )
            line = reader.line_num + 1
    except csv.Error as exc:
        raise UnreadableFile(
            f"Rad {reader.line_num}: ett fält är längre än {MAX_CELL_CHARS} tecken "
            "eller har ett citattecken som aldrig avslutas."
        ) from exc
    finally:
        csv.field_size_limit(previous)


def check_xlsx_package(data: bytes) -> None:
    """Look at the XLSX file's zip directory before anything unpacks it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UnreadableFile("Filen kan inte läsas som ett Excel-ark (.xlsx).") from exc
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise UnreadableFile("Excel-filen har orimligt många delar och läses inte.")
        total = 0
        for part in parts:
            total += part.file_size
            packed = max(part.compress_size, 1)
            if part.file_size > 1024 * 1024 and part.file_size / packed > MAX_RATIO:
                raise UnreadableFile(
                    "Excel-filen packas upp till mångdubbelt sin storlek (delen "
                    f"{part.filename[:60]}) och läses inte. Spara den som CSV i stället."
                )
        if total > MAX_UNPACKED_BYTES:
            raise UnreadableFile(
                f"Excel-filen blir {total // (1024 * 1024)} MB uppackad; högst "
                f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB läses. Spara den som CSV i stället."
            )


def _convert_in_child(conn, name: str, data: bytes) -> None:
    """Runs in the reading process: convert and send back ("ok", text) or ("error", message)."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MAX_MEMORY_BYTES, MAX_MEMORY_BYTES))
    except (ImportError, ValueError, OSError):  # not on every platform; the time limit holds
        pass
    try:
        conn.send(("ok", to_csv_text(name, data)))
    except UnreadableFile as exc:
        conn.send(("error", str(exc)))
    except MemoryError:
        conn.send(("error", "Filen kräver för mycket minne för att läsas. Dela upp den."))
    except Exception:  # any other failure of the reader is a file we cannot read
        conn.send(("error", "Filen kan inte läsas."))
    finally:
        conn.close()


def read_upload(name: str, data: bytes, *, seconds: float | None = None) -> str:
    """Like :func:`to_csv_text`, but in a separate process that is stopped after ``seconds``.

    The request thread only waits: a file that takes too long or too much memory to read
    ends its own process, not the server's."""
    import multiprocessing

    limit = MAX_SECONDS if seconds is None else seconds
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["stegvis.imports.tables"])
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_convert_in_child, args=(sender, name, data), name="stegvis-import-read"
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(limit):
            raise UnreadableFile(
                f"Filen kunde inte läsas inom {limit:g} sekunder. Dela upp den i mindre filer."
            )
        try:
            status, payload = receiver.recv()
        except EOFError as exc:  # the process died (memory limit)
            raise UnreadableFile(
                "Filen kräver för mycket minne för att läsas. Dela upp den."
            ) from exc
    finally:
        receiver.close()
        if process.is_alive():
            process.terminate()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
    if status != "ok":
        raise UnreadableFile(payload)
    return payload


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
        rows = 0
        for row in sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS + 1, values_only=True):
            rows += 1
            if rows > MAX_ROWS + 1:
                raise _too_many_rows()
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
