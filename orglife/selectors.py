"""Reads for the organizational-life pages and the API: meetings in scope, the review queue,
compliance (required against held per org and period, rolled up the tree), the calendar, the
reminders and the member's own view. Every figure comes from grouped queries over an org path
range, never from one query per org."""

import calendar
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.models import Grant, User
from core.access import PATH_MAX_LENGTH, get_scope, minimal_paths, subtree_q
from core.errors import NotFound
from core.registry import BulletinPart
from members.models import Member, MemberCount, MemberStatus
from notifications.models import Kind
from notifications.reminders import Reminder
from notifications.services import OFFICER_ROLES
from orglife import rules
from orglife.models import (
    Attendance,
    AttendanceStatus,
    CopyFlag,
    Meeting,
    MeetingKind,
    MeetingPeriods,
    MeetingState,
    ReviewDecision,
    ReviewRound,
    SignInHow,
)
from orglife.summaries import COLUMNS
from orgs.models import Org, OrgSetting
from orgs.rules import LOCAL_DEFAULTS
from orgs.selectors import is_only_root, org_param


def recording_orgs(user):
    """Branches and party groups the user records meetings for (orglife.change), and committees
    recording their secretaries' lectures (rules.LECTURING_KINDS)."""
    return Org.objects.granting(user, "orglife.change").filter(kind__in=rules.RECORDING_KINDS).order_by("path")


def meetings(user, action: str = "view"):
    """Meetings in scope, for lists by date: the city's admin reads them in the date index's
    order without joining the tree (``core.access.grants_q``)."""
    return Meeting.objects.visible_to(user, action, tree_order=False).select_related("org")


def subtree_meetings(root: Org):
    """The meetings of ``root``'s subtree, for a list by date (the newest few). Where ``root`` is the
    tree's only root the subtree is every meeting: no path predicate, so the database walks the
    date index and stops at the page instead of sorting the city's 800,000 meetings (SQLite plans
    the path range first: 480 ms against under 1 ms on the city demo, docs/benchmarks.md)."""
    if is_only_root(root):
        return Meeting.objects.all()
    return Meeting.objects.filter(subtree_q("org__path", root.path))


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


FIRST_FIGURE = 5  # a row: pk, path, kind, founded inside the periods, full members, then the figures


def _layout(months: list[date]) -> tuple[dict[tuple[str, str, date], int], dict[int, tuple]]:
    """Where a row of the figures holds what: per month, the ``MeetingPeriods`` columns in
    ``COLUMNS`` order. (kind, period, month) → a window; window → the row's positions of held
    (and of held by the secretary, for lectures)."""
    windows: dict[tuple[str, str, date], int] = {}
    positions: dict[int, tuple] = {}
    width = len(COLUMNS)
    for number, month in enumerate(months):
        first = FIRST_FIGURE + number * width
        for offset, column in enumerate(COLUMNS):
            if column.by_secretary:
                continue
            window = windows[(column.kind, column.period, month)] = len(windows)
            positions[window] = (first + offset, *(first + other for other, found in enumerate(COLUMNS)
                                                   if found.by_secretary and (found.kind, found.period)
                                                   == (column.kind, column.period)))
    return windows, positions


def _earliest(months: list[date]) -> date:
    """The first day of the longest period containing any of ``months``: an org founded before
    it owes every period shown."""
    return min(rules.period_bounds(rules.YEAR, month)[0] for month in months)


def _source_sql(root: Org, months: list[date]) -> tuple[str, list, list[str]]:
    """FROM … WHERE of the figures: every holder of the subtree (by path range) with its full
    members (``MemberCount``) and, per month, its ``MeetingPeriods`` row (what each requirement
    has met in the periods containing that month) — two index seeks per holder for the page's two
    months, whatever the number of meetings. Also the figures' columns (NULL where the holder has
    no row), per month in ``COLUMNS`` order. Plain SQL for SQLite and PostgreSQL alike: the ORM
    cannot join one table twice on a constant."""
    quote = connection.ops.quote_name
    period_table, org_table = quote(MeetingPeriods._meta.db_table), quote(Org._meta.db_table)
    count_table = quote(MemberCount._meta.db_table)
    joins: list[str] = []
    params: list = []
    expressions: list[str] = []
    for number, month in enumerate(months):
        joins.append(f"LEFT JOIN {period_table} m{number} ON m{number}.org_id = o.id AND m{number}.month = %s")
        params.append(month.replace(day=1))
        expressions += [f"m{number}.{quote(column.name)}" for column in COLUMNS]
    kinds = sorted(rules.HOLDER_KINDS)
    sql = (f"FROM {org_table} o {' '.join(joins)} "
           f"LEFT JOIN {count_table} fm ON fm.org_id = o.id AND fm.status = %s "
           f"WHERE o.path >= %s AND o.path <= %s AND o.kind IN ({', '.join(['%s'] * len(kinds))})")
    lower, upper = _path_range(root.path)
    return sql, [*params, MemberStatus.FULL, lower, upper, *kinds], expressions


def _path_range(path: str) -> tuple[str, str]:
    return path, path + "Z" * (PATH_MAX_LENGTH - len(path))


@dataclass
class Figures:
    """What the compliance of a subtree is computed from: one row per holder — (pk, path, kind,
    founding date when inside the periods shown else None, full members, then per month the
    ``MeetingPeriods`` figures) — and the local settings per holder."""

    rows: list[tuple]
    windows: dict[tuple[str, str, date], int]
    positions: dict[int, tuple]
    lecture: dict[int, Any]
    due_days: dict[int, Any]


def figures(root: Org, months: list[date]) -> Figures:
    """The compliance figures of ``root``'s subtree for the periods containing ``months``, holder
    by holder: one statement over the summary tables, plus the local settings."""
    windows, positions = _layout(months)
    source, params, expressions = _source_sql(root, months)
    figures_sql = ", ".join(f"COALESCE({expression}, 0)" for expression in expressions)
    sql = (f"SELECT o.id, o.path, o.kind, CASE WHEN o.founded > %s THEN o.founded END, COALESCE(fm.total, 0), "
           f"{figures_sql} {source} ORDER BY o.path")
    with connection.cursor() as cursor:
        cursor.execute(sql, [_earliest(months), *params])
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

    def __init__(self, windows: dict, positions: dict, month: date, today: date):
        self.today = today
        self.bounds = {period: rules.period_bounds(period, month) for period in rules.PERIOD_LABELS}
        self.earliest = min(start for start, _end in self.bounds.values())
        # (kind, period) → the positions of this month's figures in a row: held (and by the secretary).
        self.where = {(kind, period): positions[column]
                      for (kind, period, m), column in windows.items() if m == month}
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
    items_of = _ItemsOf(data.windows, data.positions, month, today)
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
    today: date
    # When the figures were counted, where they come from the cache (``rollups``): the page says so.
    counted: datetime | None = None

    @cached_property
    def items(self) -> dict[int, list[Item]]:
        """Every holder's items with the meetings it held, computed when asked (the page asks for
        a branch's own and its groups'; the roll-up itself counts holders by their facts)."""
        return compliance_items(self.root, month=self.month, today=self.today)


# --- the roll-up: holders counted by their facts in the database --------------------------------------

LOCAL_KEYS = ("orglife_lecture_period", "orglife_branch_secretary_lecture", "orglife_due_soon_days")
# What a status depends on is whether a requirement's minimum is reached and whether anything was
# held: the figures are counted up to the largest minimum of their kind, so that holders that
# differ only by meetings beyond it share their facts.
CAPS = {column.name: max(r.minimum for r in rules.REQUIREMENTS if r.kind == column.kind) for column in COLUMNS}


@dataclass
class _Packed:
    """The figures of the months shown as one number per holder, for the database to group by:
    each distinct window (a column and its period's bounds: this month and the last share their
    quarter and year) is a digit counted up to its cap, in a base of cap + 1."""

    expression: str
    slots: list[tuple[int, int]]  # per digit: its weight and cap
    slot_of: dict[tuple[int, int], int]  # (month's number, column's number) → its digit

    @classmethod
    def of(cls, months: list[date], columns: list[str]) -> "_Packed":
        slots: list[tuple[int, int]] = []
        slot_of: dict[tuple[int, int], int] = {}
        seen: dict[tuple, int] = {}
        terms: list[str] = []
        weight = 1
        for number, month in enumerate(months):
            for offset, column in enumerate(COLUMNS):
                key = (column.name, rules.period_bounds(column.period, month))
                if key not in seen:
                    seen[key] = len(slots)
                    cap, expression = CAPS[column.name], columns[number * len(COLUMNS) + offset]
                    slots.append((weight, cap))
                    terms.append(f"CASE WHEN {expression} >= {cap:d} THEN {cap * weight:d} "
                                 f"WHEN {expression} > 0 THEN {expression} * {weight:d} ELSE 0 END")
                    weight *= cap + 1
                slot_of[(number, offset)] = seen[key]
        assert weight < 2**31, "the packed figures must fit an integer column"
        return cls(" + ".join(terms), slots, slot_of)

    def figures(self, packed: int, months: int) -> tuple[int, ...]:
        """The figures in the order of a row of ``Figures`` (per month, ``COLUMNS`` order)."""
        digits = [packed // weight % (cap + 1) for weight, cap in self.slots]
        return tuple(digits[self.slot_of[(number, offset)]] for number in range(months) for offset in range(len(COLUMNS)))


@dataclass
class _Settings:
    """The subtree's local settings as SQL: per key, an expression giving each holder the number
    of the value that applies to it (its own, else its nearest ancestor's, else the default) —
    each setting covers one range of the paths, the deeper one wins — and the values by number.
    Each setting row is a WHEN tried per holder: about 1 ms per row for a city's 49,744 holders,
    nothing for the few a city sets; hundreds would want the holders read per range instead."""

    expressions: list[str]
    params: list
    values: list[list]

    @classmethod
    def of(cls, root: Org) -> "_Settings":
        rows = (OrgSetting.objects.filter(key__in=LOCAL_KEYS)
                .filter(subtree_q("org__path", root.path) | Q(org__path__in=root.ancestor_paths()))
                .values_list("key", "org__path", "value"))
        found: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        for key, path, value in rows:
            found[key].append((path, value))
        expressions: list[str] = []
        params: list = []
        values: list[list] = []
        for key in LOCAL_KEYS:
            values.append([LOCAL_DEFAULTS.get(key, rules.LOCAL_RULES.get(key))])
            if not found[key]:
                expressions.append("0")
                continue
            cases = []
            for path, value in sorted(found[key], key=lambda setting: -len(setting[0])):
                values[-1].append(value)
                cases.append(f"WHEN o.path >= %s AND o.path <= %s THEN {len(values[-1]) - 1}")
                params += _path_range(path)
            expressions.append(f"CASE {' '.join(cases)} ELSE 0 END")
        return cls(expressions, params, values)


@dataclass
class _Groups:
    """Holders counted per child org and facts by the database: ``rows`` are (child path, kind,
    founding date or the periods' first day, full members as the committee threshold or 0, the
    packed figures, the settings' numbers …, holders); ``facts_sql`` and its parameters compute
    the same facts for one holder."""

    rows: list[tuple]
    facts_sql: str
    facts_params: list
    source: str
    source_params: list


def _groups(root: Org, months: list[date], settings: _Settings, packed: _Packed, source: str,
            source_params: list) -> _Groups:
    """One statement: the subtree's holders grouped by child org and by their facts — kind,
    founding date within the periods shown (else the periods' first day), a committee or not,
    the packed figures, the local settings' numbers. Sorting a few small keys per holder is what
    the database spends its time on; the groups are a few thousand for a city."""
    earliest = _earliest(months)
    threshold = rules.BRANCH_COMMITTEE_THRESHOLD
    facts = ["o.kind", "CASE WHEN o.founded > %s THEN o.founded ELSE %s END",
             f"CASE WHEN fm.total >= {threshold:d} THEN {threshold:d} ELSE 0 END", packed.expression,
             *settings.expressions]
    facts_params = [earliest, earliest, *settings.params]
    child_length = len(root.path) + Org.steplen
    grouped = [number for number, expression in enumerate(facts, start=2) if expression != "0"]
    facts_sql = ", ".join(facts)
    sql = (f"SELECT substr(o.path, 1, {child_length:d}), {facts_sql}, COUNT(*) {source} "
           f"GROUP BY 1, {', '.join(map(str, grouped))}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*facts_params, *source_params])
        rows = cursor.fetchall()
    return _Groups(rows, facts_sql, facts_params, source, source_params)


def rollups(root: Org, *, months: list[date], today: date | None = None, worst: int = 20,
            cached: bool = True) -> list[Rollup]:
    """Compliance of ``root``'s subtree for each of ``months`` (the page shows two; one read of
    the figures serves both): a tally per child org (worst first) and the worst holder orgs of the
    whole subtree (as Orgs). The caller has checked the user covers ``root``.

    A city's or a district's (``root.depth`` up to settings.ROLLUP_CACHE_DEPTH) are kept in the
    cache for settings.ROLLUP_CACHE_SECONDS: they take a few hundred milliseconds for tens of
    thousands of holders (docs/benchmarks.md), every admin's home page shows them, and a minute
    late is what an organization department can live with; the page says when they were counted.
    A street's, a branch's — what a secretary checks after recording a meeting — are always now,
    and so is a document's (``cached=False``: the quarterly bulletin)."""
    today = today or timezone.localdate()
    seconds = django_settings.ROLLUP_CACHE_SECONDS
    if not cached or not seconds or root.depth > django_settings.ROLLUP_CACHE_DEPTH:
        return _rollups(root, months=months, today=today, worst=worst)
    key = f"orglife.rollups:{root.pk}:{root.path}:{','.join(map(str, months))}:{today}:{worst}"
    found = cache.get(key)
    if found is None:
        found = _rollups(root, months=months, today=today, worst=worst)
        for result in found:
            result.counted = timezone.now()
        cache.set(key, found, seconds)
    return found


def _rollups(root: Org, *, months: list[date], today: date, worst: int) -> list[Rollup]:
    settings = _Settings.of(root)
    source, source_params, columns = _source_sql(root, months)
    packed = _Packed.of(months, columns)
    groups = _groups(root, months, settings, packed, source, source_params)
    children = list(Org.objects.filter(subtree_q("path", root.path), depth=root.depth + 1).order_by("path"))
    # The facts of a group as ``_ItemsOf`` reads a row: (pk, path, kind, founded, full, figures …),
    # with its lecture settings and warning days; groups of different child orgs share them.
    lecture_values, secretary_values, due_values = settings.values
    distinct: dict[tuple, int] = {}
    examples: list[tuple] = []
    facts_of: list[int] = []
    for row in groups.rows:
        number = distinct.setdefault(row[1:-1], len(distinct))
        facts_of.append(number)
        if number == len(examples):
            kind, founded, full, figures_, lecture, secretary, due = row[1:-1]
            examples.append(((None, None, kind, founded, full, *packed.figures(figures_, len(months))),
                             (lecture_values[lecture], bool(secretary_values[secretary])), due_values[due]))
    windows, positions = _layout(months)
    return [_rollup(root, children, groups, examples, facts_of, _ItemsOf(windows, positions, month, today), month,
                    today, worst) for month in months]


def rollup(root: Org, *, month: date, today: date | None = None, worst: int = 20, cached: bool = True) -> Rollup:
    return rollups(root, months=[month], today=today, worst=worst, cached=cached)[0]


def _rollup(root: Org, children: list[Org], groups: _Groups, examples: list, facts_of: list[int],
            items_of: _ItemsOf, month: date, today: date, worst: int) -> Rollup:
    statuses = tuple(rules.SEVERITY)
    tallied = []  # per facts: the number of its items of each status, for one holder
    for example in examples:
        found = Counter(item.status for item in items_of(*example))
        tallied.append((*(found[status] for status in statuses), 1))
    # Per child org (a group's first column), then the root: every holder of the subtree.
    sums: dict[str, list[int]] = {}
    for row, number in zip(groups.rows, facts_of, strict=True):
        figures = sums.setdefault(row[0], [0] * (len(statuses) + 1))
        for index, figure in enumerate(tallied[number]):
            figures[index] += figure * row[-1]
    total = [sum(column) for column in zip(*sums.values(), strict=True)] or [0] * (len(statuses) + 1)

    def tally_of(org: Org, figures: list[int]) -> Tally:
        return Tally(org, dict(zip(statuses, figures, strict=False)), figures[-1])
    empty = [0] * (len(statuses) + 1)
    chosen = _worst(groups, [tallied[number][:-1] for number in facts_of], statuses, worst)
    shown = as_orgs(pk for pk, _counts in chosen)
    worst_holders = [Tally(shown[pk], dict(zip(statuses, counts, strict=True)), holders=1) for pk, counts in chosen]
    return Rollup(root, month, tally_of(root, total),
                  sorted((tally_of(child, sums.get(child.path, empty)) for child in children), key=Tally.sort_key),
                  worst_holders, today)


def _worst(groups: _Groups, tallied: list[tuple], statuses: tuple, worst: int) -> list[tuple[int, tuple]]:
    """The ``worst`` holders with something red or yellow — most red first, then yellow, then
    pending, then by path — as (pk, counts). The groups say how bad each holder of them is and in
    which child orgs they are: the holders themselves are read from the database, those of the
    levels above the last one needed in full (fewer than ``worst``), then the last level's first
    in path order, only under the child orgs that hold them."""
    red, yellow, pending = statuses.index(rules.RED), statuses.index(rules.YELLOW), statuses.index(rules.PENDING)
    levels: dict[tuple, list[int]] = defaultdict(list)  # badness → the groups that have it
    for number, counts in enumerate(tallied):
        if counts[red] or counts[yellow]:
            levels[(-counts[red], -counts[yellow], -counts[pending])].append(number)
    needed, holders = [], 0
    for level in sorted(levels):
        needed.append(level)
        holders += sum(groups.rows[number][-1] for number in levels[level])
        if holders >= worst:
            break
    if not needed:
        return []
    above = [number for level in needed[:-1] for number in levels[level]]
    last = levels[needed[-1]]
    counts_of = {groups.rows[number][1:-1]: tallied[number] for number in (*above, *last)}

    def badness(facts: tuple) -> tuple:
        counts = counts_of[facts]
        return -counts[red], -counts[yellow], -counts[pending]
    chosen = sorted(_holders_of(groups, above, None), key=lambda found: (badness(found[2]), found[1])) if above else []
    chosen += _holders_of(groups, last, worst - len(chosen))
    return [(pk, counts_of[facts]) for pk, _path, facts in chosen[:worst]]


def _holders_of(groups: _Groups, numbers: list[int], limit: int | None) -> list[tuple]:
    """The holders of the listed groups, in path order (at most ``limit``): (pk, path, facts)."""
    prefixes = sorted({groups.rows[number][0] for number in numbers})
    facts = [groups.rows[number][1:-1] for number in numbers]
    width = len(facts[0])
    within = " OR ".join(["(o.path >= %s AND o.path <= %s)"] * len(prefixes))
    values = ", ".join([f"({', '.join(['%s'] * width)})"] * len(facts))
    sql = (f"SELECT o.id, o.path, {groups.facts_sql} {groups.source} AND ({within}) "
           f"AND ({groups.facts_sql}) IN (VALUES {values}) ORDER BY o.path")
    params = [*groups.facts_params, *groups.source_params,
              *(bound for prefix in prefixes for bound in _path_range(prefix)),
              *groups.facts_params, *(value for found in facts for value in found)]
    if limit is not None:
        sql += f" LIMIT {limit:d}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1], tuple(row[2:])) for row in cursor.fetchall()]


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


# --- daily reminders (notifications, issue 15.3) ------------------------------------------------------


def due_reminders(*, today: date, days: int = 7) -> list[Reminder]:
    """For `dangjian notifications remind`: each user who records meetings is reminded of what
    the orglife page's reminders show them (``reminders``: requirements of the current periods
    not yet met and due soon), one message per org and kind of meeting. ``days`` is not used:
    how soon is "soon" is the module's own setting (rules.status, the local due-soon days)."""
    user_ids = (Grant.objects.filter(org__isnull=False, role__in=OFFICER_ROLES, user__is_active=True)
                .values_list("user_id", flat=True).distinct())
    found = []
    for user in User.objects.filter(pk__in=list(user_ids)).order_by("pk"):
        for org, item in reminders(user, today=today):
            found.append(Reminder(
                recipients=(user.pk,), kind=Kind.MEETING_DUE,
                link=f"{reverse('orglife:create')}?org={org.pk}&kind={item.requirement.kind}",
                title=(f"{org.name}：{item.period_label}{item.requirement.label}尚未完成（应 {item.required} 次，"
                       f"已 {item.held} 次），{item.end:%m月%d日}截止")))
    return found


# --- the quarterly bulletin (oversight's 季度通报, core.registry.register_bulletin_section) -------------


def bulletin_part(root: Org, children: list[Org], start: date, end: date, as_of: date):
    """三会一课 for a bulletin: the compliance roll-up of the quarter's last month — that month's,
    the quarter's and the year's requirements up to it — as of ``as_of``, per child org: holders,
    completion rate (items done of items due) and red items (overdue, not done)."""
    month = end.replace(day=1)
    found = rollup(root, month=month, today=as_of, worst=1, cached=False)
    tallies = {tally.org.pk: tally for tally in found.children}

    def figures(tally: Tally | None) -> dict:
        if tally is None:
            return {"holders": 0, "rate": None, "red": 0}
        return {"holders": tally.holders, "rate": tally.rate, "red": tally.counts[rules.RED]}
    total = figures(found.total)
    rate = "暂无应完成事项" if total["rate"] is None else f"各项要求完成率{total['rate']}%"
    return BulletinPart(
        columns=[("holders", "应落实党组织"), ("rate", "完成率（%）"), ("red", "逾期未完成（项）")],
        rows={child.pk: figures(tallies.get(child.pk)) for child in children}, total=total,
        rank_by="rate", higher_better=True,
        text=(f"截至{as_of:%Y年%m月%d日}，{root.name}应落实“三会一课”的党组织{total['holders']}个，"
              f"{month:%Y年%m月}所在各周期{rate}，逾期未完成{total['red']}项。"),
        basis=(f"orglife_meetingperiods（会议周期汇总，随会议记录同一事务更新）：{root.name}及其下级党组织，"
               f"{month:%Y年%m月}所在的月度、季度、年度要求，按{as_of:%Y年%m月%d日}判定；完成率为已完成项占应完成项的比例"))
