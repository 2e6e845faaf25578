"""/api/v1/community: the member's own check-in (request, end), the check-ins a manager sees (the
community's and the unit's), the community's actions (confirm or refuse, team, service record,
yearly rating) and a unit's feedback. Out of scope is 404, as on the pages; refusals answer 422."""

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from community import selectors, services
from community.filters import CheckInFilterSet
from community.models import CheckIn, ServiceRecord, ServiceTeam
from core.access import get_scope, require_perm
from core.api import REFUSED, Message, Pagination, PathId, filtered, filters_in, model_out
from core.errors import NotFound
from orgs.models import Org

router = Router(tags=["社区报到"])
PERM = "regional.change"

CheckInOut = model_out("CheckInOut", CheckIn, ["id", "member_id", "unit_id", "community_id", "address", "state",
                                              "requested_on", "decided_on", "note", "team_id"])
ServiceRecordOut = model_out("CommunityServiceRecordOut", ServiceRecord, ["id", "checkin_id", "day", "hours", "content"])
CheckInFilters = filters_in("CheckInFilters", CheckInFilterSet)


class CheckInIn(Schema):
    community_id: int = Field(..., ge=1, le=2**62)
    address: str = Field(..., min_length=1, max_length=100)


class DecideIn(Schema):
    confirm: bool
    note: str = Field("", max_length=200, description="意见（不予确认时必填）")


class TeamIn(Schema):
    team_id: int | None = Field(None, ge=1, le=2**62)


class ServiceRecordIn(Schema):
    day: date
    hours: float = Field(..., gt=0, le=12)
    content: str = Field(..., min_length=1, max_length=200)


class RatingIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    grade: str = Field(..., max_length=10, description="excellent / good / basic / poor")
    comment: str = Field("", max_length=200)


class FeedbackOut(Schema):
    checkin_id: int
    member_name: str
    community_name: str
    state: str
    hours: float
    grade: str


@router.post("/checkins", response={201: CheckInOut, **REFUSED})
def community_checkin_request(request, payload: CheckInIn):
    """在职党员申请到居住地社区报到。"""
    community = get_object_or_404(Org, pk=payload.community_id)
    return Status(201, services.checkin_request(actor=request.user, community=community, address=payload.address))


@router.get("/checkins", response=list[CheckInOut])
@paginate(Pagination)
def community_checkin_list(request, filters: Query[CheckInFilters]):
    """本人管理的社区接收的报到和本单位党员的报到。"""
    require_perm(request.user, "regional.view")
    scope = get_scope(request.user)
    checkins = CheckIn.objects.visible_to(request.user, "view").filter(
        scope.org_q("community__path", "regional.view") | scope.org_q("unit__path", "regional.view"))
    return filtered(CheckInFilterSet, request, checkins.order_by("-requested_on", "pk"), filters)


def _checkin(request, checkin_id: int) -> CheckIn:
    return get_object_or_404(CheckIn.objects.visible_to(request.user, "view").select_related("community"),
                             pk=checkin_id)


def _managed(request, checkin_id: int) -> CheckIn:
    checkin = _checkin(request, checkin_id)
    if not get_scope(request.user).covers(checkin.community.path, PERM):
        raise NotFound
    return checkin


@router.post("/checkins/{int:checkin_id}/decide", response={200: CheckInOut, **REFUSED})
def community_checkin_decide(request, checkin_id: PathId, payload: DecideIn):
    """社区确认报到，或写明理由不予确认。"""
    return services.checkin_decide(actor=request.user, checkin=_managed(request, checkin_id), **payload.dict())


@router.post("/checkins/{int:checkin_id}/team", response={200: CheckInOut, **REFUSED})
def community_checkin_assign(request, checkin_id: PathId, payload: TeamIn):
    """安排报到党员加入社区服务队。"""
    checkin = _managed(request, checkin_id)
    team = get_object_or_404(ServiceTeam, pk=payload.team_id, community=checkin.community) if payload.team_id else None
    return services.checkin_assign(actor=request.user, checkin=checkin, team=team)


@router.post("/checkins/{int:checkin_id}/records", response={201: ServiceRecordOut, **REFUSED})
def community_record_add(request, checkin_id: PathId, payload: ServiceRecordIn):
    """记录报到党员的一次服务及时长。"""
    return Status(201, services.record_add(actor=request.user, checkin=_managed(request, checkin_id),
                                           day=payload.day, hours=str(payload.hours), content=payload.content))


@router.post("/checkins/{int:checkin_id}/rating", response={201: Message, **REFUSED})
def community_rating(request, checkin_id: PathId, payload: RatingIn):
    """社区对报到党员作年度评价（每年一次），反馈党员所在党组织。"""
    rating = services.rating_record(actor=request.user, checkin=_managed(request, checkin_id), **payload.dict())
    return Status(201, {"detail": f"已评价：{rating.year}年{rating.get_grade_display()}"})


@router.post("/checkins/{int:checkin_id}/end", response={200: CheckInOut, **REFUSED})
def community_checkin_end(request, checkin_id: PathId):
    """结束报到（党员本人或社区）。"""
    return services.checkin_end(actor=request.user, checkin=_checkin(request, checkin_id))


@router.get("/units/{int:org_id}/feedback", response={200: list[FeedbackOut], 404: Message})
def community_unit_feedback(request, org_id: PathId):
    """本组织党员的社区报到、本年度服务时长和评价（两地双向）。"""
    org = get_object_or_404(Org.objects.granting(request.user, "regional.view"), pk=org_id)
    rows = selectors.unit_feedback(request.user, org, timezone.localdate().year)
    return [{"checkin_id": r["checkin"].pk, "member_name": r["checkin"].member.name,
             "community_name": r["checkin"].community.name, "state": r["checkin"].state, "hours": float(r["hours"]),
             "grade": r["rating"].grade if r["rating"] else ""} for r in rows]
