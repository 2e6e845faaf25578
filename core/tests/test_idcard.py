"""Resident ID numbers (GB 11643-1999), test plan B2: property tests of validation, birth date,
gender, the checksum, accepted spellings and masking."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from core import idcard

TODAY = date(2026, 6, 1)
FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@st.composite
def id_numbers(draw):
    region = draw(st.integers(min_value=110000, max_value=829999))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.integers(min_value=0, max_value=999))
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + idcard.check_char(first17), born, sequence


@given(id_numbers())
def test_every_valid_number_validates_and_round_trips_birth_date_and_gender(generated):
    number, born, sequence = generated
    assert idcard.validate(number, today=TODAY) == number
    assert idcard.birth_date(number) == born
    assert idcard.gender(number) == ("male" if sequence % 2 else "female")


@given(id_numbers(), st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_in_the_first_17_is_rejected(generated, position, delta):
    number = generated[0]
    digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(digit) + number[position + 1:]
    with pytest.raises(ValidationError):
        idcard.validate(changed, today=TODAY)


@given(id_numbers())
def test_a_wrong_check_character_is_rejected_with_the_right_one_named(generated):
    number = generated[0]
    for wrong in set("0123456789X") - {number[17]}:
        with pytest.raises(ValidationError, match=f"最后一位应为 {number[17]}"):
            idcard.validate(number[:17] + wrong, today=TODAY)


@given(id_numbers())
def test_full_width_digits_and_a_lowercase_x_are_accepted(generated):
    number = generated[0]
    assert idcard.validate(number.translate(FULLWIDTH), today=TODAY) == number
    assert idcard.validate(number.lower(), today=TODAY) == number
    assert idcard.validate(f" {number[:6]} {number[6:14]} {number[14:]} ", today=TODAY) == number


def test_a_lowercase_x_check_character_is_accepted():
    assert idcard.validate("11010519491231002x", today=TODAY) == "11010519491231002X"
    assert idcard.validate("11010519491231002ｘ", today=TODAY) == "11010519491231002X"


@given(id_numbers(), st.sampled_from("٠١٢٣٤٥٦٧٨٩߀०১௧๑"))
def test_digits_of_other_scripts_are_rejected(generated, foreign):
    """Only ASCII and full-width digits: others would slip past the blind index's uniqueness."""
    number = generated[0]
    with pytest.raises(ValidationError, match="格式不正确"):
        idcard.validate(foreign + number[1:], today=TODAY)
    with pytest.raises(ValidationError, match="格式不正确"):
        idcard.validate(number[:10] + foreign + number[11:], today=TODAY)


def _with_check(first17: str) -> str:
    return first17 + idcard.check_char(first17)


@pytest.mark.parametrize("birth, problem", [
    ("19900230", "出生日期 19900230 不是有效日期"),
    ("19901301", "出生日期 19901301 不是有效日期"),
    ("19900100", "出生日期 19900100 不是有效日期"),
    ("20230229", "出生日期 20230229 不是有效日期"),
    ("18991231", "出生日期 1899-12-31 不合理"),
    ("20260602", "出生日期 2026-06-02 不合理"),
])
def test_a_bad_birth_date_is_rejected_naming_the_problem(birth, problem):
    with pytest.raises(ValidationError, match=problem):
        idcard.validate(_with_check(f"110105{birth}001"), today=TODAY)


def test_a_leap_day_is_a_valid_birth_date():
    number = _with_check("11010520000229001")
    assert idcard.birth_date(idcard.validate(number, today=TODAY)) == date(2000, 2, 29)


@pytest.mark.parametrize("value, problem", [
    ("", "应为18位，当前为0位"),
    ("11010519491231002", "应为18位，当前为17位"),
    ("11010519491231002XX", "应为18位，当前为19位"),
    ("01010519491231002X", "格式不正确"),
    ("1101051949123100X2", "格式不正确"),
    ("11010519491231002Y", "格式不正确"),
])
def test_a_malformed_number_is_rejected_naming_the_problem(value, problem):
    with pytest.raises(ValidationError, match=problem):
        idcard.validate(value, today=TODAY)


@given(id_numbers())
def test_mask_shows_only_the_first_six_and_the_last_four(generated):
    number = generated[0]
    masked = idcard.mask(number)
    assert len(masked) == 18
    assert masked == number[:6] + "********" + number[14:]


@given(st.text(max_size=30))
def test_mask_hides_everything_of_a_value_that_is_not_18_long(value):
    assume(len(value) != 18)
    assert set(idcard.mask(value)) <= {"*"}


def test_a_number_born_today_is_accepted_and_tomorrow_is_not():
    today = _with_check(f"110105{TODAY:%Y%m%d}001")
    tomorrow = _with_check(f"110105{TODAY + timedelta(days=1):%Y%m%d}001")
    assert idcard.validate(today, today=TODAY) == today
    with pytest.raises(ValidationError):
        idcard.validate(tomorrow, today=TODAY)
