"""Swedish personal identity numbers: personnummer and samordningsnummer (SPEC §3).

Pure Python, no Django. :func:`parse_personal_number` accepts what people type
(``YYMMDD-NNNN``, ``YYMMDD+NNNN``, ``YYMMDDNNNN``, ``YYYYMMDD-NNNN``, ``YYYYMMDDNNNN``) and
returns a :class:`PersonalNumber` whose ``number12`` is the one canonical form to store and hash.

Rules, following Skatteverket:

* The ten-digit form has no century. ``-`` (or no separator) means the person is younger than
  100 at the reference date, ``+`` means 100 or older; the century is chosen accordingly.
* A samordningsnummer (coordination number) adds 60 to the day of birth (61–91). We also
  accept day 60, for samordningsnummer only, read as "day of birth unknown" (00 + 60): such a
  number has ``birth_date`` ``None`` while ``birth_year`` and ``birth_month`` are kept. An
  unknown month (00) is not accepted.
* The last digit is a Luhn check digit over the other nine digits of the ten-digit form.
* The second-to-last digit is odd for men and even for women (as registered).
"""

from __future__ import annotations

import calendar
import random
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from stegvis.core.validators import luhn_check_digit, luhn_checksum_ok

Gender = Literal["man", "kvinna"]

COORDINATION_DAY_OFFSET = 60
# A samordningsnummer with this day means "day of birth unknown".
UNKNOWN_DAY = COORDINATION_DAY_OFFSET

_SWEDISH_TIME = ZoneInfo("Europe/Stockholm")
_NUMBER_RE = re.compile(r"^(?P<century>\d{2})?(?P<date>\d{6})(?P<sep>[-+]?)(?P<serial>\d{4})$")


class PersonalNumberError(ValueError):
    """The value is not a valid personnummer or samordningsnummer; the message is Swedish."""


@dataclass(frozen=True)
class PersonalNumber:
    number12: str
    birth_year: int
    birth_month: int
    # None only for a samordningsnummer with an unknown day of birth (day 60).
    birth_date: date | None
    is_coordination_number: bool

    @property
    def formatted(self) -> str:
        return f"{self.number12[:8]}-{self.number12[8:]}"

    @property
    def gender(self) -> Gender:
        return "man" if int(self.number12[-2]) % 2 else "kvinna"

    def age_on(self, day: date) -> int:
        """Age in completed years on ``day``.

        Someone born on 29 February turns a year older on 1 March in other years. When the day of
        birth is unknown, the birthday is taken as the last day of the birth month, so the result
        is the age the person has certainly reached.
        """
        if self.birth_date is not None:
            birth_month, birth_day = self.birth_date.month, self.birth_date.day
        else:
            birth_month = self.birth_month
            birth_day = calendar.monthrange(self.birth_year, self.birth_month)[1]
        before_birthday = (day.month, day.day) < (birth_month, birth_day)
        return day.year - self.birth_year - before_birthday


def parse_personal_number(value: str, today: date | None = None) -> PersonalNumber:
    """Parse a personnummer or samordningsnummer, or raise :class:`PersonalNumberError`.

    ``today`` is the reference date for the century of a ten-digit number and for "not born in
    the future"; it defaults to today's date in Sweden.
    """
    if today is None:
        today = datetime.now(_SWEDISH_TIME).date()
    cleaned = (value or "").strip()
    match = _NUMBER_RE.match(cleaned)
    if not match:
        raise PersonalNumberError(_format_problem(cleaned))

    yymmdd, separator, serial = match["date"], match["sep"], match["serial"]
    month, coded_day = int(yymmdd[2:4]), int(yymmdd[4:6])
    is_coordination = coded_day >= COORDINATION_DAY_OFFSET
    day = coded_day - COORDINATION_DAY_OFFSET if is_coordination else coded_day

    if match["century"] is not None:
        year = int(match["century"] + yymmdd[:2])
    else:
        year = _year_for_ten_digits(int(yymmdd[:2]), month, day, plus=separator == "+", today=today)

    birth_date = _birth_date(year, month, day, is_coordination=is_coordination)
    if (year, month, day) > (today.year, today.month, today.day):
        raise PersonalNumberError("Födelsedatumet ligger i framtiden.")
    if not luhn_checksum_ok(yymmdd + serial):
        raise PersonalNumberError("Kontrollsiffran stämmer inte.")

    number = PersonalNumber(
        number12=f"{year:04d}{yymmdd[2:]}{serial}",
        birth_year=year,
        birth_month=month,
        birth_date=birth_date,
        is_coordination_number=is_coordination,
    )
    if separator == "+" and number.age_on(today) < 100:
        raise PersonalNumberError(
            "Plustecknet betyder att personen är 100 år eller äldre, "
            "men födelsedatumet stämmer inte med det."
        )
    return number


def is_valid_personal_number(value: str, today: date | None = None) -> bool:
    try:
        parse_personal_number(value, today=today)
    except PersonalNumberError:
        return False
    return True


def generate_personal_number(
    rng: random.Random,
    birth_date: date,
    gender: Gender | None = None,
    coordination: bool = False,
) -> str:
    """A valid number for ``birth_date`` as ``YYYYMMDD-NNNN`` (for demo data and benchmarks).

    The birth number (the three digits after the date) is never 000.
    """
    if gender is None:
        gender = rng.choice(("man", "kvinna"))
    if gender not in ("man", "kvinna"):
        raise ValueError(f"gender must be 'man', 'kvinna' or None, not {gender!r}")
    gender_digits = (1, 3, 5, 7, 9) if gender == "man" else (0, 2, 4, 6, 8)
    while True:
        birth_number = f"{rng.randrange(100):02d}{rng.choice(gender_digits)}"
        if birth_number != "000":
            break
    day = birth_date.day + (COORDINATION_DAY_OFFSET if coordination else 0)
    yymmdd = f"{birth_date.year % 100:02d}{birth_date.month:02d}{day:02d}"
    check = luhn_check_digit(yymmdd + birth_number)
    return f"{birth_date.year:04d}{yymmdd[2:]}-{birth_number}{check}"


def _format_problem(cleaned: str) -> str:
    if not cleaned:
        return "Ange ett personnummer eller samordningsnummer."
    if re.search(r"[^\d+-]", cleaned):
        return (
            "Personnumret får bara innehålla siffror och ett bindestreck eller plustecken "
            "före de fyra sista siffrorna."
        )
    digits = re.sub(r"\D", "", cleaned)
    if len(digits) not in (10, 12):
        return "Personnumret ska ha 10 eller 12 siffror."
    return "Skriv personnumret som ÅÅMMDD-NNNN eller ÅÅÅÅMMDD-NNNN."


def _year_for_ten_digits(yy: int, month: int, day: int, *, plus: bool, today: date) -> int:
    """The year ending in ``yy`` that gives an age of 0–99 (``-``) or 100–199 (``+``).

    Compares (year, month, day) as tuples so that an impossible date still gets a century and
    the caller can name the exact date that does not exist. An unknown day (0) sorts first.
    """
    year = today.year - (today.year - yy) % 100
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    return year - 100 if plus else year


def _birth_date(year: int, month: int, day: int, *, is_coordination: bool) -> date | None:
    if is_coordination and day == 0 and 1 <= month <= 12:
        return None  # day 60: day of birth unknown
    try:
        return date(year, month, day)
    except ValueError:
        shown = f"{year:04d}-{month:02d}-{day:02d}"
        if is_coordination:
            coded_day = day + COORDINATION_DAY_OFFSET
            raise PersonalNumberError(
                f"Datumet {shown} finns inte (samordningsnumrets dag {coded_day} minus 60)."
            ) from None
        raise PersonalNumberError(f"Datumet {shown} finns inte.") from None
