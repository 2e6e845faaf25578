"""Reads for the organizational-life pages and the API: meetings in scope, the review queue,
compliance (required against held per org and period, rolled up the tree), the calendar, the
reminders and the member's own view. Every figure comes from grouped queries over an org path
range, never from one query per org."""

import calendar
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from core.access import get_scope, minimal_paths, subtree_q
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
from orgs.models import Org
from orgs.selectors import added_up, org_param


def recording_orgs(user):
    """Branches and party groups the user records meetings for (orglife.change), and committees
    recording their secretaries' lectures (rules.LECTURING_KINDS)."""
    return Org.objects.granting(user, "orglife.change").filter(kind__in=rules.RECORDING_KINDS).order_by("path")


def meetings(user, action: str = "view"):
    return Meeting.objects.visible_to(user, action).select_related("org")


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


def held_counts(root: Org, month: date) -> dict[int, dict[tuple[str, bool], dict[str, int]]]:
    """org id → (kind, by secretary) → meetings counted in the month, quarter and year that contain
    ``month``: one grouped query over the summary table (``MeetingMonth``: at most one row per org,
    kind and month, kept by the services), on the org path range, the periods as conditional sums."""
    month_start, _end = rules.period_bounds(rules.MONTH, month)
    quarter = rules.period_bounds(rules.QUARTER, month)
    year_start, year_end = rules.period_bounds(rules.YEAR, month)
    windows = {rules.MONTH: Q(month=month_start), rules.QUARTER: Q(month__gte=quarter[0], month__lte=quarter[1])}
    figures = {"in_year": Sum("held"), "in_year_s": Sum("by_secretary")}
    for period, within in windows.items():  # named in_… : "month" is the table's own column
        figures[f"in_{period}"] = Sum("held", filter=within)
        figures[f"in_{period}_s"] = Sum("by_secretary", filter=within)
    rows = (MeetingMonth.objects.filter(subtree_q("org__path", root.path), month__gte=year_start, month__lte=year_end)
            .order_by().values("org_id", "kind").annotate(**figures))
    counts: dict[int, dict] = defaultdict(dict)
    periods = (rules.MONTH, rules.QUARTER, rules.YEAR)
    # The plugin types the rows from the annotations it can see, not the **-expanded ones.
    for row in cast(Iterable[dict[str, Any]], rows):
        secretary = {period: row[f"in_{period}_s"] or 0 for period in periods}
        counts[row["org_id"]][(row["kind"], True)] = secretary
        counts[row["org_id"]][(row["kind"], False)] = {
            period: (row[f"in_{period}"] or 0) - secretary[period] for period in periods}
    return counts


def full_members(root: Org) -> dict[int, int]:
    """org id → its own full members, from the member summary (one row per org and status)."""
    rows = (MemberCount.objects.filter(subtree_q("org__path", root.path), status=MemberStatus.FULL, total__gt=0)
            .values_list("org_id", "total"))
    return dict(rows)


def compliance_items(root: Org, *, month: date, today: date | None = None,
                     holders: list[Holder] | None = None) -> dict[int, list[Item]]:
    """Every holder org of ``root``'s subtree → its items for the periods containing ``month``.
    Five queries whatever the size of the subtree."""
    today = today or timezone.localdate()
    holders = holders_of(root) if holders is None else holders
    counts = held_counts(root, month)
    fulls = full_members(root)
    lecture_periods = rules.local_values(root, holders, "orglife_lecture_period")
    due_days = rules.local_values(root, holders, "orglife_due_soon_days")
    bounds = {period: rules.period_bounds(period, month) for period in rules.PERIOD_LABELS}
    earliest = min(start for start, _end in bounds.values())
    nothing: dict = {}
    applicable: dict[tuple, list] = {}  # (kind, has a committee) → the requirements it holds
    # Holders with the same facts have the same items: most of a city's tens of thousands share a
    # few hundred combinations, computed once each (the items are read, never changed).
    made: dict[tuple, list[Item]] = {}
    result: dict[int, list[Item]] = {}
    for org in holders:
        full = fulls.get(org.pk, 0)
        holds_key = (org.kind, rules.has_committee(full))
        requirements = applicable.get(holds_key)
        if requirements is None:
            requirements = applicable[holds_key] = [r for r in rules.REQUIREMENTS if rules.holds(r, org.kind, full)]
        own = counts.get(org.pk, nothing)
        # The founding date matters only inside the periods shown (rules.required_in_period).
        facts = (holds_key, lecture_periods[org.pk], due_days[org.pk], org.founded if org.founded > earliest else None,
                 tuple(sorted((key, tuple(figures.items())) for key, figures in own.items())))
        items = made.get(facts)
        if items is None:
            items = made[facts] = _items(requirements, own, org.founded, bounds, today,
                                         lecture=lecture_periods[org.pk], due_days=int(due_days[org.pk]))
        result[org.pk] = items
    return result


def _items(requirements, own: dict, founded: date, bounds: dict, today: date, *, lecture, due_days: int) -> list[Item]:
    nothing: dict = {}
    items = []
    for requirement in requirements:
        period = requirement.period or rules.lecture_period(lecture)
        start, end = bounds[period]
        # The secretary's lectures count for both lines; the others for the plain one only.
        held = own.get((requirement.kind, True), nothing).get(period, 0)
        if not requirement.by_secretary:
            held += own.get((requirement.kind, False), nothing).get(period, 0)
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
    holders: dict[int, Holder]


def rollup(root: Org, *, month: date, today: date | None = None, worst: int = 20,
           holders: list[Holder] | None = None) -> Rollup:
    """Compliance of ``root``'s subtree: a tally per child org (worst first) and the worst holder
    orgs of the whole subtree (as Orgs). The caller has checked the user covers ``root``; a page
    that rolls up two months passes the same ``holders``."""
    today = today or timezone.localdate()
    holders = holders_of(root) if holders is None else holders
    items = compliance_items(root, month=month, today=today, holders=holders)
    children = list(Org.objects.filter(subtree_q("path", root.path), depth=root.depth + 1).order_by("path"))
    # Holders with the same facts share their items (compliance_items): each list is counted once,
    # and the holders are added up per child org as (child, list) → how many, before the roll-up.
    child_length = len(root.path) + Org.steplen
    tallied: dict[int, tuple[int, ...]] = {}
    per_child: Counter = Counter()
    flagged = []  # (holder, counts) with something red or yellow: the candidates for the worst
    statuses = tuple(rules.SEVERITY)
    red, yellow, pending = statuses.index(rules.RED), statuses.index(rules.YELLOW), statuses.index(rules.PENDING)
    for org in holders:
        own = items[org.pk]
        counts = tallied.get(id(own))
        if counts is None:
            found = Counter(item.status for item in own)
            counts = tallied[id(own)] = tuple(found[status] for status in statuses)
        per_child[(org.path[:child_length], id(own))] += 1
        if counts[red] or counts[yellow]:
            flagged.append((org, counts))
    names = [*rules.SEVERITY, "holders"]
    sums = added_up([root, *children], ((prefix, *(n * figure for figure in tallied[key]), n)
                                        for (prefix, key), n in per_child.items()), names)

    def tally_of(org: Org) -> Tally:
        figures = sums[org.pk]
        return Tally(org, {status: figures[status] for status in rules.SEVERITY}, figures["holders"])
    chosen = heapq.nsmallest(worst, flagged, key=lambda pair: (-pair[1][red], -pair[1][yellow], -pair[1][pending],
                                                               pair[0].path))
    shown = as_orgs(holder.pk for holder, _counts in chosen)
    worst_holders = [Tally(shown[holder.pk], dict(zip(statuses, counts, strict=True)), holders=1)
                     for holder, counts in chosen]
    return Rollup(root, month, tally_of(root), sorted(map(tally_of, children), key=Tally.sort_key), worst_holders,
                  items, {org.pk: org for org in holders})


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
        holders = holders_of(root)
        by_pk = {org.pk: org for org in holders}
        for org_id, items in compliance_items(root, month=today, today=today, holders=holders).items():
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
