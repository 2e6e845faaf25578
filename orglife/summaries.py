"""orglife's summary tables (core.summaries): meetings held per org, kind and month
(``MeetingMonth``), and per org and month what each requirement has met in the periods containing
that month (``MeetingPeriods``), which the compliance figures read instead of the meetings.

A meeting counts where its record is in a counted state (``COUNTED_STATES``: submitted, returned
or approved), for its org, kind and the month of ``held_on``; lectures by the secretary are counted
once more in ``by_secretary``; a combined meeting (``also_kind``: a 组织生活会 held as a branch
assembly, a 民主评议 held with the 组织生活会) counts once more under that kind too. Every service that changes one of those fields calls ``moved``
with the meeting's place before and after, inside its transaction; ``moved`` keeps both tables.
``MeetingPeriods`` holds no local setting: every lecture period is counted, and the settings are
applied when the figures are read."""

import functools
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from core import summaries
from orglife import rules
from orglife.models import COUNTED_STATES, Meeting, MeetingMonth, MeetingPeriods

NAME = "orglife.meeting_month"
PERIODS_NAME = "orglife.meeting_periods"


@dataclass(frozen=True)
class Column:
    """A figure of ``MeetingPeriods``: the meetings of ``kind`` (of them the secretary's lectures,
    if ``by_secretary``) held in the ``period`` containing the row's month."""

    name: str
    kind: str
    period: str
    by_secretary: bool


def _columns() -> tuple[Column, ...]:
    """One column per kind and period some requirement reads (the lecture's in every period the
    local setting may choose), in the requirements' order."""
    found: dict[str, Column] = {}
    for requirement in rules.REQUIREMENTS:
        for period in [requirement.period] if requirement.period else list(rules.PERIOD_LABELS):
            suffix = "_by_secretary" if requirement.by_secretary else ""
            name = f"{requirement.kind}_{period}{suffix}"
            found.setdefault(name, Column(name, requirement.kind, period, requirement.by_secretary))
    return tuple(found.values())


COLUMNS = _columns()


@functools.cache
def _targets(kind: str, month: date) -> tuple[tuple[str, bool, tuple[date, ...]], ...]:
    """For a meeting of ``kind`` in ``month``: each column it counts in, with the months of its
    year whose period in that column contains ``month``."""
    months = [date(month.year, number, 1) for number in range(1, 13)]
    return tuple(
        (column.name, column.by_secretary,
         tuple(m for m in months if rules.period_bounds(column.period, m) == rules.period_bounds(column.period, month)))
        for column in COLUMNS if column.kind == kind)


def spread(org_id: int, kind: str, month: date, held: int, by_secretary: int,
           into: dict[tuple[int, date], dict[str, int]]) -> None:
    """Add ``held`` meetings of ``kind`` in ``month`` (``by_secretary`` of them the secretary's
    lectures) to the ``MeetingPeriods`` figures of every month whose periods contain it."""
    for name, secretary_only, row_months in _targets(kind, month):
        figure = by_secretary if secretary_only else held
        if figure:
            for row_month in row_months:
                figures = into.setdefault((org_id, row_month), {})
                figures[name] = figures.get(name, 0) + figure


def place(meeting: Meeting) -> tuple | None:
    """Where the meeting counts — (org id, kind, month, by the secretary, the kind it also counts
    as or "") — or None (a draft)."""
    if meeting.state not in COUNTED_STATES:
        return None
    return (meeting.org_id, meeting.kind, meeting.held_on.replace(day=1), bool(meeting.by_secretary),
            meeting.also_kind or "")


def moved(before: tuple | None, after: tuple | None) -> None:
    """A meeting's count leaves ``before`` and joins ``after`` (either may be None)."""
    if before == after:
        return
    periods: dict[tuple[int, date], dict[str, int]] = {}
    for where, sign in ((before, -1), (after, 1)):
        if where is not None:
            org_id, kind, month, by_secretary, also_kind = where
            summaries.add(MeetingMonth, {"org_id": org_id, "kind": kind, "month": month},
                          held=sign, by_secretary=sign if by_secretary else 0)
            spread(org_id, kind, month, sign, sign if by_secretary else 0, periods)
            if also_kind:
                summaries.add(MeetingMonth, {"org_id": org_id, "kind": also_kind, "month": month},
                              held=sign, by_secretary=0)
                spread(org_id, also_kind, month, sign, 0, periods)
    # A move within a period leaves its figures as they were: only what changed is written.
    for (org_id, month), deltas in sorted(periods.items()):
        summaries.add(MeetingPeriods, {"org_id": org_id, "month": month}, **deltas)


def rows(org_ids: list[int] | None = None) -> list[dict]:
    """The table's rows recomputed from the meetings (all orgs, or the listed ones): each meeting
    under its kind, and a combined one under the kind it also counts as."""
    meetings = Meeting.objects.filter(state__in=COUNTED_STATES)
    if org_ids is not None:
        meetings = meetings.filter(org_id__in=org_ids)
    found: dict[tuple, dict] = {}
    own = (meetings.order_by().annotate(month=TruncMonth("held_on")).values("org_id", "kind", "month")
           .annotate(held=Count("id"), by_secretary=Count("id", filter=Q(by_secretary=True))))
    also = (meetings.exclude(also_kind="").order_by().annotate(month=TruncMonth("held_on"))
            .values("org_id", "also_kind", "month").annotate(held=Count("id")))
    for row in own:
        found[(row["org_id"], row["kind"], row["month"])] = dict(row)
    for row in also:
        key = (row["org_id"], row["also_kind"], row["month"])
        entry = found.setdefault(key, {"org_id": key[0], "kind": key[1], "month": key[2], "held": 0,
                                       "by_secretary": 0})
        entry["held"] += row["held"]
    return list(found.values())


def period_rows(org_ids: list[int] | None = None) -> list[dict]:
    """``MeetingPeriods`` recomputed from the meetings (all orgs, or the listed ones), by way of
    the meetings held per org, kind and month (``rows``)."""
    found: dict[tuple[int, date], dict[str, int]] = {}
    for row in rows(org_ids):
        spread(row["org_id"], row["kind"], row["month"], row["held"], row["by_secretary"], found)
    names = [column.name for column in COLUMNS]
    return [{"org_id": org_id, "month": month, **{name: figures.get(name, 0) for name in names}}
            for (org_id, month), figures in found.items()]


def register() -> None:
    """Called from the app config."""
    summaries.register(summaries.Summary(
        name=NAME, model=MeetingMonth, key=("org_id", "kind", "month"), values=("held", "by_secretary"),
        compute=rows, label="会议月度汇总（三会一课）"))
    summaries.register(summaries.Summary(
        name=PERIODS_NAME, model=MeetingPeriods, key=("org_id", "month"),
        values=tuple(column.name for column in COLUMNS), compute=period_rows, label="会议周期汇总（三会一课完成情况）"))
