"""``stegvis report``: the JSON contract, and CSV/XLSX/PDF holding the same numbers."""

import csv
import io
import json
from datetime import date

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from stegvis.reports.charts import bar_chart, report_chart
from stegvis.reports.definitions import compute_report
from stegvis.reports.filters import ReportFilters

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(scope, intervention, make_enrolment):
    for _ in range(7):
        make_enrolment(date(2026, 1, 10), date(2026, 5, 1), "arbete", gender="kvinna")
    for _ in range(3):
        make_enrolment(
            date(2026, 2, 1),
            date(2026, 5, 2),
            "studier",
            gender="man",
            born=date(2001, 1, 1),
            af_code_before="11",
            af_code_after="83",
        )
    make_enrolment(date(2025, 3, 1), gender="annat", born=date(1960, 1, 1))
    make_enrolment(date(2026, 1, 1), date(2026, 1, 1), "felregistrering")
    return intervention


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_json_contract(data, federation):
    result = json.loads(run("age-gender", "--federation", "alfa", "--intervention", "INS-1"))
    assert set(result) == {"report", "columns", "rows", "total"}
    assert result["report"] == "age-gender"
    assert result["columns"] == ["kvinna", "man", "annat", "totalt"]
    rows = {r["label"]: r["values"] for r in result["rows"]}
    assert rows["30-39"] == [7, 0, 0, 7]
    assert rows["25-29"] == [0, 3, 0, 3]
    assert rows["60-"] == [0, 0, 1, 1]
    assert result["total"] == {"label": "Totalt", "values": [7, 3, 1, 11]}
    for row in result["rows"]:
        assert set(row) == {"label", "values"}
        assert all(isinstance(v, int) for v in row["values"])


def test_period_flags_and_exit_reports(data):
    result = json.loads(
        run(
            "exit-gender",
            "--federation",
            "alfa",
            "--intervention",
            "INS-1",
            "--from",
            "2026-05-02",
            "--to",
            "2026-12-31",
        )
    )
    rows = {r["label"]: r["values"] for r in result["rows"]}
    assert rows["studier"] == [0, 3, 0, 3]
    assert rows["arbete"] == [0, 0, 0, 0]
    af = json.loads(run("af-code-change", "--federation", "alfa", "--intervention", "INS-1"))
    assert {r["label"]: r["values"] for r in af["rows"]}["11"] == [3, 0]
    assert {r["label"]: r["values"] for r in af["rows"]}["saknas"] == [7, 7]


def test_external_flag_hides_small_cells_in_json(data):
    result = json.loads(
        run("age-gender", "--federation", "alfa", "--intervention", "INS-1", "--external")
    )
    rows = {r["label"]: r["values"] for r in result["rows"]}
    assert rows["25-29"][1] == "<5"


def test_bad_arguments_are_explained_in_swedish(data):
    with pytest.raises(CommandError, match="Insatsen 'NOPE' finns inte"):
        run("age-gender", "--federation", "alfa", "--intervention", "NOPE")
    with pytest.raises(CommandError, match="Ogiltigt datum"):
        run("age-gender", "--federation", "alfa", "--from", "2026-13-01")
    with pytest.raises(CommandError, match="--from ligger efter --to"):
        run("age-gender", "--federation", "alfa", "--from", "2026-02-01", "--to", "2026-01-01")
    with pytest.raises(CommandError, match="ogiltigt val"):
        run("nonsense", "--federation", "alfa")
    with pytest.raises(CommandError, match="Förbundet 'saknas' finns inte"):
        run("age-gender", "--federation", "saknas")


def test_csv_holds_the_json_numbers(data):
    result = json.loads(run("exit-gender", "--federation", "alfa", "--intervention", "INS-1"))
    text = run("exit-gender", "--federation", "alfa", "--intervention", "INS-1", "--format", "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["kod", "benamning", *result["columns"]]
    body = {r[0]: [int(v) for v in r[2:]] for r in rows[1:]}
    for row in result["rows"]:
        assert body[row["label"]] == row["values"]
    assert body["Totalt"] == result["total"]["values"]


def test_xlsx_opens_and_holds_the_json_numbers(data, tmp_path):
    result = json.loads(run("af-code-change", "--federation", "alfa", "--intervention", "INS-1"))
    path = tmp_path / "af.xlsx"
    run("af-code-change", "--federation", "alfa", "--intervention", "INS-1", "--format", "xlsx",
        "--output", str(path))  # fmt: skip
    workbook = openpyxl.load_workbook(path)
    first = workbook.worksheets[0]
    assert first["A1"].value == "Kod"
    assert first["A1"].font.bold
    sheet_rows = {row[0]: list(row[2:]) for row in first.iter_rows(min_row=2, values_only=True)}
    for row in result["rows"]:
        assert sheet_rows[row["label"]] == row["values"]
    assert sheet_rows["Totalt"] == result["total"]["values"]
    # One sheet per table: the main table, the from–to matrix, and the description.
    assert len(workbook.worksheets) == 3
    assert workbook.worksheets[-1].title == "Om rapporten"


def test_pdf_text_holds_the_numbers(data, tmp_path):
    path = tmp_path / "ages.pdf"
    run("exit-gender", "--federation", "alfa", "--intervention", "INS-1", "--format", "pdf",
        "--output", str(path))  # fmt: skip
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    assert "Avslutsorsak och kön" in text
    assert "Arbete 7 0 0 7" in " ".join(text.split())
    assert "Studier 0 3 0 3" in " ".join(text.split())
    assert "Totalt 7 3 0 10" in " ".join(text.split())


def test_binary_formats_need_an_output_file_when_stdout_is_not_a_terminal(data):
    with pytest.raises(CommandError, match="--output"):
        run("age-gender", "--federation", "alfa", "--format", "xlsx")


def test_report_command_is_logged(data):
    from stegvis.core.models import AuditEntry

    run("age-gender", "--federation", "alfa")
    entry = AuditEntry.objects.filter(action="export", object_type="report").get()
    assert entry.object_id == "age-gender"


def test_chart_is_svg_with_one_bar_per_non_zero_cell_and_no_bar_for_hidden_cells():
    svg = bar_chart(
        title="Test <&>",
        categories=["A & B", "C"],
        series=[("Kvinna", [3, "<5"]), ("Man", [0, 8])],
    )
    assert svg.startswith("<svg")
    assert "Test &lt;&amp;&gt;" in svg
    assert "A &amp; B" in svg
    assert svg.count('class="chart-bar s0" x=') == 1 + 1  # one bar, one legend swatch
    assert svg.count('class="chart-bar s1" x=') == 1 + 1
    assert "&lt;5" in svg
    assert "style=" not in svg  # CSP: no inline styles


def test_report_chart_leaves_out_all_zero_series(data, intervention):
    report = compute_report("age-gender", ReportFilters(interventions=(intervention,)))
    svg = report_chart(report)
    assert "Kvinna" in svg
    assert "Man" in svg
    assert "Annat" in svg  # one person with gender annat
    empty = compute_report(
        "age-gender", ReportFilters(date_from=date(2000, 1, 1), date_to=date(2000, 2, 1))
    )
    assert report_chart(empty) == ""
