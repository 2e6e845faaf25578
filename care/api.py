"""/api/v1/care: members due care, visits, and the yearly counts, for those who manage members
(an org grant with member.view; everyone else gets 404, as on the pages). Visits are written
through care.services; refusals answer 422 with the service's Chinese message. No ID number or
phone appears here at all."""

from datetime import date
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from care import selectors, services
from care.filters import CareVisitFilterSet, FlaggedMemberFilterSet
from care.models import CareVisit
from care.tables import reasons_of
from core.access import require_perm
from core.api import (
    REFUSED,
    Message,
    OfMemberOut,
    Pagination,
    PathId,
    filtered,
    filters_in,
    model_in,
    model_out,
)
from members.models import Member
from orgs.selectors import org_param

router = Router(tags=["关怀帮扶"])


def _require_manager(user, perm: str = "member.view") -> None:
    require_perm(user, perm)


class FlaggedComputed(Schema):
    age: int
    standing_years: int | None = Field(None, description="党龄（自转正之日起）")
    org_name: str
    reasons: list[str] = Field(..., description="关怀原因")
    last_visited: date | None = Field(None, description="最近一次走访日期")

    @staticmethod
    def resolve_age(obj):
        return obj.age(timezone.localdate())

    @staticmethod
    def resolve_standing_years(obj):
        return obj.standing_years(timezone.localdate())

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name

    @staticmethod
    def resolve_reasons(obj):
        return reasons_of(obj)


FlaggedOut = model_out("FlaggedOut", Member, ["id", "name", "gender", "org_id"], base=FlaggedComputed)
FlaggedFilters = filters_in("FlaggedFilters", FlaggedMemberFilterSet, defaults={"visited": "all"})
PendingFilters = filters_in("PendingFilters", FlaggedMemberFilterSet, fields=["q", "org", "reason"])


def _flagged(request, filters: Schema):
    _require_manager(request.user)
    queryset = (selectors.with_reasons(selectors.flagged_members(request.user)).select_related("org")
                .order_by("org__path", "name_pinyin", "pk"))
    return filtered(FlaggedMemberFilterSet, request, queryset, filters)


@router.get("/flagged", response={200: list[FlaggedOut], 404: Message})
@paginate(Pagination)
def care_flagged_list(request, filters: Query[FlaggedFilters]):
    """关怀对象（困难党员、老党员、高龄党员，在册），可按原因、子树、本年走访情况筛选。"""
    return _flagged(request, filters)


@router.get("/pending", response={200: list[FlaggedOut], 404: Message})
@paginate(Pagination)
def care_pending_list(request, filters: Query[PendingFilters]):
    """本年尚未走访的关怀对象。"""
    return _flagged(request, filters)  # the filter set's own default: not yet visited this year


class VisitComputed(OfMemberOut):
    occasion_display: str = Field(..., alias="get_occasion_display")
    recorded_by: str | None

    @staticmethod
    def resolve_recorded_by(obj):
        return (obj.recorded_by.full_name or obj.recorded_by.username) if obj.recorded_by else None


VISIT_FIELDS = ["visited", "visitors", "occasion", "gifts", "amount", "note"]
VISIT_EXTRA = {"visitors": {"description": "走访人，多人用顿号分隔"}, "amount": {"ge": 0}}
VisitOut = model_out("VisitOut", CareVisit, ["id", *VISIT_FIELDS], base=VisitComputed)
VisitFilters = filters_in("VisitFilters", CareVisitFilterSet)
VisitIn = model_in("VisitIn", CareVisit, ["member_id", *VISIT_FIELDS], extra=VISIT_EXTRA)
# Fields of a visit; in a PATCH only those sent are changed.
VisitPatch = model_in("VisitPatch", CareVisit, VISIT_FIELDS, partial=True, extra=VISIT_EXTRA)


def _visit(request, visit_id: int) -> CareVisit:
    return get_object_or_404(CareVisit.objects.visible_to(request.user, "change").select_related("member__org"),
                             pk=visit_id)


@router.get("/visits", response={200: list[VisitOut], 404: Message})
@paginate(Pagination)
def care_visit_list(request, filters: Query[VisitFilters]):
    """走访记录，可按姓名、子树、走访类型、年度筛选。"""
    _require_manager(request.user)
    queryset = (selectors.managed_visits(request.user).select_related("member__org", "recorded_by")
                .order_by("-visited", "-pk"))
    return filtered(CareVisitFilterSet, request, queryset, filters)


@router.post("/visits", response={201: VisitOut, **REFUSED})
def care_visit_create(request, payload: VisitIn):
    """登记走访慰问（党员须在本人有权修改的党组织内，且为在册党员）。"""
    member = get_object_or_404(selectors.managed_members(request.user, "change").select_related("org"),
                               pk=payload.member_id)
    data = payload.dict(exclude={"member_id"})
    visit = services.visit_record(actor=request.user, member=member, **data)
    return Status(201, _visit(request, visit.pk))


@router.patch("/visits/{int:visit_id}", response={200: VisitOut, **REFUSED})
def care_visit_update(request, visit_id: PathId, payload: VisitPatch):
    """修改走访记录中提交的项目。"""
    visit = _visit(request, visit_id)
    fields = {name: getattr(visit, name) for name in VISIT_FIELDS}
    fields.update(payload.dict(exclude_unset=True))  # null only where the model takes it (amount)
    services.visit_update(actor=request.user, visit=visit, **fields)
    return Status(200, _visit(request, visit_id))


@router.delete("/visits/{int:visit_id}", response={204: None, 404: Message})
def care_visit_delete(request, visit_id: PathId):
    """删除走访记录（记入记实和审计日志）。"""
    services.visit_delete(actor=request.user, visit=_visit(request, visit_id))
    return Status(204, None)


class StatsRowOut(Schema):
    org_id: int
    org_code: str
    org_name: str
    is_child: bool = Field(..., description="是否为下一级党组织的行")
    flagged: int = Field(..., description="关怀对象")
    visited: int = Field(..., description="本年已走访的关怀对象")
    pending: int = Field(..., description="未走访的关怀对象")
    visits: int = Field(..., description="走访次数")
    amount: Decimal = Field(..., description="慰问金合计（元）")


@router.get("/stats", response={200: list[StatsRowOut], 404: Message})
def care_stats(request, year: int | None = Query(None, ge=1900, le=2999),
               org: str = Query("", max_length=32, description="党组织（ID或组织代码）；不填为本人管理的最上级党组织")):
    """按年度统计（含下级）：所选党组织及其下一级党组织各一行。"""
    _require_manager(request.user)
    rows = selectors.stats_rows(request.user, year=year or timezone.localdate().year,
                                org=org_param(request.user, org, "member.view"))
    return [{"org_id": o.pk, "org_code": o.code, "org_name": o.name, "is_child": is_child, **counts}
            for o, counts, is_child in rows]
