"""Small-cell suppression for reports for external use (SPEC §8)."""

from datetime import date

import pytest

from stegvis.reports import build_report
from stegvis.reports.tables import Row, Table, suppress


def gender_table(rows, total=None):
    """Rows of [kvinna, man, annat] with a row total and a total row."""
    table_rows = [Row(f"r{i}", f"r{i}", [*values, sum(values)]) for i, values in enumerate(rows)]
    totals = [sum(r.values[c] for r in table_rows) for c in range(4)]
    return Table(
        "t",
        ["kvinna", "man", "annat", "totalt"],
        ["Kvinna", "Man", "Annat", "Totalt"],
        table_rows,
        total=Row("totalt", "Totalt", totals),
        total_column=3,
        additive_columns={0, 1, 2, 3},
    )


def values(table):
    return [row.values for row in table.all_rows]


def test_cells_from_one_to_threshold_minus_one_are_hidden_and_zero_is_shown():
    table = gender_table([[4, 0, 3]])
    hidden = suppress(table, 5)
    assert hidden.rows[0].values == ["<5", 0, "<5", 7]
    assert hidden.total.values == ["<5", 0, "<5", 7]
    assert hidden.suppressed_with == 5
    assert table.rows[0].values[0] == 4  # the exact table is untouched


def test_a_lone_hidden_cell_in_a_row_hides_one_more_so_the_total_gives_nothing_away():
    table = gender_table([[3, 10, 0], [20, 30, 0]])
    hidden = suppress(table, 5)
    # Row: 3 hidden, 10 is the smallest other positive cell.
    assert hidden.rows[0].values == ["<5", "..", 0, 13]
    # Column kvinna: the 3 is hidden and 20 must go too (the column total would reveal it).
    # ...and then row two has one hidden cell, so 30 goes as well.
    assert hidden.rows[1].values == ["..", "..", 0, 50]
    assert hidden.secondary == 3


def test_when_nothing_else_can_hide_a_cell_the_total_is_hidden():
    table = gender_table([[3, 0, 0], [0, 0, 0]])
    hidden = suppress(table, 5)
    assert hidden.rows[0].values == ["<5", 0, 0, "<5"]
    assert hidden.total.values[0] == "<5"


def test_threshold_is_the_federations_setting():
    table = gender_table([[7, 12, 0]])
    assert suppress(table, 10).rows[0].values[0] == "<10"
    assert suppress(table, 1).rows[0].values == [7, 12, 0, 19]


def test_derived_values_are_blanked_with_the_count_they_come_from():
    table = Table(
        "g",
        ["count", "mean"],
        ["Antal", "Medel"],
        [Row("a", "a", [3, 2.5]), Row("b", "b", [8, 3.1])],
        count_columns={0},
        derived_from={1: 0},
    )
    hidden = suppress(table, 5)
    assert hidden.rows[0].values == ["<5", None]
    assert hidden.rows[1].values == [8, 3.1]


@pytest.mark.django_db
def test_external_report_hides_small_cells_and_exact_report_does_not(
    scope, intervention, make_enrolment
):
    for _ in range(6):
        make_enrolment(date(2026, 1, 1), gender="kvinna")
    for _ in range(2):
        make_enrolment(date(2026, 1, 1), gender="man")
    exact = build_report("age-gender", intervention=intervention)
    external = build_report("age-gender", intervention=intervention, external=True)
    assert next(r for r in exact["rows"] if r["label"] == "30-39")["values"] == [6, 2, 0, 8]
    row = next(r for r in external["rows"] if r["label"] == "30-39")["values"]
    assert row[1] == "<5"
    assert row[0] == ".."  # secondary: 6 would reveal the 2 through the row total 8
    assert row[3] == 8


@pytest.mark.django_db
def test_external_report_uses_the_federation_threshold(scope, intervention, make_enrolment):
    scope.settings = {"small_cell_threshold": 10}
    scope.save()
    for _ in range(7):
        make_enrolment(date(2026, 1, 1))
    result = build_report("age-gender", intervention=intervention, external=True)
    assert result["total"]["values"][0] == "<10"
