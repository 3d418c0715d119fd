"""One Swedish number format for pages, PDFs and spreadsheets.

Thousands are grouped with a thin no-break space (U+202F), decimals take a comma, amounts end
in "kr": ``37 500 kr``, ``2,5``.
"""

from __future__ import annotations

from decimal import Decimal

THIN_SPACE = "\u202f"


def number(value, decimals: int | None = None) -> str:
    """``37500`` → ``37 500``; ``2.5`` → ``2,5``; ``decimals`` fixes the number of decimals,
    otherwise whole numbers show none and others up to two (trailing zeros dropped)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if not isinstance(value, int | float | Decimal):
        try:
            value = Decimal(str(value))
        except ArithmeticError:
            return str(value)
    if decimals is None:
        text = f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:,.0f}"
    else:
        text = f"{value:,.{decimals}f}"
    return text.replace(",", THIN_SPACE).replace(".", ",")


def sek(value, decimals: int | None = None) -> str:
    """An amount in kronor: ``9 000 kr``."""
    if value is None or value == "":
        return "–"
    return f"{number(value, decimals)}{chr(0xA0)}kr"


def count(value: int, singular: str, plural: str) -> str:
    """``1 deltagande``, ``2 deltaganden``, ``12 345 poster``."""
    return f"{number(value)} {singular if value == 1 else plural}"
