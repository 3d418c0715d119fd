"""Reports as CSV, XLSX (one sheet per table) and PDF (tables and charts).

Every format holds the same numbers as the JSON: the first column is the JSON row label (the
stable key), the second what people read, then the values in column order; hidden small cells
are the text "<5". In XLSX the main table of each report starts in cell A1 of its sheet.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

from stegvis.core.spreadsheet import csv_writer, workbook_bytes
from stegvis.reports.definitions import Report
from stegvis.reports.tables import Table, Value

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}


def _cell(value: Value):
    return "" if value is None else value


def _excel_cell(value: Value):
    """Swedish Excel reads "2,5" as a number and "2.5" as text: decimals take a comma."""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return _cell(value)


def report_csv(report: Report, *, bom: bool = False, excel: bool = False) -> str:
    """The main table with the JSON keys as header: ``kod,benamning,<columns>``.

    ``excel`` writes what Swedish Excel opens as columns: a UTF-8 byte order mark, semicolons
    between cells, a comma before decimals and CRLF line ends. Without it the file is for
    machines (commas, decimal points).
    """
    out = io.StringIO()
    if bom or excel:
        out.write("\ufeff")
    if excel:
        writer = csv_writer(out, delimiter=";", lineterminator="\r\n")
        cell = _excel_cell
    else:
        writer = csv_writer(out, lineterminator="\n")
        cell = _cell
    table = report.table
    writer.writerow(["kod", "benamning", *table.columns])
    for row in table.all_rows:
        key = "Totalt" if row is table.total else row.key
        writer.writerow([key, row.label, *(cell(v) for v in row.values)])
    return out.getvalue()


# --- XLSX ----------------------------------------------------------------------------------

_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def _shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut between words, never inside one."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[: limit + 1] else text[:limit]
    return cut.rstrip(" -–,") or text[:limit]


def _sheet_title(text: str, used: set[str]) -> str:
    base = _shorten(text.translate(_FORBIDDEN), 31) or "Tabell"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" {n}"
        title = _shorten(base, 31 - len(suffix)) + suffix
        n += 1
    used.add(title.lower())
    return title


def _write_table(ws, table: Table, *, chart_columns=(), chart_horizontal=True) -> int:
    """Write ``table`` from A1; returns the next free row."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E3F1EC")
    ws.append(["Kod", "Benämning", *table.column_labels])
    for cell in ws[1]:
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.all_rows:
        key = "Totalt" if row is table.total else row.key
        ws.append([key, row.label, *(_cell(v) for v in row.values)])
        if row is table.total:
            for cell in ws[ws.max_row]:
                cell.font = header_font
    for r in ws.iter_rows(min_row=2, min_col=3):
        for cell in r:
            if isinstance(cell.value, float):
                cell.number_format = "0.0"
            elif isinstance(cell.value, int):
                cell.number_format = "#,##0"
            else:
                cell.alignment = Alignment(horizontal="right")
    widths = [max(6, len("Kod"))] + [12] * (len(table.columns) + 1)
    for row in ws.iter_rows(values_only=True):
        for i, value in enumerate(row):
            widths[i] = max(widths[i], min(48, len(str(value if value is not None else "")) + 2))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C2"
    columns = [table.columns.index(c) for c in chart_columns if c in table.columns]
    if columns and table.rows:
        chart = BarChart()
        chart.type = "bar" if chart_horizontal else "col"
        chart.title = table.title
        chart.height = max(7.5, 0.5 * len(table.rows) * (len(columns) if chart_horizontal else 1))
        chart.width = 18
        last = 1 + len(table.rows)
        for index in columns:
            data = Reference(ws, min_col=3 + index, min_row=1, max_row=last)
            chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=2, max_row=last))
        if chart_horizontal:
            chart.y_axis.majorGridlines = None
            chart.x_axis.scaling.orientation = "maxMin"  # first row on top, as in the table
        ws.add_chart(chart, f"{get_column_letter(len(table.columns) + 4)}2")
    return ws.max_row + 2


def reports_xlsx(reports: list[Report], *, federation_name: str, created: datetime) -> bytes:
    """One sheet per table, then a sheet "Om rapporten" with filters and notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for report in reports:
        for index, table in enumerate(report.tables):
            title = report.title if index == 0 else f"{report.title} {table.title}"
            ws = workbook.create_sheet(_sheet_title(title, used))
            main = index == 0
            next_row = _write_table(
                ws,
                table,
                chart_columns=report.definition.chart_columns if main else (),
                chart_horizontal=report.definition.chart_orientation == "horizontal",
            )
            if main:
                for offset, note in enumerate(report.notes):
                    ws.cell(row=next_row + offset, column=1, value=note)
    about = workbook.create_sheet(_sheet_title("Om rapporten", used))
    about.append(["stegvis", federation_name])
    about.append(["Skapad", created.strftime("%Y-%m-%d %H:%M")])
    about.append([])
    for report in reports:
        about.append([report.title])
        about[about.max_row][0].font = Font(bold=True)
        about.append(["Urval", report.filters.describe()])
        if report.is_suppressed:
            about.append(
                ["Sekretess", f"Värden under {report.threshold} visas som <{report.threshold}."]
            )
        for note in report.notes:
            about.append(["", note])
        about.append([])
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 110
    return workbook_bytes(workbook)


# --- PDF -----------------------------------------------------------------------------------


def _pdf_text(value: Value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return str(value)


def _pdf_chart(report: Report):
    """A ReportLab bar chart of the report's chart columns (suppressed cells drawn as 0)."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    table = report.table
    columns = [c for c in report.definition.chart_columns if c in table.columns]
    if not columns or not table.rows:
        return None
    data = []
    for c in columns:
        values = table.column(c)
        data.append(
            [v if isinstance(v, int | float) and not isinstance(v, bool) else 0 for v in values]
        )
    if not any(any(series) for series in data):
        return None
    horizontal = report.definition.chart_orientation == "horizontal"
    rows = len(table.rows)
    height = max(120, min(520, rows * len(columns) * 9 + 40)) if horizontal else 190
    drawing = Drawing(460, height)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y = (150, 10) if horizontal else (30, 45)
    chart.width, chart.height = (290, height - 20) if horizontal else (420, height - 60)
    chart.data = data
    labels = [row.label[:26] for row in table.rows]
    if horizontal:
        labels = list(reversed(labels))
        chart.data = [list(reversed(series)) for series in data]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    if not horizontal:
        chart.categoryAxis.labels.angle = 45 if rows > 8 else 0
        chart.categoryAxis.labels.boxAnchor = "ne" if rows > 8 else "n"
    palette = [colors.HexColor(c) for c in ("#1f6f5c", "#b4580f", "#6b7fb0", "#9aa5a1")]
    for i in range(len(columns)):
        chart.bars[i].fillColor = palette[i % len(palette)]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    return drawing


def reports_pdf(reports: list[Report], *, federation_name: str, created: datetime) -> bytes:
    from stegvis.core import pdf

    blocks: list = []
    for report in reports:
        blocks.append(pdf.Heading(report.title))
        blocks.append(pdf.Paragraph(report.filters.describe()))
        chart = _pdf_chart(report)
        if chart is not None:
            blocks.append(chart)
        for table in report.tables:
            if table is not report.table:
                blocks.append(pdf.Heading(table.title, level=3))
            header = ["", *table.column_labels]
            rows = [[row.label, *(_pdf_text(v) for v in row.values)] for row in table.all_rows]
            if not table.rows:
                blocks.append(pdf.Paragraph("Inga uppgifter i urvalet."))
                continue
            width = len(table.columns)
            first = 0.34 if width <= 5 else 0.2
            blocks.append(
                pdf.Table(
                    header,
                    rows,
                    widths=[first] + [(1 - first) / width] * width,
                    numeric_columns=set(range(1, width + 1)),
                )
            )
        for note in report.notes:
            blocks.append(pdf.Paragraph(note))
    title = reports[0].title if len(reports) == 1 else "Rapporter"
    return pdf.render_pdf(
        title=title,
        subtitle=f"{federation_name} · skapad {created:%Y-%m-%d %H:%M}",
        blocks=blocks,
        footer="Skapad i stegvis. Felregistreringar ingår inte.",
    )
