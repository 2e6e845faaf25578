"""/api/v1/orglife: meetings, attendance, QR sign-in, reviews and compliance under the same
scoping as the pages; out of scope is 404, a refused rule 422 (403 for the wrong role on a visible
record) with the Chinese ``detail``."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate

from core.api import REFUSED, Id, Pagination, PathId, filtered, filters_in, model_in, model_out
from orglife import rules, selectors, services
from orglife.filters import MeetingFilterSet
from orglife.models import Attendance, Meeting, ReviewRound

router = Router(tags=["组织生活"])

EDITABLE = ["held_on", "start_time", "place", "host", "recorder", "topic", "minutes", "decisions", "lecturer",
            "lecturer_unit", "by_secretary", "travelling"]
TEXT_LIMITS = {"minutes": {"max_length": 20000}, "decisions": {"max_length": 5000}}


class MeetingComputed(Schema):
    org_name: str
    kind_display: str = Field(..., alias="get_kind_display")
    state_display: str = Field(..., alias="get_state_display")

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name


MeetingOut = model_out("MeetingOut", Meeting, ["id", "org_id", "kind", "also_kind", "state", *EDITABLE, "signin_opens",
                                               "signin_closes"], base=MeetingComputed)
MeetingFilters = filters_in("MeetingFilters", MeetingFilterSet)


class MeetingAttendees(Schema):
    attendee_ids: list[Id] = Field(default_factory=list, max_length=500, description="出席党员（本组织）")


MeetingIn = model_in("MeetingIn", Meeting, ["org_id", "kind", "also_kind", *EDITABLE], base=MeetingAttendees,
                     extra=TEXT_LIMITS)
MeetingPatch = model_in("MeetingPatch", Meeting, ["kind", "also_kind", *EDITABLE, "signin_opens", "signin_closes"],
                        partial=True, extra=TEXT_LIMITS)


class AttendanceComputed(Schema):
    member_name: str

    @staticmethod
    def resolve_member_name(obj):
        return obj.member.name


AttendanceOut = model_out("AttendanceOut", Attendance, ["member_id", "status", "reason", "signed_in_at", "how"],
                          base=AttendanceComputed)
AttendanceEntry = model_in("AttendanceEntry", Attendance, ["member_id", "status", "reason"])


class AttendanceIn(Schema):
    entries: list[AttendanceEntry] = Field(..., max_length=500)


class SignInOut(Schema):
    """Not a row: what a sign-in did."""

    meeting_id: int
    member_id: int
    signed_in_at: datetime | None
    new: bool
    detail: str


ReviewOut = model_out("ReviewOut", ReviewRound, ["number", "submitted_at", "decision", "comment", "reviewed_at"])
ReviewIn = model_in("ReviewIn", ReviewRound, ["comment"], extra={"comment": {"max_length": 2000}})


class ComplianceItemOut(Schema):
    requirement: str
    label: str
    period: str
    period_label: str
    start: date
    end: date
    required: int
    held: int
    status: str


class ComplianceOrgOut(Schema):
    org_id: int
    org_name: str
    holders: int
    red: int
    yellow: int
    pending: int
    green: int
    exempt: int
    rate: int | None


class ComplianceOut(Schema):
    org_id: int
    month: str
    total: ComplianceOrgOut
    children: list[ComplianceOrgOut]
    items: list[ComplianceItemOut] = Field(..., description="该组织本身（党支部或党小组）的各项要求")


def _meeting(request, meeting_id: int, action: str = "view") -> Meeting:
    return get_object_or_404(selectors.meetings(request.user, action), pk=meeting_id)


def _org_members(org, ids):
    members = {m.pk: m for m in services.org_members(org).filter(pk__in=ids)}
    missing = [i for i in ids if i not in members]
    if missing:
        raise ValidationError({"attendees": f"出席人员须是本组织的党员：ID {missing[:5]} 不是"})
    return [members[i] for i in ids]


# The services' refusals (ValidationError 422, PermissionDenied 403) are answered by dangjian.api.

@router.get("/meetings", response=list[MeetingOut])
@paginate(Pagination)
def meeting_list(request, filters: Query[MeetingFilters]):
    """本人管理范围内的会议记录（党员：本人参加的会议）。"""
    return filtered(MeetingFilterSet, request, selectors.meetings(request.user).order_by("-held_on", "-pk"), filters)


@router.get("/meetings/{int:meeting_id}", response=MeetingOut)
def meeting_detail(request, meeting_id: PathId):
    return _meeting(request, meeting_id)


@router.post("/meetings", response={201: MeetingOut, **REFUSED})
def meeting_create(request, payload: MeetingIn):
    """党支部（党小组）录入会议记录（草稿）；attendee_ids 中的党员记为出席。"""
    org = get_object_or_404(selectors.recording_orgs(request.user), pk=payload.org_id)
    data = payload.dict(exclude={"org_id", "attendee_ids"})
    attendees = _org_members(org, payload.attendee_ids)
    return Status(201, services.meeting_create(actor=request.user, org=org, attendees=attendees, **data))


@router.patch("/meetings/{int:meeting_id}", response={200: MeetingOut, **REFUSED})
def meeting_update(request, meeting_id: PathId, payload: MeetingPatch):
    """修改草稿或被退回的记录（只改所给字段）。"""
    meeting = _meeting(request, meeting_id, "change")
    changes = payload.dict(exclude_unset=True)
    return services.meeting_update(actor=request.user, meeting=meeting, **changes) if changes else meeting


@router.post("/meetings/{int:meeting_id}/submit", response={200: MeetingOut, **REFUSED})
def meeting_submit(request, meeting_id: PathId):
    """提交上级党组织审核；被退回的记录修改后用同一接口重新提交。"""
    meeting = _meeting(request, meeting_id, "change")
    service = services.meeting_resubmit if meeting.state == "returned" else services.meeting_submit
    return service(actor=request.user, meeting=meeting)


def _attendance(meeting: Meeting) -> list[Attendance]:
    return list(meeting.attendances.select_related("member").order_by("member__name", "pk"))


@router.get("/meetings/{int:meeting_id}/attendance", response=list[AttendanceOut])
def attendance_list(request, meeting_id: PathId):
    return _attendance(_meeting(request, meeting_id))


@router.post("/meetings/{int:meeting_id}/attendance", response={200: list[AttendanceOut], **REFUSED})
def attendance_record(request, meeting_id: PathId, payload: AttendanceIn):
    """登记出席、请假、缺席（请假和缺席须注明原因）。"""
    meeting = _meeting(request, meeting_id, "change")
    members = _org_members(meeting.org, [entry.member_id for entry in payload.entries])
    entries = [(member, entry.status, entry.reason) for member, entry in zip(members, payload.entries, strict=True)]
    services.attendance_record(actor=request.user, meeting=meeting, entries=entries)
    return _attendance(meeting)


@router.post("/sign-in/{token}", response={200: SignInOut, **REFUSED})
def sign_in(request, token: str = Path(..., max_length=Meeting._meta.get_field("signin_token").max_length)):
    """扫码签到：二维码中的令牌；须为本组织党员，且在签到时间内。"""
    row, new = services.attendance_sign_in(actor=request.user, token=token)
    return {"meeting_id": row.meeting_id, "member_id": row.member_id, "signed_in_at": row.signed_in_at,
            "new": new, "detail": "签到成功" if new else "您已签到，无需重复签到"}


@router.get("/meetings/{int:meeting_id}/reviews", response=list[ReviewOut])
def review_list(request, meeting_id: PathId):
    """每一轮提交与审核（纪实报告检查）。"""
    return list(_meeting(request, meeting_id).review_rounds.order_by("number"))


@router.post("/meetings/{int:meeting_id}/approve", response={200: MeetingOut, **REFUSED})
def review_approve(request, meeting_id: PathId, payload: ReviewIn):
    """上级党组织审核通过。"""
    return services.meeting_review_approve(actor=request.user, meeting=_meeting(request, meeting_id),
                                           comment=payload.comment)


@router.post("/meetings/{int:meeting_id}/return", response={200: MeetingOut, **REFUSED})
def review_return(request, meeting_id: PathId, payload: ReviewIn):
    """上级党组织退回修改（须填写审核意见）。"""
    return services.meeting_review_return(actor=request.user, meeting=_meeting(request, meeting_id),
                                          comment=payload.comment)


def _tally_out(tally) -> dict:
    return {"org_id": tally.org.pk, "org_name": tally.org.name, "holders": tally.holders, "rate": tally.rate,
            **tally.counts}


@router.get("/compliance", response={200: ComplianceOut, **REFUSED})
def compliance(request, org: str | None = Query(None, max_length=32, description="党组织ID或组织代码（默认本人管理范围的顶层）"),
               month: str | None = Query(None, max_length=7, pattern=r"^\d{4}-\d{1,2}$", description="YYYY-MM")):
    """各类会议应开与已开次数及红黄绿状态；下级党组织按问题多少排序。"""
    root = selectors.compliance_root(request.user, org)
    try:
        year, number = (int(part) for part in (month or timezone.localdate().strftime("%Y-%m")).split("-"))
        first = date(year, number, 1)
    except ValueError:
        raise NinjaValidationError([{"loc": ["query", "month"], "msg": "须为 YYYY-MM"}]) from None
    result = selectors.rollup(root, month=first, today=timezone.localdate())
    # Only a branch or group has items of its own (computed holder by holder when asked for).
    items = result.items.get(root.pk, []) if root.kind in rules.HOLDER_KINDS else []
    return {
        "org_id": root.pk, "month": f"{first:%Y-%m}", "total": _tally_out(result.total),
        "children": [_tally_out(t) for t in result.children],
        "items": [{"requirement": i.requirement.key, "label": i.requirement.label, "period": i.period,
                   "period_label": i.period_label, "start": i.start, "end": i.end, "required": i.required,
                   "held": i.held, "status": i.status} for i in items],
    }
