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
    from decimal import Decimal

    from stegvis.core.formats import number

    if isinstance(value, float):
        return number(value, 1)
    if isinstance(value, int | Decimal):
        return number(value)
    return str(value)
