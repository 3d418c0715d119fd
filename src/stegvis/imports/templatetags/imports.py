from __future__ import annotations

from django import template

from stegvis.imports.tables import SWEDISH_LABELS

register = template.Library()


@register.filter
def swedish_column(key: str) -> str:
    """The Swedish column name an import accepts for ``key``: ``start_date`` → "startdatum"."""
    return SWEDISH_LABELS.get(key, key)
