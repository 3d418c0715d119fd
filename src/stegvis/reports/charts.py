"""Server-side SVG bar charts (no JavaScript). Colours come from CSS classes in stegvis.css,
so the markup passes the Content-Security-Policy (no inline styles)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from stegvis.reports.tables import Value

SERIES_CLASSES = ("s0", "s1", "s2", "s3")


def _number(value: Value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _text(value: Value, unit: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.1f}".rstrip("0").rstrip(".")
    elif isinstance(value, int):
        text = f"{value:,}".replace(",", "\u2009")
    else:
        return str(value)
    return f"{text} {unit}".strip()


def _short(label: str, length: int = 30) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


def bar_chart(
    *,
    title: str,
    categories: list[str],
    series: list[tuple[str, list[Value]]],
    orientation: str = "horizontal",
    unit: str = "",
) -> str:
    """An accessible SVG: one group of bars per category, one bar per series. Hidden cells
    (text such as "<5") get no bar, only their text."""
    if orientation == "vertical":
        return _vertical(title, categories, series, unit)
    return _horizontal(title, categories, series, unit)


def _legend(series, y: int, x0: int) -> list[str]:
    parts = []
    x = x0
    for i, (name, _values) in enumerate(series):
        cls = SERIES_CLASSES[i % len(SERIES_CLASSES)]
        parts.append(f'<rect class="chart-bar {cls}" x="{x}" y="{y - 10}" width="12" height="12"/>')
        parts.append(f'<text class="chart-legend" x="{x + 17}" y="{y}">{escape(name)}</text>')
        x += 28 + 8 * len(name)
    return parts


def _max(series) -> float:
    numbers = [n for _name, values in series for n in map(_number, values) if n is not None]
    return max([*numbers, 0]) or 1.0


def _horizontal(title, categories, series, unit) -> str:
    width, left, right = 720, 230, 70
    bar, gap = 13, 12
    group = bar * len(series) + gap
    top = 34
    height = top + group * len(categories) + 10
    scale = (width - left - right) / _max(series)
    parts = _legend(series, 18, left)
    for c, category in enumerate(categories):
        y0 = top + c * group
        middle = y0 + (bar * len(series)) / 2 + 4
        parts.append(
            f'<text class="chart-label" x="{left - 8}" y="{middle:.1f}" text-anchor="end">'
            f"<title>{escape(category)}</title>{escape(_short(category))}</text>"
        )
        for s, (_name, values) in enumerate(series):
            value = values[c]
            number = _number(value)
            y = y0 + s * bar
            cls = SERIES_CLASSES[s % len(SERIES_CLASSES)]
            length = max(0.0, (number or 0) * scale)
            if number:
                parts.append(
                    f'<rect class="chart-bar {cls}" x="{left}" y="{y}" '
                    f'width="{length:.1f}" height="{bar - 2}"/>'
                )
            parts.append(
                f'<text class="chart-value" x="{left + length + 4:.1f}" y="{y + bar - 3}">'
                f"{escape(_text(value, unit))}</text>"
            )
    parts.append(
        f'<line class="chart-axis" x1="{left}" y1="{top - 4}" x2="{left}" y2="{height - 8}"/>'
    )
    return _svg(title, width, height, parts)


def _vertical(title, categories, series, unit) -> str:
    rotate = len(categories) > 10
    top, bottom, left = 40, 58, 44 if rotate else 16
    slot = max(18, min(120, 1000 // max(1, len(categories))))
    bar = max(4, min(34, (slot - 14) // max(1, len(series))))
    width = max(900, left * 2 + slot * len(categories))
    height = 340
    plot = height - top - bottom
    scale = plot / _max(series)
    parts = _legend(series, 18, left)
    base = height - bottom
    show_values = len(categories) * len(series) <= 36
    for c, category in enumerate(categories):
        x0 = left + c * slot + 4
        for s, (_name, values) in enumerate(series):
            value = values[c]
            number = _number(value)
            x = x0 + s * bar
            cls = SERIES_CLASSES[s % len(SERIES_CLASSES)]
            length = max(0.0, (number or 0) * scale)
            if number:
                parts.append(
                    f'<rect class="chart-bar {cls}" x="{x}" y="{base - length:.1f}" '
                    f'width="{bar - 1}" height="{length:.1f}"><title>{escape(category)}: '
                    f"{escape(_text(value, unit))}</title></rect>"
                )
            if show_values or not number:
                parts.append(
                    f'<text class="chart-value" x="{x + bar / 2:.1f}" y="{base - length - 3:.1f}"'
                    f' text-anchor="middle">{escape(_text(value, unit))}</text>'
                )
        cx = x0 + (bar * len(series)) / 2
        category = _short(category, 12 if rotate else 18)
        if rotate:
            parts.append(
                f'<text class="chart-label" x="{cx:.1f}" y="{base + 12}" text-anchor="end" '
                f'transform="rotate(-45 {cx:.1f} {base + 12})">'
                f"{escape(category)}</text>"
            )
        else:
            parts.append(
                f'<text class="chart-label" x="{cx:.1f}" y="{base + 16}" text-anchor="middle">'
                f"{escape(category)}</text>"
            )
    parts.append(
        f'<line class="chart-axis" x1="{left}" y1="{base}" x2="{width - left}" y2="{base}"/>'
    )
    return _svg(title, width, height, parts)


def _svg(title: str, width: int, height: int, parts: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title, {chr(34): "&quot;"})}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>" + "".join(parts) + "</svg>"
    )


def report_chart(report) -> str:
    """The chart of a computed report, or "" when the report has nothing to draw."""
    definition = report.definition
    table = report.table
    if not definition.chart_columns or not table.rows:
        return ""
    columns = [c for c in definition.chart_columns if c in table.columns]
    series = [(table.column_labels[table.columns.index(c)], table.column(c)) for c in columns]
    # A series with nothing but zeros (say, gender "annat" in most federations) only clutters.
    series = [(name, values) for name, values in series if any(v not in (0, None) for v in values)]
    if not series or not any(_number(v) for _name, values in series for v in values):
        return ""
    return bar_chart(
        title=table.title,
        categories=[row.label for row in table.rows],
        series=series,
        orientation=definition.chart_orientation,
        unit=definition.chart_unit,
    )
