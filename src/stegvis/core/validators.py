"""Validators for Swedish identifiers that have no Django in them (see SPEC §1)."""

from __future__ import annotations

import re

_ORGNR_RE = re.compile(r"^(16)?(\d{6})-?(\d{4})$")


# The Luhn sum of a doubled digit: 2·d, minus 9 when that has two digits.
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
_DOUBLED_DIGIT = str.maketrans("0123456789", "".join(map(str, _DOUBLED)))


def luhn_checksum_ok(digits: str) -> bool:
    """The Luhn (mod 10) check used by personnummer and organisationsnummer.

    Every second digit from the right is doubled. Raises ``ValueError`` for non-digits.
    """
    if not digits.isdigit():
        raise ValueError(f"not digits: {digits!r}")
    if not digits.isascii():  # other decimal digits (Arabic-Indic, …) count as their values
        digits = "".join(str(int(char)) for char in digits)
    # The sum of the character codes, added up in C: each code is the digit plus 48.
    codes = sum(digits[-1::-2].encode()) + sum(digits[-2::-2].translate(_DOUBLED_DIGIT).encode())
    return (codes - 48 * len(digits)) % 10 == 0


def luhn_check_digit(first_nine: str) -> int:
    """The check digit that makes ``first_nine + digit`` pass the Luhn check."""
    total = 0
    # The check digit will sit at position 0 from the right, so these start at position 1.
    for index, char in enumerate(reversed(first_nine), start=1):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


class OrgNrError(ValueError):
    pass


def normalise_orgnr(value: str) -> str:
    """Return an organisationsnummer as ``NNNNNN-NNNN`` or raise :class:`OrgNrError`.

    The third digit of an organisationsnummer is at least 2 (it never looks like a month), and
    the last digit is a Luhn check digit over the ten digits. A sole trader's personnummer is
    not an organisationsnummer here.
    """
    cleaned = (value or "").strip().replace(" ", "")
    match = _ORGNR_RE.match(cleaned)
    if not match:
        raise OrgNrError("Organisationsnumret ska ha tio siffror, till exempel 802456-1234.")
    digits = match.group(2) + match.group(3)
    if int(digits[2]) < 2:
        raise OrgNrError("Organisationsnumrets tredje siffra ska vara minst 2.")
    if not luhn_checksum_ok(digits):
        raise OrgNrError("Organisationsnumrets kontrollsiffra stämmer inte.")
    return f"{digits[:6]}-{digits[6:]}"


def validate_orgnr(value: str) -> None:
    from django.core.exceptions import ValidationError

    try:
        normalise_orgnr(value)
    except OrgNrError as exc:
        raise ValidationError(str(exc), code="invalid_orgnr") from exc


_PLUSGIRO_RE = re.compile(r"^\d{1,7}-\d$")
_BANKGIRO_RE = re.compile(r"^\d{3,4}-\d{4}$")


def validate_giro(kind: str, number: str) -> str | None:
    """Check a plusgiro or bankgiro number (format and Luhn digit); return an error or None."""
    number = (number or "").strip()
    if kind == "plusgiro":
        if not _PLUSGIRO_RE.match(number):
            return "Plusgironumret ska skrivas som 1234567-8."
    elif kind == "bankgiro":
        if not _BANKGIRO_RE.match(number):
            return "Bankgironumret ska skrivas som 123-4567 eller 1234-5678."
    else:
        return None
    if not luhn_checksum_ok(number.replace("-", "")):
        return "Kontrollsiffran i gironumret stämmer inte."
    return None
