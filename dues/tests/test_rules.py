"""The dues rules (rules.md §5): the worked examples, the tiers, the rounding rule, payments'
window and arrears across year ends."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from dues import rules
from dues.rules import Category


def yuan(text: str) -> int:
    whole, _, cents = text.partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


@pytest.mark.parametrize(("base", "expected"), [
    ("5400", "81.00"), ("10000", "150.00"), ("11500", "230.00"),
    ("3000", "15.00"), ("3000.01", "30.00"), ("5000", "50.00"), ("5000.01", "75.00"),
    ("0", "0.00"),
])
def test_the_worked_examples_for_the_employed(base, expected):
    assert rules.monthly_amount(Category.EMPLOYED, yuan(base)).yuan == expected


@pytest.mark.parametrize(("base", "expected"), [("5000", "25.00"), ("4000", "20.00"), ("6000", "60.00"), ("5000.01", "50.00")])
def test_retirees_pay_half_a_percent_up_to_5000_and_one_percent_above(base, expected):
    assert rules.monthly_amount(Category.RETIRED, yuan(base)).yuan == expected


@pytest.mark.parametrize("category", [Category.STUDENT, Category.UNEMPLOYED, Category.RELIEF])
def test_students_the_unemployed_and_people_on_relief_pay_twenty_fen(category):
    assert rules.monthly_amount(category, None).yuan == "0.20"
    assert rules.monthly_amount(category, yuan("8000")).yuan == "0.20"


def test_farmers_pay_the_local_amount_between_twenty_fen_and_one_yuan():
    assert rules.monthly_amount(Category.FARMER, None, farmer_fen=50).yuan == "0.50"
    with pytest.raises(ValidationError, match="0.20–1.00"):
        rules.monthly_amount(Category.FARMER, None, farmer_fen=150)
    with pytest.raises(ValidationError):
        rules.monthly_amount(Category.FARMER, None, farmer_fen=10)


def test_the_rounding_rule_rounds_halves_up_to_the_fen():
    assert rules.rate_amount(123_457, 150) == 1852  # 18.51855 → 18.52
    assert rules.rate_amount(101, 50) == 1  # 0.00505 → 0.01
    assert rules.rate_amount(100, 50) == 1  # 0.005 → 0.01 (a half goes up)
    assert rules.rate_amount(99, 50) == 0  # 0.00495 → 0.00


def test_the_explanation_names_the_base_rate_and_result():
    amount = rules.monthly_amount(Category.EMPLOYED, yuan("11500"))
    assert amount.rate_bp == 200
    assert "11500.00" in amount.explanation and "2%" in amount.explanation and "230.00" in amount.explanation


@pytest.mark.parametrize(("base", "message"), [(-1, "不能为负数"), (None, "须填写缴费基数"), (rules.MAX_BASE_FEN + 1, "请核对")])
def test_a_negative_missing_or_absurd_base_is_refused(base, message):
    with pytest.raises(ValidationError, match=message):
        rules.monthly_amount(Category.EMPLOYED, base)


def test_an_unknown_category_is_refused():
    with pytest.raises(ValidationError, match="人员类别"):
        rules.monthly_amount("astronaut", 100)


@given(st.sampled_from([Category.EMPLOYED, Category.RETIRED]),
       st.integers(0, rules.MAX_BASE_FEN - 1), st.integers(1, 5_000_000))
def test_the_amount_never_decreases_as_the_base_grows(category, base, step):
    higher = min(base + step, rules.MAX_BASE_FEN)
    assert rules.monthly_amount(category, higher).fen >= rules.monthly_amount(category, base).fen


@given(st.sampled_from([Category.EMPLOYED, Category.RETIRED]), st.integers(0, rules.MAX_BASE_FEN))
def test_one_rate_on_the_whole_base_jumping_only_at_tier_edges(category, base):
    """Within a tier the amount is the base times the tier's rate; just past an edge the whole
    base takes the higher rate (not progressive), so the amount jumps there and only there."""
    amount = rules.monthly_amount(category, base)
    assert amount.fen == rules.rate_amount(base, amount.rate_bp)
    ceilings = [c for c, _ in rules.TIERS[category] if c is not None]
    if base > 0 and (base - 1) not in ceilings:
        below = rules.monthly_amount(category, base - 1)
        assert below.rate_bp == amount.rate_bp
        assert amount.fen - below.fen <= 1  # one fen more of base: at most one fen more


def test_a_reduction_needs_the_approval_of_the_level_above_and_a_lower_amount():
    rules.check_adjusted(8100, 0, "区委组织部〔2026〕3号")
    with pytest.raises(ValidationError, match="上级党组织批准"):
        rules.check_adjusted(8100, 4000, " ")
    with pytest.raises(ValidationError, match="须低于"):
        rules.check_adjusted(8100, 8100, "批准")
    with pytest.raises(ValidationError, match="负数"):
        rules.check_adjusted(8100, -1, "批准")


M = rules.month_index


def test_months_are_integers_across_the_year_end():
    assert M(date(2027, 1, 5)) - M(date(2026, 12, 31)) == 1
    assert rules.month_date(M(date(2026, 12, 9))) == date(2026, 12, 1)
    assert rules.month_label(M(date(2027, 1, 1))) == "2027年1月"


def test_arrears_count_consecutive_months_owed_before_the_current_one_across_the_year_end():
    today = date(2027, 2, 10)
    assert rules.months_behind(paid_up_to=M(date(2027, 1, 1)), first_due=M(date(2020, 1, 1)), today=today) == 0
    assert rules.months_behind(paid_up_to=M(date(2026, 10, 1)), first_due=M(date(2020, 1, 1)), today=today) == 3
    assert rules.months_behind(paid_up_to=M(date(2027, 5, 1)), first_due=M(date(2020, 1, 1)), today=today) == 0


def test_a_probationary_member_owes_from_the_admission_month_only():
    today = date(2027, 2, 10)
    admitted = rules.first_due_month(admitted=date(2026, 12, 20))
    assert rules.months_behind(paid_up_to=None, first_due=admitted, today=today) == 2
    assert rules.months_behind(paid_up_to=None, first_due=None, today=today) == 0
    with pytest.raises(ValidationError, match="预备党员"):
        rules.check_payment(first=M(date(2026, 11, 1)), months=1, paid_up_to=None, first_due=admitted, today=today)


def test_warnings_at_three_and_five_months():
    assert rules.warning_level(2) == rules.GREEN
    assert rules.warning_level(3) == rules.YELLOW
    assert rules.warning_level(5) == rules.RED
    assert rules.warning_level(4, yellow=2, red=4) == rules.RED


class TestPayments:
    today = date(2027, 1, 15)
    due = M(date(2020, 1, 1))

    def check(self, first: date, months=1, paid_up_to: date | None = date(2026, 12, 1), quarterly=False):
        rules.check_payment(first=M(first), months=months, paid_up_to=M(paid_up_to) if paid_up_to else None,
                            first_due=self.due, today=self.today, quarterly=quarterly)

    def test_the_next_month_is_payable(self):
        self.check(date(2027, 1, 1))

    def test_a_month_already_paid_is_refused(self):
        with pytest.raises(ValidationError, match="已经缴纳.*已缴至2026年12月"):
            self.check(date(2026, 12, 1))

    def test_at_most_six_months_back(self):
        self.check(date(2026, 7, 1), paid_up_to=date(2026, 1, 1))
        with pytest.raises(ValidationError, match="最多补缴 6 个月"):
            self.check(date(2026, 6, 1), paid_up_to=date(2026, 1, 1))

    def test_at_most_six_months_ahead(self):
        self.check(date(2027, 5, 1), months=3, paid_up_to=date(2027, 4, 1), quarterly=True)
        with pytest.raises(ValidationError, match="最多预缴 6 个月"):
            self.check(date(2027, 6, 1), months=3, paid_up_to=date(2027, 5, 1), quarterly=True)

    def test_no_month_may_be_skipped(self):
        with pytest.raises(ValidationError, match="请先缴纳2027年1月"):
            self.check(date(2027, 2, 1))

    def test_quarterly_only_with_the_branchs_consent(self):
        with pytest.raises(ValidationError, match="未同意按季"):
            self.check(date(2027, 1, 1), months=3)
        self.check(date(2027, 1, 1), months=3, quarterly=True)
        with pytest.raises(ValidationError, match="按季"):
            self.check(date(2027, 1, 1), months=2, quarterly=True)
