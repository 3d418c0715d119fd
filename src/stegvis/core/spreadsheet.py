"""Every CSV and XLSX file stegvis writes goes through here, so no cell becomes a formula.

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula
(and a tab or carriage return at the start hides such a character from simple checks). A name
typed into stegvis – a municipality, a financier, an association – could then leak the
personnummer in the next column to a web address when someone opens the export. Such text is
written with a leading apostrophe, as OWASP recommends for CSV injection. Numbers stay numbers:
only text is changed, so a negative amount is still a negative amount.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a spreadsheet may show it without running it (text only is changed)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(v) for v in values]


class SafeWriter:
    """A ``csv.writer`` whose every cell passes through :func:`safe_cell`."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable]):
        for row in rows:
            self.writerow(row)


def csv_writer(out, **kwargs) -> SafeWriter:
    return SafeWriter(out, **kwargs)


def neutralise_workbook(workbook) -> None:
    """Turn every text cell of an openpyxl workbook that would run as a formula into text.

    openpyxl stores a string beginning with ``=`` as a formula; the workbooks stegvis writes
    hold no formulas of their own, so every such cell came from data."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                    cell.value = "'" + value
                    cell.data_type = "s"


def workbook_bytes(workbook) -> bytes:
    """Neutralise and save ``workbook``: the one way stegvis turns a workbook into a file."""
    neutralise_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
