from datetime import date

from core.dates import add_months


def test_add_months_keeps_the_day_or_falls_back_to_the_months_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 3, 31), -6) == date(2025, 9, 30)
