"""Reads for the organizational-life pages and the API: meetings in scope, the review queue,
compliance (required against held per org and period, rolled up the tree), the calendar, the
reminders and the member's own view. Every figure comes from grouped queries over an org path
range, never from one query per org."""

import calendar
import heapq
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from core.access import PATH_MAX_LENGTH, get_scope, minimal_paths, subtree_q
from core.errors import NotFound
from members.models import Member, MemberCount, MemberStatus
from orglife import rules
from orglife.models import (
    Attendance,
    AttendanceStatus,
    CopyFlag,
    Meeting,
    MeetingKind,
    MeetingMonth,
    MeetingState,
    ReviewDecision,
    ReviewRound,
    SignInHow,
)
from orgs.models import Org, OrgSetting
from orgs.rules import LOCAL_DEFAULTS
from orgs.selectors import added_up, org_param


def recording_orgs(user):
    """Branches and party groups the user records meetings for (orglife.change), and committees
    recording their secretaries' lectures (rules.LECTURING_KINDS)."""
    return Org.objects.granting(user, "orglife.change").filter(kind__in=rules.RECORDING_KINDS).order_by("path")


def meetings(user, action: str = "view"):
    """Meetings in scope, for lists by date: the city's admin reads them in the date index's
    order without joining the tree (``core.access.grants_q``)."""
    return Meeting.objects.visible_to(user, action, tree_order=False).select_related("org")


def review_queue(user):
    """Submitted records of orgs strictly below the user's review grants (纪实报告检查)."""
    q = Q(pk__in=[])
    for path in minimal_paths(get_scope(user).paths_for("orglife.review")):
        q |= subtree_q("org__path", path) & ~Q(org__path=path)
    submitted = (ReviewRound.objects.filter(meeting=OuterRef("pk"), decision=ReviewDecision.PENDING)
                 .values("submitted_at")[:1])
    return (Meeting.objects.filter(q, state=MeetingState.SUBMITTED).select_related("org")
            .annotate(flags=Count("copy_flags"), submitted_at=Subquery(submitted))
            .order_by("submitted_at", "pk"))


def visible_flags(user, meeting: Meeting) -> list[tuple[CopyFlag, bool]]:
    """The meeting's copy flags, each with whether the user may read the source record. A source
    outside the user's scope is reported (similarity, date) without its text or org."""
    flags = list(meeting.copy_flags.select_related("source", "source__org"))
    visible = set(Meeting.objects.visible_to(user).filter(pk__in=[f.source_id for f in flags])
                  .values_list("pk", flat=True))
    return [(flag, flag.source_id in visible) for flag in flags]


# --- compliance --------------------------------------------------------------------------------------


@dataclass
class Item:
    """One requirement for an org in one period: required against held, and its colour (shared by
    the orgs whose facts are the same: read it, never change it)."""

    requirement: rules.Requirement
    period: str
    start: date
    end: date
    required: int
    held: int
    status: str

    @property
    def period_label(self) -> str:
        return rules.period_label(self.period, self.start)

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.status]


@dataclass
class Tally:
    """Counts of items per colour for an org's subtree (an Org, or a Holder while rolling up)."""

    org: "Org | Holder"
    counts: dict = field(default_factory=lambda: dict.fromkeys(rules.SEVERITY, 0))
    holders: int = 0

    def add(self, item: Item) -> None:
        self.counts[item.status] += 1

    @property
    def due(self) -> int:
        return sum(n for status, n in self.counts.items() if status != rules.EXEMPT)

    @property
    def rate(self) -> int | None:
        return round(100 * self.counts[rules.GREEN] / self.due) if self.due else None

    @property
    def colour(self) -> str:
        for status in (rules.RED, rules.YELLOW, rules.PENDING):
            if self.counts[status]:
                return status
        return rules.GREEN if self.counts[rules.GREEN] else rules.NO_DATA

    def sort_key(self):
        return (-self.counts[rules.RED], -self.counts[rules.YELLOW], -self.counts[rules.PENDING], self.org.path)


@dataclass(slots=True)
class Holder:
    """A meeting-holding org as the roll-ups need it, read as plain values rather than model
    instances (a city has tens of thousands: building Orgs took most of a city page's time).
    The few that a page shows become Orgs (``as_orgs``)."""

    pk: int
    path: str
    kind: str
    founded: date
    name: str
    depth: int


def holders_of(root: Org) -> list[Holder]:
    """The orgs of the subtree that hold meetings (branches and party groups)."""
    rows = (Org.objects.filter(subtree_q("path", root.path), kind__in=rules.HOLDER_KINDS).order_by("path")
            .values_list("pk", "path", "kind", "founded", "name", "depth"))
    return [Holder(*row) for row in rows]


def as_orgs(pks) -> dict[int, Org]:
    """The Orgs of the holders a page shows (worst, own, reminded), in one query."""
    return Org.objects.in_bulk(list(pks))


def _lecture_periods(root: Org) -> set[str]:
    """The lecture periods the subtree's local settings use (the default, any org's own value, the
    nearest ancestor's): the figures are read for each of them."""
    values = (OrgSetting.objects.filter(key="orglife_lecture_period")
              .filter(subtree_q("org__path", root.path) | Q(org__path__in=root.ancestor_paths()))
              .values_list("value", flat=True))
    return {rules.lecture_period(LOCAL_DEFAULTS.get("orglife_lecture_period")),
            *(rules.lecture_period(value) for value in values)}


def _windows(months: list[date], lecture_periods: set[str]) -> dict[tuple[str, str, date], int]:
    """(kind, period, month) → the column of the figures query holding that kind's meetings in the
    period containing ``month``. Months of one quarter or year share their columns."""
    columns: dict[tuple[str, date, date], int] = {}
    found = {}
    for month in months:
        for requirement in rules.REQUIREMENTS:
            for period in ([requirement.period] if requirement.period else sorted(lecture_periods)):
                bounds = rules.period_bounds(period, month)
                found[(requirement.kind, period, month)] = columns.setdefault((requirement.kind, *bounds), len(columns))
    return found


# What is summed per window: the meetings held, and for lectures those by the secretary too.
FIGURES = {r.kind: ("held", "by_secretary") if any(o.by_secretary for o in rules.REQUIREMENTS if o.kind == r.kind)
           else ("held",) for r in rules.REQUIREMENTS}
FIRST_FIGURE = 5  # a row: pk, path, kind, founded inside the periods, full members, then the figures


def _figures_sql(root: Org, windows: dict[tuple[str, str, date], int]) -> tuple[str, list, dict[int, tuple]]:
    """One statement: every holder of the subtree with its full members (``MemberCount``) and, per
    window, the meetings held (and for lectures, those by the secretary) summed by the database
    from ``MeetingMonth`` (at most one row per org, kind and month) — a city's year of summary
    rows is never turned into Python objects. The summary's index (org, month, kind, held,
    by_secretary) answers it without the table, one range of months per org. Plain SQL for
    SQLite and PostgreSQL alike: the ORM cannot join a grouped subquery."""
    by_column = {column: (kind, *rules.period_bounds(period, month))
                 for (kind, period, month), column in windows.items()}
    quote = connection.ops.quote_name
    month_table, org_table = quote(MeetingMonth._meta.db_table), quote(Org._meta.db_table)
    count_table = quote(MemberCount._meta.db_table)
    lower, upper = root.path, root.path + "Z" * (PATH_MAX_LENGTH - len(root.path))
    sums: list[str] = []
    params: list = []
    positions = {}  # window column → the row's positions of held (and held by the secretary)
    for column in range(len(by_column)):
        kind, start, end = by_column[column]
        positions[column] = tuple(FIRST_FIGURE + len(sums) + offset for offset in range(len(FIGURES[kind])))
        for figure in FIGURES[kind]:
            sums.append(f"SUM(CASE WHEN mm.kind = %s AND mm.month >= %s AND mm.month <= %s THEN mm.{figure} ELSE 0 END)")
            params += [kind, start, end]
    # Only the rows of the windows' kinds and months (one range per kind) are summed.
    spans: dict[str, tuple[date, date]] = {}
    for kind, start, end in by_column.values():
        first, last = spans.get(kind, (start, end))
        spans[kind] = (min(first, start), max(last, end))
    within = " OR ".join(["(mm.kind = %s AND mm.month >= %s AND mm.month <= %s)"] * len(spans))
    within_params = [value for kind, (start, end) in spans.items() for value in (kind, start, end)]
    columns = ", ".join(f"COALESCE(p.f{index}, 0)" for index in range(len(sums)))
    sums = [f"{expression} AS f{index}" for index, expression in enumerate(sums)]
    kinds = sorted(rules.HOLDER_KINDS)
    sql = (f"SELECT o.id, o.path, o.kind, CASE WHEN o.founded > %s THEN o.founded END, COALESCE(fm.total, 0), {columns} "
           f"FROM {org_table} o "
           f"LEFT JOIN (SELECT mm.org_id, {', '.join(sums)} FROM {org_table} o2 "
           f"JOIN {month_table} mm ON mm.org_id = o2.id AND mm.month >= %s AND mm.month <= %s "
           f"WHERE o2.path >= %s AND o2.path <= %s AND ({within}) GROUP BY mm.org_id) p "
           f"ON p.org_id = o.id "
           f"LEFT JOIN {count_table} fm ON fm.org_id = o.id AND fm.status = %s "
           f"WHERE o.path >= %s AND o.path <= %s AND o.kind IN ({', '.join(['%s'] * len(kinds))}) ORDER BY o.path")
    earliest = min(start for start, _end in spans.values())
    latest = max(end for _start, end in spans.values())
    return sql, [earliest, *params, earliest, latest, lower, upper, *within_params, MemberStatus.FULL, lower, upper,
                 *kinds], positions


@dataclass
class Figures:
    """What the compliance of a subtree is computed from: one row per holder — (pk, path, kind,
    founding date when inside the periods shown else None, full members, then held and held by the
    secretary per window) — and the local settings per holder."""

    rows: list[tuple]
    windows: dict[tuple[str, str, date], int]
    positions: dict[int, tuple]
    lecture: dict[int, Any]
    due_days: dict[int, Any]


def figures(root: Org, months: list[date]) -> Figures:
    """The compliance figures of ``root``'s subtree for the periods containing ``months``: one
    statement over the summary tables, plus the local settings."""
    windows = _windows(months, _lecture_periods(root))
    sql, params, positions = _figures_sql(root, windows)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    paths = [(row[0], row[1]) for row in rows]
    periods = rules.local_values(root, paths, "orglife_lecture_period")
    secretary = rules.local_values(root, paths, "orglife_branch_secretary_lecture")
    # Each holder's lecture settings as one value: (the period, the branch secretary's lecture counted).
    lecture = {pk: (period, bool(secretary[pk])) for pk, period in periods.items()}
    return Figures(rows, windows, positions, lecture, rules.local_values(root, paths, "orglife_due_soon_days"))


class _ItemsOf:
    """Items for one month, computed once per distinct combination of facts (kind, committee,
    lecture period, warning days, founding date inside the periods, meetings held): most of a
    city's tens of thousands of holders share a few hundred (the items are read, never changed)."""

    def __init__(self, data: Figures, month: date, today: date):
        self.today = today
        self.bounds = {period: rules.period_bounds(period, month) for period in rules.PERIOD_LABELS}
        self.earliest = min(start for start, _end in self.bounds.values())
        # (kind, period) → the positions of this month's figures in a row: held (and by the secretary).
        self.where = {(kind, period): data.positions[column]
                      for (kind, period, m), column in data.windows.items() if m == month}
        self.take = operator.itemgetter(*sorted({position for found in self.where.values() for position in found}))
        self.made: dict[tuple, list[Item]] = {}
        self.applicable: dict[tuple, list] = {}

    def __call__(self, row: tuple, lecture, due_days) -> list[Item]:
        """``row``: a row of ``Figures.rows``, or any tuple with its kind, founding date, full
        members and figures in the same places."""
        _pk, _path, kind, founded, full = row[:5]
        committee = rules.has_committee(full)
        if founded is not None:  # founded inside the periods of one of the months (SQLite: as text)
            founded = founded if isinstance(founded, date) else date.fromisoformat(founded)
            founded = founded if founded > self.earliest else None
        facts = (kind, committee, lecture, due_days, founded, self.take(row))
        items = self.made.get(facts)
        if items is None:
            requirements = self.applicable.get((kind, committee))
            if requirements is None:
                requirements = self.applicable[(kind, committee)] = [
                    r for r in rules.REQUIREMENTS if rules.holds(r, kind, full)]
            own = {key: (row[found[0]], row[found[1]] if len(found) > 1 else 0) for key, found in self.where.items()}
            items = self.made[facts] = _items(requirements, own, founded or self.earliest, self.bounds, self.today,
                                              lecture=lecture, due_days=int(due_days))
        return items


def compliance_items(root: Org, *, month: date, today: date | None = None) -> dict[int, list[Item]]:
    """Every holder org of ``root``'s subtree → its items for the periods containing ``month``."""
    today = today or timezone.localdate()
    data = figures(root, [month])
    items_of = _ItemsOf(data, month, today)
    return {row[0]: items_of(row, data.lecture[row[0]], data.due_days[row[0]]) for row in data.rows}


def _items(requirements, own: dict, founded: date, bounds: dict, today: date, *, lecture, due_days: int) -> list[Item]:
    """``own``: (kind, period) → (meetings held, of them lectures by the secretary); ``lecture``:
    (the lecture period, whether the branch secretary's lecture counts here)."""
    items = []
    period_setting, secretary_lecture = lecture
    for requirement in requirements:
        if requirement.by_secretary and not secretary_lecture:
            continue
        period = requirement.period or rules.lecture_period(period_setting)
        start, end = bounds[period]
        # The secretary's lectures count for both lines; the others for the plain one only.
        total, by_secretary = own.get((requirement.kind, period), (0, 0))
        held = by_secretary if requirement.by_secretary else total
        required = rules.required_in_period(requirement.minimum, start, founded)
        items.append(Item(requirement, period, start, end, required, held, rules.status(
            required=required, held=held, period_end=end, today=today, due_soon_days=due_days)))
    return items


@dataclass
class Rollup:
    root: Org
    month: date
    total: Tally
    children: list[Tally]
    worst: list[Tally]
    items: dict[int, list[Item]]


def rollups(root: Org, *, months: list[date], today: date | None = None, worst: int = 20) -> list[Rollup]:
    """Compliance of ``root``'s subtree for each of ``months`` (the page shows two; one read of
    the figures serves both): a tally per child org (worst first) and the worst holder orgs of the
    whole subtree (as Orgs). The caller has checked the user covers ``root``."""
    today = today or timezone.localdate()
    data = figures(root, months)
    children = list(Org.objects.filter(subtree_q("path", root.path), depth=root.depth + 1).order_by("path"))
    # One pass over the holders: those with the same facts (kind, founding date, a committee or
    # not, every figure, the settings) share everything that follows; they are counted per child
    # org as (child, facts) → how many.
    child_length = len(root.path) + Org.steplen
    threshold = rules.BRANCH_COMMITTEE_THRESHOLD
    distinct: dict[tuple, int] = {}  # facts → their number
    facts_of: list[int] = []  # per row, the number of its facts
    per_child: Counter = Counter()
    lecture, due_days = data.lecture, data.due_days
    for row in data.rows:
        pk = row[0]
        facts = (row[2], row[3], row[4] >= threshold, row[FIRST_FIGURE:], lecture[pk], due_days[pk])
        number = distinct.setdefault(facts, len(distinct))
        facts_of.append(number)
        per_child[(row[1][:child_length], number)] += 1
    examples: list[Any] = [None] * len(distinct)  # facts → (a row that has them, lecture, warning days)
    for (kind, founded, committee, figures_, lecture_value, due_value), number in distinct.items():
        examples[number] = ((None, None, kind, founded, threshold if committee else 0, *figures_),
                            lecture_value, due_value)
    return [_rollup(root, children, data, _ItemsOf(data, month, today), month, worst, examples, facts_of, per_child)
            for month in months]


def rollup(root: Org, *, month: date, today: date | None = None, worst: int = 20) -> Rollup:
    return rollups(root, months=[month], today=today, worst=worst)[0]


def _rollup(root: Org, children: list[Org], data: Figures, items_of: _ItemsOf, month: date, worst: int,
            examples: list, facts_of: list[int], per_child: Counter) -> Rollup:
    statuses = tuple(rules.SEVERITY)
    red, yellow, pending = statuses.index(rules.RED), statuses.index(rules.YELLOW), statuses.index(rules.PENDING)
    shared = [items_of(*example) for example in examples]  # per facts: the items of the month
    tallied = []
    for items_here in shared:
        found = Counter(item.status for item in items_here)
        tallied.append(tuple(found[status] for status in statuses))
    names = [*rules.SEVERITY, "holders"]
    sums = added_up([root, *children], ((prefix, *(n * figure for figure in tallied[number]), n)
                                        for (prefix, number), n in per_child.items()), names)

    def tally_of(org: Org) -> Tally:
        figures = sums[org.pk]
        return Tally(org, {status: figures[status] for status in rules.SEVERITY}, figures["holders"])
    # The worst: holders with something red or yellow, most red first, then yellow, then pending.
    flagged = {number for number, counts in enumerate(tallied) if counts[red] or counts[yellow]}
    candidates = ((row[1], row[0], tallied[number]) for row, number in zip(data.rows, facts_of, strict=True)
                  if number in flagged)
    chosen = heapq.nsmallest(worst, candidates, key=lambda found: (-found[2][red], -found[2][yellow],
                                                                   -found[2][pending], found[0]))
    shown = as_orgs(pk for _path, pk, _counts in chosen)
    worst_holders = [Tally(shown[pk], dict(zip(statuses, counts, strict=True)), holders=1)
                     for _path, pk, counts in chosen]
    items = {row[0]: shared[number] for row, number in zip(data.rows, facts_of, strict=True)}
    return Rollup(root, month, tally_of(root), sorted(map(tally_of, children), key=Tally.sort_key), worst_holders,
                  items)


# Reminders are for those who record meetings for a handful of orgs (a secretary, a street's
# organizer); a district's or the city's admin follows the compliance page instead, where the
# subtree is summed, not listed holder by holder.
REMINDER_HOLDERS_MAX = 200


def reminders(user, *, today: date | None = None, limit: int = 50) -> list[tuple[Org, Item]]:
    """Requirements of the current periods not yet met and due soon (yellow), for the orgs the
    user records meetings for, nearest deadline first; a subtree of more than
    REMINDER_HOLDERS_MAX holders is left to the compliance page."""
    today = today or timezone.localdate()
    found = []
    for path in minimal_paths(get_scope(user).paths_for("orglife.change")):
        root = Org.objects.get(path=path)
        if Org.objects.filter(subtree_q("path", root.path), kind__in=rules.HOLDER_KINDS).count() > REMINDER_HOLDERS_MAX:
            continue
        by_pk = {org.pk: org for org in holders_of(root)}
        for org_id, items in compliance_items(root, month=today, today=today).items():
            found += [(by_pk[org_id], item) for item in items if item.status == rules.YELLOW]
    found = sorted(found, key=lambda pair: (pair[1].end, pair[0].path))[:limit]
    shown = as_orgs(holder.pk for holder, _item in found)
    return [(shown[holder.pk], item) for holder, item in found]


# --- calendar -------------------------------------------------------------------------------------------


# A day with more meetings than this shows counts per kind and a link to the day's list: a
# district has about 120 on a busy day, which no grid cell can show.
CALENDAR_DAY_LIMIT = 4


@dataclass
class CalendarDay:
    day: date
    inside: bool  # in the month shown
    total: int = 0
    kinds: list = field(default_factory=list)  # [(kind label, count)], for a crowded day
    meetings: list = field(default_factory=list)  # the meetings themselves, for a quiet day


def calendar_weeks(queryset, year: int, month: int) -> list[list[CalendarDay]]:
    """The month as weeks (Monday first). Two queries whatever the number of meetings: the
    counts per day and kind, then the meetings of the quiet days."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    in_month = queryset.filter(held_on__gte=first, held_on__lte=last)
    counts: dict[date, dict[str, int]] = defaultdict(dict)
    for row in in_month.order_by().values("held_on", "kind").annotate(n=Count("pk")):
        counts[row["held_on"]][row["kind"]] = row["n"]
    quiet = [day for day, kinds in counts.items() if sum(kinds.values()) <= CALENDAR_DAY_LIMIT]
    listed = defaultdict(list)
    for meeting in in_month.filter(held_on__in=quiet).order_by("held_on", "start_time", "pk"):
        listed[meeting.held_on].append(meeting)
    labels = dict(MeetingKind.choices)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        days = []
        for day in week:
            kinds = counts.get(day, {}) if day.month == month else {}
            entry = CalendarDay(day=day, inside=day.month == month, total=sum(kinds.values()))
            if entry.total > CALENDAR_DAY_LIMIT:
                entry.kinds = sorted(((labels[k], n) for k, n in kinds.items()), key=lambda kn: -kn[1])
            else:
                entry.meetings = listed.get(day, []) if entry.inside else []
            days.append(entry)
        weeks.append(days)
    return weeks


# --- the member's own view ---------------------------------------------------------------------------------


@dataclass
class MyRecord:
    attendances: object  # a queryset, newest first
    rate: int | None
    present: int
    counted: int
    sign_ins: int
    lectures: list
    upcoming: list


def my_record(member: Member, *, today: date | None = None) -> MyRecord:
    """My meetings, my attendance rate (present among meetings held so far that I was listed
    for), my QR sign-ins, lectures I gave, and my org's meetings I can sign in to soon."""
    today = today or timezone.localdate()
    rows = Attendance.objects.filter(member=member).select_related("meeting", "meeting__org")
    held = rows.filter(meeting__held_on__lte=today)
    figures = held.aggregate(counted=Count("id"), present=Count("id", filter=Q(status=AttendanceStatus.PRESENT)),
                             qr=Count("id", filter=Q(how=SignInHow.QR)))
    upcoming = (Meeting.objects.filter(Q(org_id=member.org_id) | Q(org_id=member.group_id),
                                       state=MeetingState.DRAFT, held_on__gte=today,
                                       held_on__lte=today + timedelta(days=30))
                .select_related("org").order_by("held_on", "start_time"))
    return MyRecord(
        attendances=rows.order_by("-meeting__held_on", "-meeting_id"),  # paged by the page
        rate=round(100 * figures["present"] / figures["counted"]) if figures["counted"] else None,
        present=figures["present"], counted=figures["counted"], sign_ins=figures["qr"],
        lectures=list(member.lectures_given.select_related("org").order_by("-held_on")),
        upcoming=list(upcoming),
    )


def compliance_root(user, value=None) -> Org:
    """The org the compliance page and API are about: ``value`` (an id or a code, ``org_param``)
    among the orgs granting orglife.view, by default the user's top one."""
    named = org_param(user, value, "orglife.view")
    if named is not None:
        return named
    paths = get_scope(user).paths_for("orglife.view")
    if not paths:
        raise NotFound
    return Org.objects.filter(path__in=paths).order_by("depth", "path").first()
