import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accounts.validators import (
    PHONE_PATTERN,
    PIN_CODE_PATTERN,
    phone_clean,
    postal_code_clean,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("560001", "560001"),
        (" 560 001 ", "560001"),
        ("110011", "110011"),
    ],
)
def test_six_digit_pin_codes_are_accepted(raw, clean):
    assert postal_code_clean(raw) == clean


@pytest.mark.parametrize("raw", ["", "56001", "5600011", "060001", "56000A", "ABCDEF"])
def test_other_pin_codes_are_refused(raw):
    with pytest.raises(ValidationError) as error:
        postal_code_clean(raw)
    assert error.value.messages == ["Enter a 6-digit PIN code, like 560001."]


@pytest.mark.parametrize(
    "raw",
    ["9876543210", "+91 98765 43210", "+919876543210", "09876543210", "91-98765-43210"],
)
def test_indian_mobile_numbers_are_stored_with_the_country_code(raw):
    assert phone_clean(raw) == "+919876543210"


@pytest.mark.parametrize(
    "raw", ["", "12345", "5876543210", "+1 415 555 0100", "98765432101", "phone"]
)
def test_other_phone_numbers_are_refused(raw):
    with pytest.raises(ValidationError):
        phone_clean(raw)


def _accepted(clean, value: str) -> bool:
    try:
        clean(value)
    except ValidationError:
        return False
    return True


@given(st.text(alphabet="0123456789 \t", max_size=14))
def test_the_pin_code_pattern_accepts_what_the_cleaner_accepts(value):
    matched = re.match(PIN_CODE_PATTERN, value) is not None

    assert matched == _accepted(postal_code_clean, value)


@given(st.text(alphabet="0156789+ -().", max_size=20))
def test_the_phone_pattern_accepts_what_the_cleaner_accepts(value):
    matched = re.match(PHONE_PATTERN, value) is not None

    assert matched == _accepted(phone_clean, value)


@pytest.mark.parametrize(
    "value", ["+91 98765 43210", "(0) 98765-43210", "9876543210", "91.9876543210"]
)
def test_the_phone_pattern_takes_the_usual_spellings(value):
    assert re.match(PHONE_PATTERN, value)
