"""A small server-side SVG line chart of step-wise ratings (1–5 over time). No Django in here.

Colours come from CSS classes (``series-0`` … ``series-5``) so the page's Content Security
Policy (no inline styles) holds; the caller shows the legend and a table with the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 14, 32
LOW, HIGH = 1, 5


@dataclass(frozen=True)
class Series:
    label: str
    points: list[tuple[date, int]]


def _x(day: date, first: date, last: date) -> float:
    span = (last - first).days
    inner = WIDTH - LEFT - RIGHT
    if span == 0:
        return LEFT + inner / 2
    return LEFT + inner * (day - first).days / span


def _y(score: float) -> float:
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner * (HIGH - score) / (HIGH - LOW)


def progress_svg(series: list[Series], *, title: str) -> str:
    """An accessible SVG (role=img with a title); empty string when there is nothing to draw."""
    days = sorted({day for s in series for day, _ in s.points})
    if not days:
        return ""
    first, last = days[0], days[-1]
    parts = [
        f'<svg class="progress-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title, {chr(34): "&quot;"})}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for score in range(LOW, HIGH + 1):
        y = _y(score)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
        parts.append(f'<text class="axis" x="{LEFT - 12}" y="{y + 5}">{score}</text>')
    ticks = days if len(days) <= 6 else [days[round(i * (len(days) - 1) / 5)] for i in range(6)]
    ticks = list(dict.fromkeys(ticks))
    for i, day in enumerate(ticks):
        # The outermost labels lean inwards so they are not cut at the edges.
        edge = " axis-x-start" if i == 0 and len(ticks) > 1 else ""
        edge = " axis-x-end" if i == len(ticks) - 1 and len(ticks) > 1 else edge
        parts.append(
            f'<text class="axis axis-x{edge}" x="{_x(day, first, last):.1f}" y="{HEIGHT - 8}">'
            f"{day:%Y-%m-%d}</text>"
        )
    for index, s in enumerate(series):
        points = sorted(s.points)
        if not points:
            continue
        css = f"series series-{index % 6}"
        # Spread equal scores a little so overlapping lines stay visible.
        offset = (index - (len(series) - 1) / 2) * 2.5
        coords = " ".join(f"{_x(d, first, last):.1f},{_y(v) + offset:.1f}" for d, v in points)
        if len(points) > 1:
            parts.append(f'<polyline class="{css}" points="{coords}"/>')
        for day, value in points:
            x, y = _x(day, first, last), _y(value) + offset
            parts.append(
                f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="4">'
                f"<title>{escape(s.label)} {day:%Y-%m-%d}: {value}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)
