"""Swedish personal identity numbers (personnummer) and coordination numbers
(samordningsnummer), SPEC §3. Pure Python, no Django.

Accepted forms: ``YYMMDD-NNNN``, ``YYMMDD+NNNN`` (``+``: 100 years or older), ``YYMMDDNNNN``,
``YYYYMMDD-NNNN`` and ``YYYYMMDDNNNN``. The last digit is a Luhn check digit over the ten-digit
form. A samordningsnummer has 60 added to the day; day 60 (birth day unknown) is accepted for
samordningsnummer only, and its birth date is then taken as the first of the month.
"""

from __future__ import annotations

import calendar
import random
import re
from dataclasses import dataclass
from datetime import date

from stegvis.core.validators import luhn_check_digit, luhn_checksum_ok

_RE = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$")


class PersonalNumberError(ValueError):
    pass


@dataclass(frozen=True)
class PersonalNumber:
    number12: str
    birth_date: date
    is_coordination_number: bool
    birth_day_unknown: bool = False

    @property
    def formatted(self) -> str:
        return f"{self.number12[:8]}-{self.number12[8:]}"

    @property
    def gender(self) -> str:
        return "kvinna" if int(self.number12[10]) % 2 == 0 else "man"

    def age_on(self, day: date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _real_date(year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise PersonalNumberError(f"Månaden {month:02d} finns inte.")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise PersonalNumberError(f"Datumet {year:04d}-{month:02d}-{day:02d} finns inte.")
    return date(year, month, day)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def parse_personal_number(value: str, today: date | None = None) -> PersonalNumber:
    # The pure module has no time zone; callers in Django pass timezone.localdate().
    today = today or date.today()  # noqa: DTZ011
    text = (value or "").strip().replace(" ", "")
    match = _RE.match(text)
    if not match:
        digits = re.sub(r"\D", "", text)
        if len(digits) not in (10, 12) or re.search(r"[^\d+-]", text):
            raise PersonalNumberError(
                "Personnumret ska ha 10 eller 12 siffror, till exempel 19900101-1234."
            )
        raise PersonalNumberError("Personnumret har fel format: skriv ÅÅÅÅMMDD-NNNN.")
    century, yy, mm, dd, separator, serial, check = match.groups()
    month, day = int(mm), int(dd)
    coordination = day > 60
    unknown_day = day == 60
    if unknown_day:
        coordination = True
    real_day = day - 60 if coordination else day
    ten = f"{yy}{mm}{dd}{serial}{check}"
    if not luhn_checksum_ok(ten):
        raise PersonalNumberError("Kontrollsiffran stämmer inte.")
    if century is not None:
        year = int(century + yy)
        probe = _real_date(year, month, 1 if unknown_day else real_day)
        if separator == "+" and _age(probe, today) < 100:
            raise PersonalNumberError("Plustecken används bara för personer som fyllt 100 år.")
    else:
        # The latest century that puts the birth date in the past; "+" adds a hundred years.
        year = today.year // 100 * 100 + int(yy)
        if year > today.year:
            year -= 100
        if _real_date(year, month, 1 if unknown_day else real_day) > today:
            year -= 100
        if separator == "+":
            year -= 100
    birth = _real_date(year, month, 1 if unknown_day else real_day)
    if birth > today:
        raise PersonalNumberError("Födelsedatumet ligger i framtiden.")
    number12 = f"{year:04d}{mm}{dd}{serial}{check}"
    return PersonalNumber(number12, birth, coordination, unknown_day)


def is_valid_personal_number(value: str, today: date | None = None) -> bool:
    try:
        parse_personal_number(value, today)
    except PersonalNumberError:
        return False
    return True


def generate_personal_number(
    rng: random.Random, birth_date: date, gender: str | None = None, coordination: bool = False
) -> str:
    """A valid number (``YYYYMMDD-NNNN``) for the birth date, for demo data and benchmarks."""
    day = birth_date.day + (60 if coordination else 0)
    serial = rng.randint(0, 99)
    gender_digit = rng.randrange(0, 10, 2) if gender == "kvinna" else rng.randrange(1, 10, 2)
    if gender is None:
        gender_digit = rng.randint(0, 9)
    nine = f"{birth_date:%y%m}{day:02d}{serial:02d}{gender_digit}"
    check = luhn_check_digit(nine)
    return f"{birth_date.year:04d}{birth_date:%m}{day:02d}-{serial:02d}{gender_digit}{check}"
