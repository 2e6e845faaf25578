"""The State Council's holiday schedules (国务院办公厅关于部分节假日安排的通知) the platform ships:
2024 (国办发明电〔2023〕7号), 2025 (国办发明电〔2024〕12号) and 2026 (notice of 4 November 2025).
Later years are entered by the system administrator at /system/calendar/ once published.

Loaded by the data migration core/0004; tests that count working days call ``load_official()``
(a transactional test's flush empties the table the migration filled)."""

from datetime import date, timedelta

from core.models import WorkCalendarDay

# (name, first holiday, last holiday, make-up working days)
SCHEDULES = [
    ("元旦", date(2024, 1, 1), date(2024, 1, 1), []),
    ("春节", date(2024, 2, 10), date(2024, 2, 17), [date(2024, 2, 4), date(2024, 2, 18)]),
    ("清明节", date(2024, 4, 4), date(2024, 4, 6), [date(2024, 4, 7)]),
    ("劳动节", date(2024, 5, 1), date(2024, 5, 5), [date(2024, 4, 28), date(2024, 5, 11)]),
    ("端午节", date(2024, 6, 10), date(2024, 6, 10), []),
    ("中秋节", date(2024, 9, 15), date(2024, 9, 17), [date(2024, 9, 14)]),
    ("国庆节", date(2024, 10, 1), date(2024, 10, 7), [date(2024, 9, 29), date(2024, 10, 12)]),
    ("元旦", date(2025, 1, 1), date(2025, 1, 1), []),
    ("春节", date(2025, 1, 28), date(2025, 2, 4), [date(2025, 1, 26), date(2025, 2, 8)]),
    ("清明节", date(2025, 4, 4), date(2025, 4, 6), []),
    ("劳动节", date(2025, 5, 1), date(2025, 5, 5), [date(2025, 4, 27)]),
    ("端午节", date(2025, 5, 31), date(2025, 6, 2), []),
    ("国庆节、中秋节", date(2025, 10, 1), date(2025, 10, 8), [date(2025, 9, 28), date(2025, 10, 11)]),
    ("元旦", date(2026, 1, 1), date(2026, 1, 3), [date(2026, 1, 4)]),
    ("春节", date(2026, 2, 15), date(2026, 2, 23), [date(2026, 2, 14), date(2026, 2, 28)]),
    ("清明节", date(2026, 4, 4), date(2026, 4, 6), []),
    ("劳动节", date(2026, 5, 1), date(2026, 5, 5), [date(2026, 5, 9)]),
    ("端午节", date(2026, 6, 19), date(2026, 6, 21), []),
    ("中秋节", date(2026, 9, 25), date(2026, 9, 27), []),
    ("国庆节", date(2026, 10, 1), date(2026, 10, 7), [date(2026, 9, 20), date(2026, 10, 10)]),
]



def official_days() -> list[tuple[date, str, str]]:
    """(date, kind, name) for every day of the schedules: the whole holiday (weekend days
    included, so the calendar page reads like the notice) and the make-up working days."""
    days = []
    for name, first, last, workdays in SCHEDULES:
        day = first
        while day <= last:
            days.append((day, "holiday", name))
            day += timedelta(days=1)
        days += [(d, "workday", name) for d in workdays]
    return days


def load_official(model=None) -> int:
    """Insert the shipped days not entered yet (a day the administrator changed is kept)."""
    if model is None:
        model = WorkCalendarDay
    existing = set(model.objects.values_list("date", flat=True))
    rows = [model(date=d, kind=k, name=n) for d, k, n in official_days() if d not in existing]
    model.objects.bulk_create(rows)
    return len(rows)
