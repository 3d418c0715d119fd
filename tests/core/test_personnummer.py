import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stegvis.core.personnummer import (
    PersonalNumberError,
    generate_personal_number,
    is_valid_personal_number,
    parse_personal_number,
)
from stegvis.core.validators import luhn_check_digit

TODAY = date(2026, 11, 23)


def number(yymmdd: str, birth_number: str = "123", separator: str = "-", century: str = "") -> str:
    """A number with a correct check digit (the check covers the ten-digit form only)."""
    return f"{century}{yymmdd}{separator}{birth_number}{luhn_check_digit(yymmdd + birth_number)}"


def with_wrong_check_digit(value: str) -> str:
    return value[:-1] + str((int(value[-1]) + 1) % 10)


def error_for(value: str, today: date = TODAY) -> str:
    with pytest.raises(PersonalNumberError) as excinfo:
        parse_personal_number(value, today=today)
    return str(excinfo.value)


# --- Formats ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        number("900115"),
        number("900115", separator=""),
        number("900115", century="19"),
        number("900115", century="19", separator=""),
        "  " + number("900115") + "\n",
    ],
)
def test_every_accepted_format_gives_the_same_canonical_number(value):
    parsed = parse_personal_number(value, today=TODAY)
    expected = number("900115", century="19", separator="")
    assert parsed.number12 == expected
    assert parsed.formatted == f"{expected[:8]}-{expected[8:]}"
    assert parsed.birth_date == date(1990, 1, 15)
    assert not parsed.is_coordination_number


@pytest.mark.parametrize(
    "value",
    [
        "90011512345",  # 11 digits
        "900115-12345",
        "9001151234567",  # 13 digits
        "900115-123",
    ],
)
def test_wrong_number_of_digits_is_rejected(value):
    assert error_for(value) == "Personnumret ska ha 10 eller 12 siffror."


@pytest.mark.parametrize("value", ["90011a-1234", "900115-123X", "900115 1234", "900115/1234"])
def test_letters_and_other_characters_are_rejected(value):
    assert "bara innehålla siffror" in error_for(value)


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_value_asks_for_a_number(value):
    assert error_for(value) == "Ange ett personnummer eller samordningsnummer."


@pytest.mark.parametrize("value", ["9001-151234", "900115--1234", "1990-0115-1234"])
def test_separator_in_the_wrong_place_is_rejected(value):
    assert "ÅÅMMDD-NNNN" in error_for(value)


# --- Check digit -----------------------------------------------------------------------------


def test_skatteverkets_example_number_is_valid():
    assert is_valid_personal_number("811218-9876", today=TODAY)


def test_wrong_check_digit_is_rejected():
    assert error_for(with_wrong_check_digit(number("900115"))) == "Kontrollsiffran stämmer inte."


def test_check_digit_ignores_the_century_digits():
    # The check covers YYMMDDNNN only, so 19 and 20 give the same check digit.
    assert is_valid_personal_number(number("100115", century="19"), today=TODAY)
    assert is_valid_personal_number(number("100115", century="20"), today=TODAY)


# --- Dates -----------------------------------------------------------------------------------


def test_29_february_in_a_leap_year_is_valid():
    assert parse_personal_number(number("000229"), today=TODAY).birth_date == date(2000, 2, 29)


def test_29_february_1900_is_not_a_date():
    # 1900 is divisible by 100 but not by 400, so it is not a leap year.
    assert error_for(number("000229", century="19")) == "Datumet 1900-02-29 finns inte."


def test_29_february_in_a_common_year_is_not_a_date():
    assert error_for(number("230229")) == "Datumet 2023-02-29 finns inte."


@pytest.mark.parametrize(
    ("yymmdd", "message"),
    [
        ("901301", "Datumet 1990-13-01 finns inte."),
        ("900001", "Datumet 1990-00-01 finns inte."),
        ("900132", "Datumet 1990-01-32 finns inte."),
        ("900100", "Datumet 1990-01-00 finns inte."),
        ("900230", "Datumet 1990-02-30 finns inte."),
        ("900431", "Datumet 1990-04-31 finns inte."),
        ("900145", "Datumet 1990-01-45 finns inte."),  # neither a day nor day + 60
    ],
)
def test_impossible_dates_are_named(yymmdd, message):
    assert error_for(number(yymmdd)) == message


def test_birth_date_in_the_future_is_rejected():
    assert error_for(number("261124", century="20")) == "Födelsedatumet ligger i framtiden."


def test_born_today_is_valid():
    assert parse_personal_number(number("261123", century="20"), today=TODAY).age_on(TODAY) == 0


# --- Century: "-" and "+" --------------------------------------------------------------------


def test_minus_picks_the_latest_century_not_in_the_future():
    assert parse_personal_number(number("261123"), today=TODAY).birth_date == date(2026, 11, 23)
    assert parse_personal_number(number("261124"), today=TODAY).birth_date == date(1926, 11, 24)
    assert parse_personal_number(number("010101"), today=TODAY).birth_date == date(2001, 1, 1)
    assert parse_personal_number(number("300101"), today=TODAY).birth_date == date(1930, 1, 1)


def test_no_separator_is_read_like_minus():
    value = number("261124", separator="")
    assert parse_personal_number(value, today=TODAY).birth_date == date(1926, 11, 24)


def test_plus_on_the_hundredth_birthday_gives_a_centenarian():
    parsed = parse_personal_number(number("261123", separator="+"), today=TODAY)
    assert parsed.birth_date == date(1926, 11, 23)
    assert parsed.age_on(TODAY) == 100


def test_plus_the_day_before_the_hundredth_birthday_goes_back_another_century():
    parsed = parse_personal_number(number("261124", separator="+"), today=TODAY)
    assert parsed.birth_date == date(1826, 11, 24)


def test_minus_the_day_before_the_hundredth_birthday_gives_99():
    parsed = parse_personal_number(number("261124"), today=TODAY)
    assert parsed.age_on(TODAY) == 99


def test_plus_with_twelve_digits_is_accepted_for_a_centenarian():
    parsed = parse_personal_number(number("261123", separator="+", century="19"), today=TODAY)
    assert parsed.formatted.startswith("19261123-")


def test_plus_with_twelve_digits_is_rejected_for_someone_younger():
    assert "100 år" in error_for(number("261124", separator="+", century="19"))


def test_minus_with_twelve_digits_is_fine_for_a_centenarian():
    parsed = parse_personal_number(number("201231", century="19"), today=TODAY)
    assert parsed.age_on(TODAY) == 105


def test_default_reference_date_is_today():
    # Born 1 January 2000 with "-" can only be read as 2000 from now until 2099.
    assert parse_personal_number(number("000101")).birth_date == date(2000, 1, 1)


# --- Samordningsnummer -----------------------------------------------------------------------


def test_samordningsnummer_adds_60_to_the_day():
    parsed = parse_personal_number(number("900175"), today=TODAY)
    assert parsed.is_coordination_number
    assert parsed.birth_date == date(1990, 1, 15)
    assert parsed.number12.startswith("19900175")


def test_samordningsnummer_day_91_is_the_31st():
    assert parse_personal_number(number("900191"), today=TODAY).birth_date == date(1990, 1, 31)


def test_samordningsnummer_for_a_day_that_does_not_exist_is_rejected():
    assert error_for(number("900290")) == (
        "Datumet 1990-02-30 finns inte (samordningsnumrets dag 90 minus 60)."
    )


def test_samordningsnummer_day_92_is_rejected():
    assert "1990-01-32 finns inte" in error_for(number("900192"))


def test_samordningsnummer_29_february_follows_leap_years():
    assert parse_personal_number(number("000289"), today=TODAY).birth_date == date(2000, 2, 29)
    assert "2023-02-29 finns inte" in error_for(number("230289"))


def test_samordningsnummer_day_60_means_day_unknown():
    parsed = parse_personal_number(number("900360"), today=TODAY)
    assert parsed.is_coordination_number
    assert parsed.birth_date is None
    assert (parsed.birth_year, parsed.birth_month) == (1990, 3)
    assert parsed.formatted.startswith("19900360-")


def test_unknown_day_of_birth_counts_the_birthday_at_the_end_of_the_month():
    parsed = parse_personal_number(number("900260"), today=TODAY)
    assert parsed.age_on(date(2020, 2, 28)) == 30
    assert parsed.age_on(date(2020, 2, 27)) == 29


def test_unknown_day_in_the_current_month_is_not_in_the_future():
    parsed = parse_personal_number(number("261160", century="20"), today=TODAY)
    assert parsed.birth_year == 2026
    assert error_for(number("261260", century="20")) == "Födelsedatumet ligger i framtiden."


def test_unknown_day_with_plus_needs_a_certain_age_of_100():
    assert "100 år" in error_for(number("261160", separator="+", century="19"))
    assert is_valid_personal_number(number("261060", separator="+", century="19"), today=TODAY)


# --- Gender and age --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth_number", "gender"),
    [("001", "man"), ("010", "kvinna"), ("123", "man"), ("987", "man"), ("998", "kvinna")],
)
def test_gender_is_read_from_the_second_to_last_digit(birth_number, gender):
    assert parse_personal_number(number("900115", birth_number), today=TODAY).gender == gender


def test_age_on_29_february_birthday_turns_on_1_march_in_common_years():
    parsed = parse_personal_number(number("000229"), today=TODAY)
    assert parsed.age_on(date(2023, 2, 28)) == 22
    assert parsed.age_on(date(2023, 3, 1)) == 23
    assert parsed.age_on(date(2024, 2, 29)) == 24


# --- Generator -------------------------------------------------------------------------------


def test_generator_rejects_an_unknown_gender():
    with pytest.raises(ValueError, match="gender"):
        generate_personal_number(random.Random(1), date(1990, 1, 1), gender="annat")


def test_generator_is_reproducible_with_the_same_seed():
    first = generate_personal_number(random.Random(7), date(1990, 1, 1))
    assert first == generate_personal_number(random.Random(7), date(1990, 1, 1))


# --- Properties ------------------------------------------------------------------------------

birth_dates = st.dates(min_value=date(1827, 1, 1), max_value=TODAY)
genders = st.sampled_from(["man", "kvinna"])


@given(birth_dates, genders, st.booleans(), st.randoms(use_true_random=False))
def test_generated_numbers_parse_and_round_trip(birth_date, gender, coordination, rng):
    value = generate_personal_number(rng, birth_date, gender=gender, coordination=coordination)
    parsed = parse_personal_number(value, today=TODAY)
    assert parsed.formatted == value
    assert parsed.number12 == value.replace("-", "")
    assert parsed.birth_date == birth_date
    assert parsed.gender == gender
    assert parsed.is_coordination_number is coordination
    assert value[9:12] != "000"


@given(birth_dates, st.booleans(), st.randoms(use_true_random=False), st.integers(1, 9))
def test_changing_the_check_digit_makes_the_number_invalid(birth_date, coordination, rng, shift):
    value = generate_personal_number(rng, birth_date, coordination=coordination)
    changed = value[:-1] + str((int(value[-1]) + shift) % 10)
    assert not is_valid_personal_number(changed, today=TODAY)


@given(
    st.dates(min_value=TODAY - timedelta(days=199 * 365), max_value=TODAY),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_ten_digit_form_with_the_right_separator_equals_the_twelve_digit_form(
    birth_date, coordination, rng
):
    value = generate_personal_number(rng, birth_date, coordination=coordination)
    twelve = parse_personal_number(value, today=TODAY)
    separator = "+" if twelve.age_on(TODAY) >= 100 else "-"
    ten = value[2:8] + separator + value[9:]
    assert parse_personal_number(ten, today=TODAY) == twelve
