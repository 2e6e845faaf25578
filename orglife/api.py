"""/api/v1/orglife: meetings, attendance, QR sign-in, reviews and compliance under the same
scoping as the pages; out of scope is 404, a refused rule 422 (403 for the wrong role on a visible
record) with the Chinese ``detail``."""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.api import Pagination
from core.api import filtered as _filtered
from orglife import selectors, services
from orglife.filters import MeetingFilterSet
from orglife.models import Meeting

router = Router(tags=["组织生活"])


class MeetingOut(Schema):
    id: int
    org_id: int
    org_name: str
    kind: str
    kind_display: str = Field(..., alias="get_kind_display")
    state: str
    state_display: str = Field(..., alias="get_state_display")
    held_on: date
    start_time: time
    place: str
    host: str
    recorder: str
    topic: str
    minutes: str
    decisions: str
    lecturer: str
    lecturer_unit: str
    by_secretary: bool
    travelling: bool
    signin_opens: datetime
    signin_closes: datetime

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name


class MeetingFilters(Schema):
    q: str | None = Field(None, max_length=50, description="主题或地点包含")
    kind: str | None = Field(None, max_length=20)
    state: str | None = Field(None, max_length=10)
    org: str | None = Field(None, max_length=32, description="党组织ID或组织代码（含下级）")
    within: str | None = Field(None, max_length=32, deprecated=True, description="org 的旧名")
    since: date | None = None
    until: date | None = None


class MeetingIn(Schema):
    org_id: int = Field(..., ge=1, le=2**62)
    kind: str = Field(..., max_length=20)
    held_on: date
    start_time: time | None = None
    place: str = Field(..., max_length=100)
    host: str = Field(..., max_length=50)
    recorder: str = Field(..., max_length=50)
    topic: str = Field(..., max_length=200)
    minutes: str = Field("", max_length=20000)
    decisions: str = Field("", max_length=5000)
    attendee_ids: list[int] = Field(default_factory=list, max_length=500, description="出席党员（本组织）")
    lecturer: str = Field("", max_length=50)
    lecturer_unit: str = Field("", max_length=100)
    by_secretary: bool = False
    travelling: bool = False


class MeetingPatch(Schema):
    kind: str | None = Field(None, max_length=20)
    held_on: date | None = None
    start_time: time | None = None
    place: str | None = Field(None, max_length=100)
    host: str | None = Field(None, max_length=50)
    recorder: str | None = Field(None, max_length=50)
    topic: str | None = Field(None, max_length=200)
    minutes: str | None = Field(None, max_length=20000)
    decisions: str | None = Field(None, max_length=5000)
    lecturer: str | None = Field(None, max_length=50)
    lecturer_unit: str | None = Field(None, max_length=100)
    by_secretary: bool | None = None
    travelling: bool | None = None
    signin_opens: datetime | None = None
    signin_closes: datetime | None = None


class AttendanceOut(Schema):
    member_id: int
    member_name: str
    status: str
    reason: str
    signed_in_at: datetime | None
    how: str

    @staticmethod
    def resolve_member_name(obj):
        return obj.member.name


class AttendanceEntry(Schema):
    member_id: int = Field(..., ge=1, le=2**62)
    status: str = Field(..., max_length=8, description="present 出席 / leave 请假 / absent 缺席")
    reason: str = Field("", max_length=200)


class AttendanceIn(Schema):
    entries: list[AttendanceEntry] = Field(..., max_length=500)


class SignInOut(Schema):
    meeting_id: int
    member_id: int
    signed_in_at: datetime | None
    new: bool
    detail: str


class ReviewOut(Schema):
    number: int
    submitted_at: datetime
    decision: str
    comment: str
    reviewed_at: datetime | None


class ReviewIn(Schema):
    comment: str = Field("", max_length=2000)


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


class Message(Schema):
    detail: str


def _refused(exc: ValidationError):
    return Status(422, {"detail": "；".join(exc.messages)})


def _meeting(request, meeting_id: int, action: str = "view") -> Meeting:
    return get_object_or_404(selectors.meetings(request.user, action), pk=meeting_id)


def _org_members(org, ids):
    members = {m.pk: m for m in services.org_members(org).filter(pk__in=ids)}
    missing = [i for i in ids if i not in members]
    if missing:
        raise ValidationError({"attendees": f"出席人员须是本组织的党员：ID {missing[:5]} 不是"})
    return [members[i] for i in ids]


@router.get("/meetings", response=list[MeetingOut])
@paginate(Pagination)
def meeting_list(request, filters: Query[MeetingFilters]):
    """本人管理范围内的会议记录（党员：本人参加的会议）。"""
    return _filtered(MeetingFilterSet, request, selectors.meetings(request.user).order_by("-held_on", "-pk"),
                     filters)


@router.get("/meetings/{int:meeting_id}", response=MeetingOut)
def meeting_detail(request, meeting_id: int):
    return _meeting(request, meeting_id)


@router.post("/meetings", response={201: MeetingOut, 404: Message, 422: Message})
def meeting_create(request, payload: MeetingIn):
    """党支部（党小组）录入会议记录（草稿）；attendee_ids 中的党员记为出席。"""
    from orglife.forms import recording_orgs

    org = get_object_or_404(recording_orgs(request.user), pk=payload.org_id)
    data = payload.dict()
    data.pop("org_id")
    try:
        data["attendees"] = _org_members(org, data.pop("attendee_ids"))
        meeting = services.meeting_create(actor=request.user, org=org, **data)
    except ValidationError as exc:
        return _refused(exc)
    return Status(201, meeting)


@router.patch("/meetings/{int:meeting_id}", response={200: MeetingOut, 404: Message, 422: Message})
def meeting_update(request, meeting_id: int, payload: MeetingPatch):
    """修改草稿或被退回的记录（只改所给字段）。"""
    meeting = _meeting(request, meeting_id, "change")
    changes = payload.dict(exclude_unset=True)
    try:
        meeting = services.meeting_update(actor=request.user, meeting=meeting, **changes) if changes else meeting
    except ValidationError as exc:
        return _refused(exc)
    return Status(200, meeting)


@router.post("/meetings/{int:meeting_id}/submit", response={200: MeetingOut, 404: Message, 422: Message})
def meeting_submit(request, meeting_id: int):
    """提交上级党组织审核；被退回的记录修改后用同一接口重新提交。"""
    meeting = _meeting(request, meeting_id, "change")
    service = services.meeting_resubmit if meeting.state == "returned" else services.meeting_submit
    try:
        meeting = service(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        return _refused(exc)
    return Status(200, meeting)


@router.get("/meetings/{int:meeting_id}/attendance", response=list[AttendanceOut])
def attendance_list(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    return list(meeting.attendances.select_related("member").order_by("member__name", "pk"))


@router.post("/meetings/{int:meeting_id}/attendance", response={200: list[AttendanceOut], 404: Message, 422: Message})
def attendance_record(request, meeting_id: int, payload: AttendanceIn):
    """登记出席、请假、缺席（请假和缺席须注明原因）。"""
    meeting = _meeting(request, meeting_id, "change")
    ids = [entry.member_id for entry in payload.entries]
    try:
        members = _org_members(meeting.org, ids)
        entries = [(member, entry.status, entry.reason) for member, entry in zip(members, payload.entries, strict=True)]
        services.attendance_record(actor=request.user, meeting=meeting, entries=entries)
    except ValidationError as exc:
        return _refused(exc)
    return Status(200, list(meeting.attendances.select_related("member").order_by("member__name", "pk")))


@router.post("/sign-in/{token}", response={200: SignInOut, 404: Message, 422: Message})
def sign_in(request, token: str):
    """扫码签到：二维码中的令牌；须为本组织党员，且在签到时间内。"""
    try:
        row, new = services.attendance_sign_in(actor=request.user, token=token)
    except ValidationError as exc:
        return _refused(exc)
    return Status(200, {"meeting_id": row.meeting_id, "member_id": row.member_id, "signed_in_at": row.signed_in_at,
                        "new": new, "detail": "签到成功" if new else "您已签到，无需重复签到"})


@router.get("/meetings/{int:meeting_id}/reviews", response=list[ReviewOut])
def review_list(request, meeting_id: int):
    """每一轮提交与审核（纪实报告检查）。"""
    return list(_meeting(request, meeting_id).review_rounds.order_by("number"))


def _review(request, meeting_id: int, service, comment: str):
    try:
        meeting = service(actor=request.user, meeting=_meeting(request, meeting_id), comment=comment)
    except ValidationError as exc:
        return _refused(exc)
    return Status(200, meeting)


@router.post("/meetings/{int:meeting_id}/approve", response={200: MeetingOut, 403: Message, 404: Message, 422: Message})
def review_approve(request, meeting_id: int, payload: ReviewIn):
    """上级党组织审核通过。"""
    return _review(request, meeting_id, services.meeting_review_approve, payload.comment)


@router.post("/meetings/{int:meeting_id}/return", response={200: MeetingOut, 403: Message, 404: Message, 422: Message})
def review_return(request, meeting_id: int, payload: ReviewIn):
    """上级党组织退回修改（须填写审核意见）。"""
    return _review(request, meeting_id, services.meeting_review_return, payload.comment)


def _tally_out(tally) -> dict:
    return {"org_id": tally.org.pk, "org_name": tally.org.name, "holders": tally.holders, "rate": tally.rate,
            **tally.counts}


@router.get("/compliance", response={200: ComplianceOut, 404: Message, 422: Message})
def compliance(request, org: str | None = Query(None, max_length=32, description="党组织ID或组织代码（默认本人管理范围的顶层）"),
               month: str | None = Query(None, max_length=7, pattern=r"^\d{4}-\d{1,2}$", description="YYYY-MM")):
    """各类会议应开与已开次数及红黄绿状态；下级党组织按问题多少排序。"""
    root = selectors.compliance_root(request.user, org)
    try:
        year, number = (int(part) for part in (month or timezone.localdate().strftime("%Y-%m")).split("-"))
        first = date(year, number, 1)
    except ValueError:
        return Status(422, {"detail": "month 须为 YYYY-MM"})
    result = selectors.rollup(root, month=first, today=timezone.localdate())
    items = result.items.get(root.pk, [])
    return Status(200, {
        "org_id": root.pk, "month": f"{first:%Y-%m}", "total": _tally_out(result.total),
        "children": [_tally_out(t) for t in result.children],
        "items": [{"requirement": i.requirement.key, "label": i.requirement.label, "period": i.period,
                   "period_label": i.period_label, "start": i.start, "end": i.end, "required": i.required,
                   "held": i.held, "status": i.status} for i in items],
    })

