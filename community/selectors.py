"""Community check-in reads: what a community has (requests waiting, members checked in), what a
unit's members gave (check-ins, hours, ratings: the feedback of 两地双向), and the counts of a
subtree from the summary rows."""

from datetime import date

from django.db.models import Sum

from community.models import CheckIn, CheckInRating, CheckInState, CommunityMonth
from core.access import subtree_q
from core.registry import BulletinPart
from orgs.models import Org
from orgs.selectors import rollup


def waiting(user, community: Org):
    return (CheckIn.objects.visible_to(user, "change").filter(community=community, state=CheckInState.REQUESTED)
            .select_related("member", "unit").order_by("requested_on", "pk"))


def unit_feedback(user, unit: Org, year: int) -> list[dict]:
    """The unit's own members' check-ins with their hours of ``year`` and the year's rating."""
    checkins = list(CheckIn.objects.visible_to(user, "view").filter(unit=unit).exclude(state=CheckInState.REFUSED)
                    .select_related("member", "community").order_by("member__name", "pk"))
    hours = dict(CheckIn.objects.filter(pk__in=[c.pk for c in checkins], records__day__year=year).order_by()
                 .values("pk").annotate(h=Sum("records__hours")).values_list("pk", "h"))
    ratings = {r.checkin_id: r for r in CheckInRating.objects.filter(checkin__in=checkins, year=year)}
    return [{"checkin": c, "hours": hours.get(c.pk) or 0, "rating": ratings.get(c.pk)} for c in checkins]


def children_counts(orgs: list[Org], role: str, start: date, end: date) -> dict[int, dict[str, float]]:
    """``counts`` for each listed org (a root and its children) in one grouped query."""
    months = CommunityMonth.objects.filter(role=role, month__range=(start, end))
    found = rollup(orgs, months, "org__path", {"checkins": Sum("checkins"), "records": Sum("records"),
                                               "tenths": Sum("tenths")}, group_by_prefix=True)
    return {pk: {"checkins": f["checkins"] or 0, "records": f["records"] or 0, "hours": (f["tenths"] or 0) / 10}
            for pk, f in found.items()}


def counts(org: Org, role: str, start: date, end: date) -> dict[str, float]:
    """Check-ins, service records and hours of ``org``'s subtree between two months, as the
    community side ("community") or the unit side ("unit") counts them."""
    found = CommunityMonth.objects.filter(subtree_q("org__path", org.path), role=role, month__range=(start, end)).aggregate(
        checkins=Sum("checkins"), records=Sum("records"), tenths=Sum("tenths"))
    return {"checkins": found["checkins"] or 0, "records": found["records"] or 0,
            "hours": (found["tenths"] or 0) / 10}


# --- the quarterly bulletin (oversight's 季度通报, core.registry.register_bulletin_section) -------------


def bulletin_part(root: Org, children: list[Org], start: date, end: date, as_of: date):
    """在职党员到社区报到 for a bulletin, per child org: check-ins confirmed and service records and
    hours in the quarter, as the communities counted them."""
    found = children_counts([root, *children], "community", start.replace(day=1), end)
    total = found[root.pk]
    return BulletinPart(
        columns=[("checkins", "报到确认（人次）"), ("records", "服务记录（次）"), ("hours", "服务时长（小时）")],
        rows={child.pk: found[child.pk] for child in children}, total=total, rank_by="hours", higher_better=True,
        text=(f"本季度{root.name}所属社区确认在职党员报到{total['checkins']:g}人次，"
              f"记录志愿服务{total['records']:g}次、{total['hours']:g}小时。"),
        basis=(f"community_communitymonth（报到与服务月度汇总，随报到确认和服务记录同一事务更新）：{root.name}及其下级"
               f"党组织作为社区一方的记录，{start:%Y年%m月}至{end:%Y年%m月}"))
