"""Phone numbers as the archive keeps them: normalised (a mainland mobile or a fixed line with its
area code) and masked for display."""

import re

from django.core.exceptions import ValidationError

_PHONE_FULLWIDTH = str.maketrans("０１２３４５６７８９＋－", "0123456789+-")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_FIXED = re.compile(r"^0[0-9]{9,11}$")


def normalize_phone(value: str) -> str:
    """A mainland mobile (1[3-9] and 9 digits) or a fixed line with area code; full-width
    digits, spaces, hyphens and a +86 prefix are accepted. Empty stays empty."""
    text = re.sub(r"[\s-]", "", str(value or "").translate(_PHONE_FULLWIDTH))
    text = text.removeprefix("+86").removeprefix("0086") if len(text) > 11 else text
    if not text:
        return ""
    if _MOBILE.match(text) or _FIXED.match(text):
        return text
    raise ValidationError("联系电话格式不正确：手机号应为以1开头的11位数字，固定电话须带区号")


def mask_phone(number: str) -> str:
    """138****1234: the first 3 and the last 4 digits kept."""
    return number[:3] + "*" * (len(number) - 7) + number[-4:] if len(number) > 7 else "*" * len(number)
