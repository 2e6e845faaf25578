"""Resident ID numbers (公民身份号码, GB 11643-1999): validation, birth date, gender, masking."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸｘX", "0123456789XXX")
# ASCII digits only: \d would also take Arabic-Indic, Devanagari … digits, which int() reads,
# so one number could be registered twice under different blind indexes.
_SHAPE = re.compile(r"^[1-9][0-9]{16}[0-9X]$")


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalize(value: str) -> str:
    """Full-width digits and a lowercase x are accepted; spaces are dropped."""
    return "".join(str(value).translate(_FULLWIDTH).split()).upper()


def birth_date(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender(number: str) -> str:
    return "male" if int(number[16]) % 2 else "female"


def validate(value: str, *, today: date | None = None) -> str:
    """Return the normalized number or raise ValidationError naming what is wrong."""
    number = normalize(value)
    if len(number) != 18:
        raise ValidationError(f"身份证号应为18位，当前为{len(number)}位")
    if not _SHAPE.match(number):
        raise ValidationError("身份证号格式不正确：前17位应为数字，最后一位为数字或X")
    try:
        born = birth_date(number)
    except ValueError as exc:
        raise ValidationError(f"身份证号中的出生日期 {number[6:14]} 不是有效日期") from exc
    today = today or timezone.localdate()
    if born > today or born.year < 1900:
        raise ValidationError(f"身份证号中的出生日期 {born:%Y-%m-%d} 不合理")
    expected = check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(f"身份证号校验码错误：最后一位应为 {expected}")
    return number


def mask(number: str) -> str:
    """120101********123X: region kept, birth date and sequence hidden."""
    if len(number) != 18:
        return "*" * len(number)
    return number[:6] + "*" * 8 + number[14:]
