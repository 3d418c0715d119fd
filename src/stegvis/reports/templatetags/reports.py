from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def cell(value) -> str:
    """A table cell: thousands grouped, one decimal for shares and means, "–" for nothing."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0")
    return str(value)
