"""/api/v1/points: the published rule table, the member's own points of a year, a branch's ranking
(its managers and its own members; an empty list with ``enabled: false`` when switched off) and the
org admin's switch. Out of scope is 404, as on the pages."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema

from core.access import get_scope
from core.api import REFUSED, Message, PathId
from core.errors import NotFound
from orgs.models import Org
from points import rules, selectors, services

router = Router(tags=["学习积分"])


class PointRuleOut(Schema):
    activity: str
    label: str
    rule: str
    points: int
    daily_cap: int


class PointLineOut(Schema):
    activity: str
    label: str
    year_points: int
    today_points: int
    daily_cap: int


class MyPointsOut(Schema):
    year: int
    total: int
    activities: list[PointLineOut]


class PlaceOut(Schema):
    rank: int
    member_id: int
    name: str
    points: int


class RankingOut(Schema):
    org_id: int
    year: int
    enabled: bool
    places: list[PlaceOut]


class RankingSwitchIn(Schema):
    enabled: bool


YEAR = Query(None, ge=2000, le=2100, description="年度（默认今年）")


@router.get("/rules", response=list[PointRuleOut])
def points_rules(request):
    """积分规则：每项活动的得分和每日上限。"""
    return [{"activity": a.code, "label": a.label, "rule": a.how, "points": a.points, "daily_cap": a.daily_cap}
            for a in rules.ACTIVITIES]


@router.get("/mine", response={200: MyPointsOut, 404: Message})
def points_mine(request, year: int | None = YEAR):
    """本人的年度积分（按活动，含今日积分和每日上限）。"""
    member_id = get_scope(request.user).member_id
    if not member_id:
        raise NotFound
    today = timezone.localdate()
    year = year or today.year
    total, lines = selectors.member_year(member_id, year, today)
    return {"year": year, "total": total, "activities": [
        {"activity": line.activity.code, "label": line.activity.label, "year_points": line.year,
         "today_points": line.today, "daily_cap": line.activity.daily_cap} for line in lines]}


def _org(request, org_id: int) -> Org:
    org = get_object_or_404(Org.objects.visible_to(request.user), pk=org_id)
    if not selectors.can_see_ranking(request.user, org):
        raise NotFound
    return org


@router.get("/orgs/{int:org_id}/ranking", response={200: RankingOut, 404: Message})
def points_ranking(request, org_id: PathId, year: int | None = YEAR):
    """党组织内党员的年度积分排名（组织管理员关闭排名后为空）。"""
    org = _org(request, org_id)
    year = year or timezone.localdate().year
    enabled = selectors.ranking_enabled(org)
    places = selectors.ranking(org, year) if enabled else []
    return {"org_id": org.pk, "year": year, "enabled": enabled, "places": [
        {"rank": p.rank, "member_id": p.member.pk, "name": p.member.name, "points": p.points} for p in places]}


@router.put("/orgs/{int:org_id}/ranking", response={200: RankingOut, **REFUSED})
def points_ranking_switch(request, org_id: PathId, payload: RankingSwitchIn):
    """显示或关闭本组织及下级组织的积分排名（需组织管理权限）。"""
    org = get_object_or_404(Org.objects.visible_to(request.user), pk=org_id)
    if not get_scope(request.user).covers(org.path, "org.change"):
        raise NotFound
    services.ranking_set(actor=request.user, org=org, enabled=payload.enabled)
    return points_ranking(request, org_id, None)
