"""Dues rules (rules.md §5; 中组部《关于中国共产党党费收缴、使用和管理的规定》2008, the 2008 规定;
《中国共产党党章》第九条). Data plus small pure functions: no database, no float.

Money is integer fen (分) throughout. The written rounding rule (ROUNDING_RULE): the monthly
amount is the whole base times the rate of the base's tier, rounded to the fen, halves up,
computed in integers (``rate_amount``): 1.5 % of 1,234.57 yuan is 18.51855 → 18.52 yuan, 0.5 %
of 1.01 yuan is 0.00505 → 0.01 yuan. tests/test_rules.py holds the cases.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models

from orgs.rules import local_setting

SOURCE = "《关于中国共产党党费收缴、使用和管理的规定》（2008）"
ARTICLE_9 = "《中国共产党党章》第九条"
ROUNDING_RULE = "月缴纳额 = 基数 × 费率，按四舍五入保留到分"


class Category(models.TextChoices):
    EMPLOYED = "employed", "在职"
    RETIRED = "retired", "离退休"
    FARMER = "farmer", "农民"
    STUDENT = "student", "学生"
    UNEMPLOYED = "unemployed", "下岗失业"
    RELIEF = "relief", "享受最低生活保障"


# One rate on the whole base (not progressive), in basis points (1 bp = 0.01 %); each tier is
# (the highest base in fen it covers, or None for the rest; the rate).
EMPLOYED_TIERS: tuple[tuple[int | None, int], ...] = (
    (300_000, 50),  # ≤ 3,000 yuan: 0.5 %
    (500_000, 100),  # ≤ 5,000: 1 %
    (1_000_000, 150),  # ≤ 10,000: 1.5 %
    (None, 200),  # > 10,000: 2 %
)
RETIRED_TIERS: tuple[tuple[int | None, int], ...] = (
    (500_000, 50),  # ≤ 5,000 yuan: 0.5 %
    (None, 100),  # > 5,000: 1 %
)
TIERS = {Category.EMPLOYED: EMPLOYED_TIERS, Category.RETIRED: RETIRED_TIERS}
FIXED_FEN = 20  # students, the unemployed, people on relief: 0.2 yuan a month
FARMER_MIN_FEN, FARMER_MAX_FEN = 20, 100  # farmers: 0.2–1 yuan a month, set locally
# Above this a monthly salary after tax is a typing slip (a yearly figure, an extra zero), not a
# base: 1,000,000 yuan a month. Local practice, not the 2008 规定.
MAX_BASE_FEN = 100_000_000

MAX_MONTHS_BACK = 6  # arrears may be paid for at most 6 months back (rules.md §5)
MAX_MONTHS_AHEAD = 6  # and ahead by as much
LEAVING_MONTHS = 6  # 党章第九条: 6 consecutive months without paying → handled as leaving
PAYMENT_SPANS = (1, 3)  # monthly, or quarterly with the branch's consent

# Local rules (rules.md "local"): defaults, overridable per org and inherited down the tree.
LOCAL_DEFAULTS = {
    "dues_farmer_fen": 20,  # a farmer's monthly amount, 20–100 fen
    "dues_warn_yellow_months": 3,  # behind this many months: a warning
    "dues_warn_red_months": 5,  # behind this many: a red warning (one month before 党章第九条)
    "dues_quarterly": False,  # the branch consents to quarterly payments
}


def local(org, key: str):
    return local_setting(org, key, LOCAL_DEFAULTS)


def rate_amount(base_fen: int, rate_bp: int) -> int:
    """base × rate rounded to the fen, halves up, in integers: base_fen × bp / 10,000."""
    return (base_fen * rate_bp * 2 + 10_000) // 20_000


@dataclass(frozen=True)
class Amount:
    """A monthly amount and how it was reached, for the member's page."""

    fen: int
    rate_bp: int | None  # None for a fixed amount
    explanation: str

    @property
    def yuan(self) -> str:
        return fen_to_yuan(self.fen)


def fen_to_yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def tier_rate(category: str, base_fen: int) -> int:
    for ceiling, rate in TIERS[Category(category)]:
        if ceiling is None or base_fen <= ceiling:
            return rate
    raise AssertionError("the last tier has no ceiling")


def check_base(category: str, base_fen: int | None) -> None:
    if category not in Category.values:
        raise ValidationError({"category": "人员类别不正确"})
    if category in TIERS:
        if base_fen is None:
            raise ValidationError({"base": "在职和离退休党员须填写缴费基数（税后月工资收入或离退休费）"})
        if base_fen < 0:
            raise ValidationError({"base": "缴费基数不能为负数"})
        if base_fen > MAX_BASE_FEN:
            raise ValidationError({"base": f"缴费基数超过每月 {fen_to_yuan(MAX_BASE_FEN)} 元，请核对（是否填成了年收入）"})


def check_farmer_fen(farmer_fen: int) -> None:
    if not FARMER_MIN_FEN <= farmer_fen <= FARMER_MAX_FEN:
        raise ValidationError(f"农民党员每月缴纳党费 {fen_to_yuan(FARMER_MIN_FEN)}–{fen_to_yuan(FARMER_MAX_FEN)} 元（{SOURCE}）")


def monthly_amount(category: str, base_fen: int | None, *, farmer_fen: int = LOCAL_DEFAULTS["dues_farmer_fen"]) -> Amount:
    """The monthly amount for a category and base (rules.md §5): one rate on the whole base."""
    check_base(category, base_fen)
    if category in TIERS:
        assert base_fen is not None
        rate = tier_rate(category, base_fen)
        fen = rate_amount(base_fen, rate)
        return Amount(fen, rate, f"{Category(category).label}：基数 {fen_to_yuan(base_fen)} 元 × {rate / 100:g}% = "
                                 f"{fen_to_yuan(fen)} 元（全额按一个比例计算，{ROUNDING_RULE}）")
    if category == Category.FARMER:
        check_farmer_fen(farmer_fen)
        return Amount(farmer_fen, None, f"农民党员：每月 {fen_to_yuan(farmer_fen)} 元（本地规定）")
    return Amount(FIXED_FEN, None, f"{Category(category).label}党员：每月 {fen_to_yuan(FIXED_FEN)} 元")


def check_adjusted(amount_fen: int, adjusted_fen: int, approval: str) -> None:
    """A reduction or exemption for hardship: lower than the rules' amount, never negative, and
    only with the level above's approval, recorded (2008 规定)."""
    if adjusted_fen < 0:
        raise ValidationError({"adjusted": "减免后的金额不能为负数"})
    if adjusted_fen >= amount_fen:
        raise ValidationError({"adjusted": f"减免后的金额须低于按规定计算的 {fen_to_yuan(amount_fen)} 元"})
    if not (approval or "").strip():
        raise ValidationError({"approval": f"减免或免交党费须经上级党组织批准：请填写批准文件（{SOURCE}）"})


# --- months ----------------------------------------------------------------------------------------
# A month is an integer: year × 12 + (month − 1), so spans and arrears are subtraction.

def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_date(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def month_label(index: int) -> str:
    return f"{index // 12}年{index % 12 + 1}月"


def first_due_month(*, admitted: date | None) -> int | None:
    """The first month a member owes: probationary members pay from their admission assembly's
    month (rules.md §5)."""
    return month_index(admitted) if admitted else None


def check_payment(*, first: int, months: int, paid_up_to: int | None, first_due: int | None,
                  today: date, quarterly: bool = False) -> None:
    """A payment of ``months`` months starting at ``first``: monthly, or quarterly with the
    branch's consent; no month already paid; at most 6 months back or ahead; no gap left behind
    that could still be paid."""
    allowed = PAYMENT_SPANS if quarterly else (1,)
    if months not in PAYMENT_SPANS:
        raise ValidationError({"months": "每次缴纳 1 个月（按月）或 3 个月（按季）"})
    if months not in allowed:
        raise ValidationError({"months": "本支部未同意按季缴纳，请按月缴纳"})
    current = month_index(today)
    last = first + months - 1
    if first_due is not None and first < first_due:
        raise ValidationError({"first": f"{month_label(first_due)}起才须缴纳党费（预备党员自支部大会通过之月起缴纳）"})
    if paid_up_to is not None and first <= paid_up_to:
        raise ValidationError({"first": f"{month_label(first)}的党费已经缴纳（已缴至{month_label(paid_up_to)}），不能重复缴纳"})
    if first < current - MAX_MONTHS_BACK:
        raise ValidationError({"first": f"补缴党费最多补缴 {MAX_MONTHS_BACK} 个月，最早可补缴{month_label(current - MAX_MONTHS_BACK)}（{SOURCE}）"})
    if last > current + MAX_MONTHS_AHEAD:
        raise ValidationError({"first": f"预缴党费最多预缴 {MAX_MONTHS_AHEAD} 个月，最晚可缴至{month_label(current + MAX_MONTHS_AHEAD)}"})
    next_due = next_unpaid(paid_up_to=paid_up_to, first_due=first_due, today=today)
    if first > next_due:
        raise ValidationError({"first": f"请先缴纳{month_label(next_due)}的党费，不能跳过未缴月份"})


def next_unpaid(*, paid_up_to: int | None, first_due: int | None, today: date) -> int:
    """The first month still payable: after the last paid, from the first due, never more than
    6 months back (older arrears can no longer be paid)."""
    candidates = [month_index(today) - MAX_MONTHS_BACK]
    if paid_up_to is not None:
        candidates.append(paid_up_to + 1)
    if first_due is not None:
        candidates.append(first_due)
    return max(candidates)


def months_behind(*, paid_up_to: int | None, first_due: int | None, today: date) -> int:
    """Consecutive months owed before the current one (the current month is payable until its end):
    what 党章第九条 counts. A member not yet due owes nothing."""
    owed_through = month_index(today) - 1
    start = first_due if paid_up_to is None else paid_up_to + 1
    if start is None:
        return 0
    if first_due is not None:
        start = max(start, first_due)
    return max(0, owed_through - start + 1)


GREEN, YELLOW, RED = "green", "yellow", "red"


def warning_level(behind: int, *, yellow: int = 3, red: int = 5) -> str:
    if behind >= red:
        return RED
    if behind >= yellow:
        return YELLOW
    return GREEN
