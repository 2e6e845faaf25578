"""Points reads: a member's year (total and per activity), a branch's ranking from the summary
rows, the totals of a subtree and of each child from the org-year summary rows."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Sum

from core.access import get_scope
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org
from orgs.rules import local_setting
from orgs.selectors import rollup
from points import rules
from points.models import PointDay, PointMemberYear, PointOrgYear


@dataclass(frozen=True)
class Line:
    activity: rules.Activity
    year: int  # points of the year
    today: int  # points of today, against the activity's daily cap


def member_year(member_id: int, year: int, today: date) -> tuple[int, list[Line]]:
    """The member's points of ``year`` (total, and per activity with today's): one grouped query."""
    rows = (PointDay.objects.filter(member_id=member_id, day__year=year).order_by()
            .values_list("activity", "day", "points"))
    by_year: dict[str, int] = {}
    by_today: dict[str, int] = {}
    for activity, day, points in rows:
        by_year[activity] = by_year.get(activity, 0) + points
        if day == today:
            by_today[activity] = by_today.get(activity, 0) + points
    lines = [Line(a, by_year.get(a.code, 0), by_today.get(a.code, 0)) for a in rules.ACTIVITIES]
    return sum(by_year.values()), lines


def members_points(member_ids, year: int) -> dict[int, int]:
    """Each member's points of ``year`` (wherever earned), from the summary rows."""
    return dict(PointMemberYear.objects.filter(member_id__in=list(member_ids), year=year).order_by()
                .values("member_id").annotate(p=Sum("points")).values_list("member_id", "p"))


def ranking_enabled(org: Org) -> bool:
    return bool(local_setting(org, "points_ranking"))


@dataclass(frozen=True)
class Place:
    rank: int
    member: Member
    points: int


def ranking(org: Org, year: int) -> list[Place]:
    """The active members of ``org`` by the points of ``year`` they earned in it (equal points,
    equal rank: 1, 2, 2, 4), from the summary rows; members with none are last, with 0."""
    points = dict(PointMemberYear.objects.filter(org=org, year=year).values_list("member_id", "points"))
    members = Member.objects.filter(org=org, status__in=ACTIVE_STATUSES).only("pk", "name", "org_id")
    ordered = sorted(members, key=lambda m: (-points.get(m.pk, 0), m.name, m.pk))
    places, rank, last = [], 0, None
    for position, member in enumerate(ordered, start=1):
        value = points.get(member.pk, 0)
        if value != last:
            rank, last = position, value
        places.append(Place(rank, member, value))
    return places


def org_points(org: Org, year: int) -> int:
    return children_points([org], year)[org.pk]


def children_points(orgs: list[Org], year: int) -> dict[int, int]:
    """Each listed org's subtree points of ``year``: one grouped query over the org-year rows."""
    found = rollup(orgs, PointOrgYear.objects.filter(year=year), "org__path", {"points": Sum("points")},
                   group_by_prefix=True)
    return {pk: figures["points"] for pk, figures in found.items()}


def can_see_ranking(user, org: Org) -> bool:
    """Managers of the org (learning.view) and the org's own members see its ranking."""
    scope = get_scope(user)
    return scope.covers(org.path, "learning.view") or scope.member_org_id == org.pk
