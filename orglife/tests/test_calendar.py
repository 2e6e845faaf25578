"""The calendar at district scale: a crowded day shows its counts per kind and links to that day's
list; a quiet day lists its meetings."""

from datetime import date

from django.urls import reverse

from orglife.models import MeetingKind
from orglife.selectors import CALENDAR_DAY_LIMIT
from orglife.tests.helpers import counted

BUSY, QUIET = date(2026, 5, 12), date(2026, 5, 20)


def _month(world, busy: int, quiet: int):
    for i in range(busy):
        counted(world.branch_a1 if i % 2 else world.branch_a2,
                MeetingKind.THEME_DAY if i % 3 else MeetingKind.BRANCH_ASSEMBLY, BUSY)
    for _ in range(quiet):
        counted(world.branch_a1, MeetingKind.LECTURE, QUIET)


def _day(response, day):
    return next(d for week in response.context["weeks"] for d in week if d.day == day)


def test_a_crowded_day_shows_counts_per_kind_and_links_to_its_list(world):
    _month(world, busy=CALENDAR_DAY_LIMIT + 8, quiet=2)
    response = world.client("a_admin").get(reverse("orglife:calendar"), {"month": "2026-05"})
    busy = _day(response, BUSY)
    assert busy.total == CALENDAR_DAY_LIMIT + 8 and busy.meetings == []
    assert dict(busy.kinds) == {"主题党日": 8, "支部党员大会": 4}
    html = response.content.decode()
    link = f'{reverse("orglife:list")}?since=2026-05-12&amp;until=2026-05-12'
    assert f'href="{link}"' in html and f"共 {CALENDAR_DAY_LIMIT + 8} 次会议" in html
    listed = world.client("a_admin").get(reverse("orglife:list"), {"since": "2026-05-12", "until": "2026-05-12"})
    assert listed.context["page"].paginator.count == CALENDAR_DAY_LIMIT + 8


def test_a_quiet_day_lists_its_meetings(world):
    _month(world, busy=1, quiet=2)
    response = world.client("a_admin").get(reverse("orglife:calendar"), {"month": "2026-05"})
    quiet = _day(response, QUIET)
    assert len(quiet.meetings) == 2 and quiet.kinds == []
    assert response.content.decode().count('class="event kind-lecture"') == 2


def test_a_busy_month_costs_no_more_queries_than_a_quiet_one(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _month(world, busy=40, quiet=3)
    counted(world.branch_a1, MeetingKind.LECTURE, date(2026, 6, 3))
    client = world.client("a_admin")
    client.get(reverse("orglife:calendar"), {"month": "2026-05"})  # the session and scope settled
    queries = []
    for month in ("2026-05", "2026-06"):
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("orglife:calendar"), {"month": month})
        queries.append(len(captured))
    assert queries[0] == queries[1]
