"""Working days by the holiday calendar (core.workdays) and the page where the system
administrator maintains it."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import workdays
from core.holidays import SCHEDULES, load_official
from core.models import AuditEntry, WorkCalendarDay


@pytest.fixture
def calendar(db):
    load_official()


def test_weekends_are_off_and_weekdays_work_without_a_calendar(db):
    WorkCalendarDay.objects.all().delete()
    assert workdays.is_workday(date(2030, 1, 7)) and not workdays.is_workday(date(2030, 1, 5))
    assert workdays.workdays_between(date(2030, 1, 7), date(2030, 1, 13)) == 5


@pytest.mark.parametrize("day, works", [
    (date(2024, 10, 1), False), (date(2024, 10, 7), False), (date(2024, 10, 12), True),  # Saturday made up
    (date(2024, 2, 4), True), (date(2025, 1, 26), True), (date(2025, 2, 3), False),
    (date(2026, 1, 4), True), (date(2026, 2, 23), False), (date(2026, 2, 28), True),
    (date(2026, 5, 9), True), (date(2026, 6, 19), False), (date(2026, 9, 25), False),
    (date(2026, 9, 20), True), (date(2026, 10, 10), True), (date(2026, 10, 9), True),
])
def test_the_shipped_schedules(calendar, day, works):
    assert workdays.is_workday(day) is works


def test_every_shipped_make_up_day_is_a_weekend_and_every_holiday_year_is_known(calendar):
    for _name, _first, _last, makeups in SCHEDULES:
        assert all(d.weekday() >= 5 for d in makeups)
    assert {2024, 2025, 2026} <= set(workdays.known_years())


def test_counting_and_adding_working_days_agree(calendar):
    start = date(2024, 9, 30)
    assert workdays.workdays_between(start, date(2024, 10, 8)) == 2  # 9-30 and 10-08
    assert workdays.add_workdays(start - date.resolution, 5) == date(2024, 10, 11)
    for n in range(0, 30):
        end = workdays.add_workdays(date(2026, 1, 30), n)
        assert workdays.workdays_between(date(2026, 1, 31), end) == n


def test_the_system_administrator_maintains_the_calendar_and_it_is_audited(world):
    client = world.client("sysadmin")
    assert client.get(reverse("core:calendar"), {"year": 2026}).status_code == 200
    response = client.post(reverse("core:calendar"), {"date": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert response.status_code == 302
    assert not workdays.is_workday(date(2027, 1, 1))
    response = client.post(reverse("core:calendar"), {"date": "2027-01-04", "kind": "workday", "name": "元旦"})
    assert "本来就是工作日" in response.content.decode()
    client.post(reverse("core:calendar"), {"delete": "2027-01-01"})
    assert workdays.is_workday(date(2027, 1, 1))
    assert AuditEntry.objects.filter(action__startswith="calendar.").count() == 2


@pytest.mark.parametrize("persona", ["city_admin", "secretary", "auditor", "secadmin", "outsider"])
def test_nobody_else_reaches_the_calendar_page(world, persona):
    client = world.client(persona)
    assert client.get(reverse("core:calendar")).status_code == 404
    assert client.post(reverse("core:calendar"), {"date": "2027-01-01", "kind": "holiday", "name": "x"}).status_code == 404
    assert not WorkCalendarDay.objects.filter(date=date(2027, 1, 1)).exists()


def test_a_bad_entry_is_refused(db):
    with pytest.raises(ValidationError):
        workdays.calendar_set(actor=None, day=date(2027, 1, 1), kind="party", name="x")


def test_a_year_not_entered_is_named_not_counted_silently(calendar):
    assert workdays.missing_years(date(2026, 12, 28), date(2027, 1, 8)) == [2027]
    assert workdays.missing_note(date(2026, 3, 2), date(2026, 3, 6)) == ""
    note = workdays.missing_note(date(2026, 12, 28), date(2027, 1, 8))
    assert "2027年的节假日安排尚未录入，暂按周一至周五计算工作日" in note
    assert workdays.schedule_warnings(date(2026, 10, 31)) == []  # next year's is due from November
    assert [w[:6] for w in workdays.schedule_warnings(date(2026, 11, 1))] == ["2027年的"]
    assert [w[:6] for w in workdays.schedule_warnings(date(2028, 3, 1))] == ["2028年的"]


def test_the_system_administrator_is_told_which_schedule_is_missing(world):
    from django.utils import timezone

    client = world.client("sysadmin")
    missing = workdays.schedule_warnings(timezone.localdate())
    for url in (reverse("core:system"), reverse("core:calendar")):
        body = client.get(url).content.decode()
        assert body.count('class="msg msg-warning calendar-warning"') == len(missing), url
    for year in {int(w[:4]) for w in missing}:
        WorkCalendarDay.objects.create(date=date(year, 1, 1), kind="holiday", name="元旦")
    assert 'calendar-warning' not in client.get(reverse("core:system")).content.decode()
