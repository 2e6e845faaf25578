"""/api/v1/care: members due care, visits, and the yearly counts, for those who manage members
(an org grant with member.view; everyone else gets 404, as on the pages). Visits are written
through care.services; refusals answer 422 with the service's Chinese message. No ID number or
phone appears here at all."""

from datetime import date
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from accounts.scope import get_scope
from care import selectors, services
from care.filters import CareVisitFilterSet, FlaggedMemberFilterSet
from care.models import CareVisit
from care.tables import reasons_of
from core.api import Message, OfMemberOut, Pagination, filtered
from orgs.selectors import org_param

router = Router(tags=["关怀帮扶"])


def _require_manager(user, perm: str = "member.view") -> None:
    if not get_scope(user).has_any_org_perm(perm):
        raise Http404


class FlaggedOut(Schema):
    id: int
    name: str
    gender: str
    age: int
    standing_years: int | None = Field(None, description="党龄（自转正之日起）")
    org_id: int
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


class FlaggedFilters(Schema):
    q: str | None = Field(None, max_length=50, description="姓名（或拼音、首字母）")
    org: str | None = Field(None, max_length=32, description="党组织ID或组织代码（含下级）")
    within: str | None = Field(None, max_length=32, deprecated=True, description="org 的旧名")
    reason: str | None = Field(None, max_length=10, description="hardship 困难党员 / standing 老党员（党龄）/ age 高龄")
    visited: str = Field("all", max_length=10, description="pending 本年未走访 / visited 本年已走访 / all 全部")


class PendingFilters(Schema):
    q: str | None = Field(None, max_length=50)
    org: str | None = Field(None, max_length=32, description="党组织ID或组织代码（含下级）")
    within: str | None = Field(None, max_length=32, deprecated=True, description="org 的旧名")
    reason: str | None = Field(None, max_length=10)


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


class VisitOut(OfMemberOut):
    id: int
    visited: date
    visitors: str
    occasion: str
    occasion_display: str = Field(..., alias="get_occasion_display")
    gifts: str
    amount: Decimal | None
    note: str
    recorded_by: str | None

    @staticmethod
    def resolve_recorded_by(obj):
        return (obj.recorded_by.full_name or obj.recorded_by.username) if obj.recorded_by else None


class VisitFilters(Schema):
    q: str | None = Field(None, max_length=50, description="党员姓名包含")
    org: str | None = Field(None, max_length=32, description="党组织ID或组织代码（含下级）")
    within: str | None = Field(None, max_length=32, deprecated=True, description="org 的旧名")
    occasion: str | None = Field(None, max_length=16)
    year: int | None = Field(None, ge=1900, le=2999)


class VisitFields(Schema):
    visited: date
    visitors: str = Field(..., max_length=100, description="走访人，多人用顿号分隔")
    occasion: str = Field("daily", max_length=16, description="spring_festival 春节 / july_first 七一 / "
                          "mid_autumn 中秋 / double_ninth 重阳 / illness 病困 / daily 日常 / other 其他")
    gifts: str = Field("", max_length=200)
    amount: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2, description="慰问金（元）")
    note: str = Field("", max_length=300)


class VisitIn(VisitFields):
    member_id: int = Field(..., ge=1, le=2**62)


class VisitPatch(Schema):
    """Fields of a visit; in a PATCH only those sent are changed."""

    visited: date | None = None
    visitors: str | None = Field(None, max_length=100)
    occasion: str | None = Field(None, max_length=16)
    gifts: str | None = Field(None, max_length=200)
    amount: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    note: str | None = Field(None, max_length=300)


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


@router.post("/visits", response={201: VisitOut, 404: Message, 422: Message})
def care_visit_create(request, payload: VisitIn):
    """登记走访慰问（党员须在本人有权修改的党组织内，且为在册党员）。"""
    member = get_object_or_404(selectors.managed_members(request.user, "change").select_related("org"),
                               pk=payload.member_id)
    data = payload.dict(exclude={"member_id"})
    visit = services.visit_record(actor=request.user, member=member, **data)
    return Status(201, _visit(request, visit.pk))


@router.patch("/visits/{int:visit_id}", response={200: VisitOut, 404: Message, 422: Message})
def care_visit_update(request, visit_id: int, payload: VisitPatch):
    """修改走访记录中提交的项目。"""
    visit = _visit(request, visit_id)
    fields = {name: getattr(visit, name) for name in VisitFields.model_fields}
    fields.update({k: v for k, v in payload.dict(exclude_unset=True).items()
                   if v is not None or k == "amount"})
    services.visit_update(actor=request.user, visit=visit, **fields)
    return Status(200, _visit(request, visit_id))


@router.delete("/visits/{int:visit_id}", response={204: None, 404: Message})
def care_visit_delete(request, visit_id: int):
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
