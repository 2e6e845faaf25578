"""/api/v1/members: the archive under the same scoping as the pages (visible_to); out of scope is 404.

ID number and phone appear only masked (id_number_masked, phone_masked); there is no API to
unmask them. Writes go through members.services, whose ValidationErrors answer 422 in Chinese."""

from datetime import date, datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.api import Message, Pagination, filtered
from members import services as member_services
from members.filters import MemberFilterSet
from members.models import (
    Appraisal,
    FamilyMember,
    Hardship,
    Member,
    MemberDocument,
    MemberEvent,
    PositionHeld,
    RewardPunishment,
    TravelAbroad,
)
from orgs.models import Org


class MemberOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: date
    id_number: str = Field(..., alias="id_number_masked", description="脱敏的身份证号")
    status: str
    category: str
    joined: date
    org_id: int


class PositionOut(Schema):
    id: int
    title: str
    unit: str
    started: date
    ended: date | None


class RewardOut(Schema):
    id: int
    kind: str
    name: str
    decided: date
    issuer: str
    note: str


class FamilyOut(Schema):
    id: int
    relation: str
    name: str
    unit_post: str
    political_status: str


class TravelOut(Schema):
    id: int
    destination: str
    purpose: str
    departed: date
    returned: date | None


class HardshipOut(Schema):
    id: int
    kind: str
    description: str
    since: date
    resolved: date | None


class AppraisalOut(Schema):
    id: int
    year: int
    result: str


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    file_name: str
    content_type: str
    size: int
    created: datetime


class EventOut(Schema):
    id: int
    occurred: date
    kind: str
    summary: str = Field(..., description="记实内容（身份证号、联系电话均为脱敏值）")
    actor: str | None = Field(None, description="记录人")

    @staticmethod
    def resolve_actor(obj):
        return (obj.actor.full_name or obj.actor.username) if obj.actor else None


class RecordsOut(Schema):
    positions: list[PositionOut]
    rewards: list[RewardOut]
    family: list[FamilyOut]
    travels: list[TravelOut]
    hardships: list[HardshipOut]
    appraisals: list[AppraisalOut]
    documents: list[DocumentOut]
    events: list[EventOut] = Field(..., description="记实（最近200条）")


def _records(user, member: Member) -> dict:
    def scoped(model):
        return list(model.objects.visible_to(user).filter(member=member))

    return {
        "positions": scoped(PositionHeld), "rewards": scoped(RewardPunishment), "family": scoped(FamilyMember),
        "travels": scoped(TravelAbroad), "hardships": scoped(Hardship), "appraisals": scoped(Appraisal),
        "documents": scoped(MemberDocument),
        "events": list(MemberEvent.objects.visible_to(user).filter(member=member).select_related("actor")[:200]),
    }


class MemberDetailOut(MemberOut):
    former_name: str
    ethnicity: str
    native_place: str
    education: str
    degree: str
    occupation: str
    title: str
    work_unit: str
    work_post: str
    phone: str = Field(..., alias="phone_masked", description="脱敏的联系电话")
    address: str
    applied: date | None
    converted: date | None
    standing_years: int | None = Field(None, description="党龄（自转正之日起）")
    group_id: int | None
    records: RecordsOut

    @staticmethod
    def resolve_standing_years(obj):
        return obj.standing_years()


class MemberFilters(Schema):
    q: str | None = Field(None, max_length=50, description="姓名包含（身份证号请用 POST /members/lookup）")
    within: str | None = Field(None, max_length=32)
    status: str | None = Field(None, max_length=14)
    category: str | None = Field(None, max_length=12)
    gender: str | None = Field(None, max_length=6)


class MemberArchiveIn(Schema):
    """Archive fields; in a PATCH only those sent are changed."""

    former_name: str | None = Field(None, max_length=50)
    ethnicity: str | None = Field(None, max_length=20)
    native_place: str | None = Field(None, max_length=50)
    education: str | None = Field(None, max_length=14)
    degree: str | None = Field(None, max_length=20)
    occupation: str | None = Field(None, max_length=50)
    title: str | None = Field(None, max_length=50)
    work_unit: str | None = Field(None, max_length=100)
    work_post: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=30, description="联系电话（以密文保存，返回时脱敏）")
    address: str | None = Field(None, max_length=200)
    applied: date | None = None
    converted: date | None = None
    category: str | None = Field(None, max_length=12)
    group_id: int | None = Field(None, ge=1, le=2**62)


class MemberCreateIn(MemberArchiveIn):
    org_id: int = Field(..., ge=1, le=2**62)
    name: str = Field(..., max_length=50)
    id_number: str = Field(..., max_length=30, description="身份证号（以密文保存，返回时脱敏）")
    status: str = Field(..., max_length=14)
    joined: date


class MemberPatchIn(MemberArchiveIn):
    name: str | None = Field(None, max_length=50)
    id_number: str | None = Field(None, max_length=30)
    status: str | None = Field(None, max_length=14)
    joined: date | None = None


def _archive_changes(payload: Schema, *, exclude=()) -> dict:
    data = payload.dict(exclude_unset=True)
    for key in exclude:
        data.pop(key, None)
    if "group_id" in data:
        data["group"] = data.pop("group_id")
    return data


def _member_detail(request, member_id: int) -> Member:
    member = get_object_or_404(Member.objects.visible_to(request.user).select_related("org"), pk=member_id)
    member.records = _records(request.user, member)
    return member


router = Router(tags=["党员"])


@router.get("", response=list[MemberOut])
@paginate(Pagination)
def member_list(request, filters: Query[MemberFilters]):
    qs = Member.objects.visible_to(request.user).order_by("org__path", "name", "pk")
    return filtered(MemberFilterSet, request, qs, filters)


@router.post("", response={201: MemberDetailOut, 404: Message, 422: Message})
def member_create(request, payload: MemberCreateIn):
    """新建党员档案：性别、出生日期由身份证号确定；党组织不在管理范围内时返回 404。"""
    org = get_object_or_404(Org.objects.visible_to(request.user, "view"), pk=payload.org_id)
    archive = _archive_changes(payload, exclude=("org_id", "name", "id_number", "status", "joined"))
    member = member_services.member_register(
        actor=request.user, org=org, name=payload.name, id_number=payload.id_number, status=payload.status,
        joined=payload.joined, archive=archive,
    )
    return Status(201, _member_detail(request, member.pk))


class LookupIn(Schema):
    id_number: str = Field(..., max_length=30, description="完整身份证号（放在请求体中，不出现在网址里）")


@router.post("/lookup", response={200: MemberOut, 404: Message, 422: Message})
def member_lookup(request, payload: LookupIn):
    """按身份证号精确查找（盲索引），范围与列表相同；每次查找记入审计。"""
    try:
        member = member_services.member_lookup(actor=request.user, id_number=payload.id_number)
    except DjangoValidationError as exc:
        return Status(422, {"detail": "；".join(exc.messages)})
    if member is None:
        return Status(404, {"detail": "未找到，或不在您的管理范围内"})
    return Status(200, member)


@router.get("/{int:member_id}", response=MemberDetailOut)
def member_detail(request, member_id: int):
    """党员档案（含各项记录和记实），身份证号、联系电话脱敏。"""
    return _member_detail(request, member_id)


@router.patch("/{int:member_id}", response={200: MemberDetailOut, 404: Message, 422: Message})
def member_update(request, member_id: int, payload: MemberPatchIn):
    """修改档案中提交的项目；无修改权限或不在管理范围内时返回 404。"""
    member = get_object_or_404(Member.objects.visible_to(request.user), pk=member_id)
    member_services.member_update(actor=request.user, member=member, changes=_archive_changes(payload))
    return Status(200, _member_detail(request, member_id))


@router.get("/{int:member_id}/records", response=RecordsOut)
def member_records(request, member_id: int):
    """档案中的各项记录：任职、奖惩、家庭成员、出国出境、困难、评议、材料和记实。"""
    member = get_object_or_404(Member.objects.visible_to(request.user), pk=member_id)
    return _records(request.user, member)
