"""Working days (工作日) by the holiday calendar: Monday to Friday, except the public holidays of
the State Council's yearly schedule, plus the weekend days it makes working days (调休上班).

The calendar is ``core.models.WorkCalendarDay`` (data migration for 2024–2026, maintained by the
system administrator at /system/calendar/). A year nobody has entered yet counts by the weekly
rule alone; ``known_years`` tells the pages which years are entered."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from core import audit
from core.models import WorkCalendarDay

MAX_SPAN_DAYS = 3700  # about ten years: a bound for the loops below


def _overrides(first: date, last: date) -> dict[date, str]:
    return dict(WorkCalendarDay.objects.filter(date__gte=first, date__lte=last).values_list("date", "kind"))


def _is_workday(day: date, overrides: dict[date, str]) -> bool:
    kind = overrides.get(day)
    if kind is not None:
        return kind == WorkCalendarDay.Kind.WORKDAY
    return day.weekday() < 5


def is_workday(day: date) -> bool:
    return _is_workday(day, _overrides(day, day))


def workdays_between(first: date, last: date) -> int:
    """Working days from ``first`` to ``last``, both included (0 when last < first)."""
    if last < first:
        return 0
    if (last - first).days > MAX_SPAN_DAYS:
        raise ValueError("span too long")
    overrides = _overrides(first, last)
    return sum(_is_workday(first + timedelta(days=i), overrides) for i in range((last - first).days + 1))


def add_workdays(start: date, n: int) -> date:
    """The day ``n`` working days after ``start`` (``start`` itself not counted; n ≥ 0).
    ``add_workdays(d - 1 day, 5)`` is the fifth working day counting from ``d``."""
    if n < 0:
        raise ValueError("n must be ≥ 0")
    if n == 0:
        return start
    # A generous window: holidays never take more than two weeks in a row.
    last = start + timedelta(days=n * 2 + 30)
    overrides = _overrides(start, last)
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if day > last:
            overrides.update(_overrides(day, day + timedelta(days=60)))
            last = day + timedelta(days=60)
        if _is_workday(day, overrides):
            counted += 1
    return day


def known_years() -> list[int]:
    return sorted(d.year for d in WorkCalendarDay.objects.dates("date", "year"))


def missing_years(first: date, last: date) -> list[int]:
    """The years from ``first`` to ``last`` whose schedule nobody has entered: in them working
    days are counted by the weekly rule alone, which pages must say rather than do silently."""
    entered = {d.year for d in WorkCalendarDay.objects.filter(
        date__gte=date(first.year, 1, 1), date__lte=date(last.year, 12, 31)).dates("date", "year")}
    return [year for year in range(first.year, last.year + 1) if year not in entered]


def missing_note(first: date, last: date) -> str:
    """What a page says of a span counted in working days that runs into a year not entered."""
    years = missing_years(first, last)
    if not years:
        return ""
    return (f"{'、'.join(f'{year}年' for year in years)}的节假日安排尚未录入，暂按周一至周五计算工作日；"
            "请系统管理员在“系统配置 → 节假日安排”中录入")


def schedule_warnings(today: date) -> list[str]:
    """For the system administrator: this year's schedule missing, or next year's from November
    (the State Council publishes it in the autumn)."""
    years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    return [f"{year}年的节假日安排尚未录入：公示期等工作日暂按周一至周五计算，请按国务院办公厅公布的安排逐日录入"
            for year in missing_years(date(years[0], 1, 1), date(years[-1], 1, 1))]


# --- the system administrator's maintenance ------------------------------------------------------


def calendar_set(*, actor, day: date, kind: str, name: str) -> WorkCalendarDay:
    """Enter or change one day of the calendar."""
    name = (name or "").strip()[:20]
    if kind not in WorkCalendarDay.Kind.values:
        raise ValidationError({"kind": "请选择“放假”或“调休上班”"})
    if not name:
        raise ValidationError({"name": "请填写节日名称，如“春节”"})
    if kind == WorkCalendarDay.Kind.WORKDAY and day.weekday() < 5:
        raise ValidationError({"date": f"{day:%Y-%m-%d} 是周一至周五，本来就是工作日，无需登记调休上班"})
    with transaction.atomic():
        existing = WorkCalendarDay.objects.select_for_update().filter(date=day).first()
        before = existing.audit_snapshot() if existing else None
        row = existing or WorkCalendarDay(date=day)
        row.kind, row.name = kind, name
        row.save()
        audit.record("calendar.set", obj=row, user=actor,
                     changes={"before": before, "after": row.audit_snapshot()})
    return row


def calendar_delete(*, actor, day: date) -> None:
    with transaction.atomic():
        row = WorkCalendarDay.objects.select_for_update().filter(date=day).first()
        if row is None:
            raise ValidationError({"date": f"{day:%Y-%m-%d} 未登记"})
        snapshot = row.audit_snapshot()
        row.delete()
        audit.record("calendar.delete", user=actor, object_type="core.workcalendarday",
                     object_id=day.isoformat(), object_repr=str(day), changes={"before": snapshot})
