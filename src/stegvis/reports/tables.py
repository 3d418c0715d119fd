"""Report tables and small-cell suppression (SPEC §8). Pure Python, no Django.

A :class:`Table` holds exact numbers. :func:`suppress` returns a copy fit for use outside the
federation: every count from 1 to threshold − 1 becomes the text ``"<5"`` (for threshold 5),
and where a single hidden cell could be worked out from a shown total, one more cell is hidden
as ``".."`` (secondary suppression; such a cell is not small). Zeros are shown: they describe
nobody.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

Value = int | float | str | None
SECONDARY = ".."


@dataclass
class Row:
    key: str  # stable key, the JSON "label"
    label: str  # what people read
    values: list[Value]


@dataclass
class Table:
    title: str
    columns: list[str]
    column_labels: list[str]
    rows: list[Row]
    total: Row | None = None
    # Columns that count people (and so may be suppressed); None means every column.
    count_columns: set[int] | None = None
    # A column that is the sum of the other count columns of its row ("totalt").
    total_column: int | None = None
    # Columns whose total-row value is the sum of the rows above.
    additive_columns: set[int] = field(default_factory=set)
    # Column -> the count column it is derived from (a mean, a share): blanked when that count
    # is hidden.
    derived_from: dict[int, int] = field(default_factory=dict)
    suppressed_with: int | None = None
    secondary: int = 0  # cells hidden only so that small ones cannot be worked out

    def counts(self) -> set[int]:
        if self.count_columns is None:
            return set(range(len(self.columns))) - set(self.derived_from)
        return set(self.count_columns)

    @property
    def all_rows(self) -> list[Row]:
        return [*self.rows, self.total] if self.total else list(self.rows)

    def column(self, key: str) -> list[Value]:
        index = self.columns.index(key)
        return [row.values[index] for row in self.rows]


def suppressed_label(threshold: int) -> str:
    return f"<{threshold}"


def _small(value: Value, threshold: int) -> bool:
    return isinstance(value, int) and 0 < value < threshold


def suppress(table: Table, threshold: int) -> Table:
    """A copy of ``table`` with small cells hidden. Threshold 1 or less hides nothing."""
    result = copy.deepcopy(table)
    result.suppressed_with = threshold
    if threshold <= 1:
        return result
    rows = result.all_rows
    counts = sorted(table.counts())
    primary: set[tuple[int, int]] = {
        (r, c) for r, row in enumerate(rows) for c in counts if _small(row.values[c], threshold)
    }
    hidden = set(primary)
    lines = _lines(result, rows, counts)
    changed = True
    while changed:
        changed = False
        for parts, total in lines:
            if total in hidden:
                continue
            hidden_parts = [cell for cell in parts if cell in hidden]
            if len(hidden_parts) != 1:
                continue
            candidates = [
                cell
                for cell in parts
                if cell not in hidden
                and isinstance(rows[cell[0]].values[cell[1]], int)
                and rows[cell[0]].values[cell[1]] > 0
            ]
            if candidates:
                hidden.add(min(candidates, key=lambda cell: rows[cell[0]].values[cell[1]]))
            else:
                hidden.add(total)
            changed = True
    label = suppressed_label(threshold)
    for r, c in hidden:
        # A cell hidden only to protect another is not small: it says "hidden", not "<5".
        rows[r].values[c] = label if (r, c) in primary else SECONDARY
    result.secondary = len(hidden - primary)
    for r, row in enumerate(rows):
        for derived, base in result.derived_from.items():
            if (r, base) in hidden:
                row.values[derived] = None
    return result


def _lines(table: Table, rows: list[Row], counts: list[int]):
    """Groups of cells whose sum is shown: (parts, total cell)."""
    lines = []
    if table.total_column is not None:
        parts_columns = [c for c in counts if c != table.total_column]
        for r in range(len(rows)):
            lines.append(([(r, c) for c in parts_columns], (r, table.total_column)))
    if table.total is not None:
        total_row = len(rows) - 1
        for c in counts:
            if c in table.additive_columns:
                lines.append(([(r, c) for r in range(total_row)], (total_row, c)))
    return lines


def share(part: int, whole: int) -> float | None:
    """A percentage with one decimal, or None when there is nothing to divide."""
    if not whole:
        return None
    return round(100 * part / whole, 1)
