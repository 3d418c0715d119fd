import pytest
from hypothesis import given
from hypothesis import strategies as st

from stegvis.core.validators import (
    OrgNrError,
    luhn_check_digit,
    luhn_checksum_ok,
    normalise_orgnr,
    validate_giro,
)

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("802456-1236", None),  # computed below
        ("2021005489", "202100-5489"),  # Skatteverket's example
        ("16202100-5489", "202100-5489"),
    ],
)
def test_known_orgnr(value, expected):
    if expected is None:
        digits = "802456123"
        value = f"802456-123{luhn_check_digit(digits)}"
        expected = value
    assert normalise_orgnr(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("202100-5488", "kontrollsiffra"),
        ("202100-548", "tio siffror"),
        ("20210054899", "tio siffror"),
        ("abcdef-ghij", "tio siffror"),
        ("", "tio siffror"),
        ("811228-9874", "tredje siffra"),  # a personnummer (third digit 1) is not an org.nr
    ],
)
def test_invalid_orgnr_has_swedish_reason(value, message):
    with pytest.raises(OrgNrError, match=message):
        normalise_orgnr(value)


@given(nine_digits.filter(lambda d: int(d[2]) >= 2))
def test_any_orgnr_with_its_check_digit_is_valid(first_nine):
    digits = first_nine + str(luhn_check_digit(first_nine))
    assert normalise_orgnr(digits) == f"{digits[:6]}-{digits[6:]}"


@given(nine_digits.filter(lambda d: int(d[2]) >= 2), st.integers(1, 9))
def test_any_other_check_digit_is_rejected(first_nine, offset):
    wrong = (luhn_check_digit(first_nine) + offset) % 10
    with pytest.raises(OrgNrError):
        normalise_orgnr(first_nine + str(wrong))


@given(st.text(alphabet="0123456789", min_size=1, max_size=20))
def test_luhn_check_digit_always_passes(digits):
    assert luhn_checksum_ok(digits + str(luhn_check_digit(digits)))


@given(st.text(alphabet="0123456789٣४", min_size=1, max_size=20))
def test_luhn_check_is_the_sum_of_digits_and_doubled_digits(digits):
    """Digit by digit as the definition says, for ASCII digits and other decimal digits."""
    values = [int(c) for c in reversed(digits)]
    total = sum(v if i % 2 == 0 else (2 * v if v < 5 else 2 * v - 9) for i, v in enumerate(values))
    assert luhn_checksum_ok(digits) == (total % 10 == 0)


def test_giro_numbers():
    assert validate_giro("plusgiro", "4711-2") is not None or luhn_checksum_ok("47112")
    body = "123456"
    good = f"{body}-{luhn_check_digit(body)}"
    assert validate_giro("plusgiro", good) is None
    bad = f"{body}-{(luhn_check_digit(body) + 1) % 10}"
    assert "Kontrollsiffran" in validate_giro("plusgiro", bad)
    assert "1234567-8" in validate_giro("plusgiro", "12345678")
    assert "bankgiro" in validate_giro("bankgiro", "12-34").lower()
