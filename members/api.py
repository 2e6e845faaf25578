"""/api/v1/members: the archive under the same scoping as the pages (visible_to); out of scope is 404.

ID number and phone appear only masked (id_number_masked, phone_masked); there is no API to
unmask them. Writes go through members.services, whose ValidationErrors answer 422 in Chinese."""

from typing import Annotated

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Body, Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from core.access import require_perm
from core.api import (
    REFUSED,
    Message,
    Pagination,
    PathId,
    download,
    filtered,
    filters_in,
    model_in,
    model_out,
)
from members import selectors
from members import services as member_services
from members.filters import MemberFilterSet
from members.models import (
    Appraisal,
    CorrectionRequest,
    FamilyMember,
    Hardship,
    Member,
    MemberDocument,
    MemberEvent,
    Observation,
    PositionHeld,
    RewardPunishment,
    TravelAbroad,
)
from orgs.models import Org

LISTED = ["id", "name", "gender", "birth_date", "status", "category", "joined", "org_id"]
# What a listed member is read with: its fields and the masked ID, not the whole archive row.
LISTED_FIELDS = [*LISTED[:-1], "org", "id_number_masked"]
ARCHIVE = ["former_name", "ethnicity", "native_place", "education", "degree", "occupation", "title", "work_unit",
           "work_post", "address", "applied", "converted"]


class MemberComputed(Schema):
    id_number: str = Field(..., alias="id_number_masked", description="脱敏的身份证号")


MemberOut = model_out("MemberOut", Member, LISTED, base=MemberComputed)

PositionOut = model_out("PositionOut", PositionHeld, ["id", "title", "unit", "started", "ended"])
RewardOut = model_out("RewardOut", RewardPunishment, ["id", "kind", "name", "decided", "issuer", "note"])
FamilyOut = model_out("FamilyOut", FamilyMember, ["id", "relation", "name", "unit_post", "political_status"])
TravelOut = model_out("TravelOut", TravelAbroad, ["id", "destination", "purpose", "departed", "returned"])
HardshipOut = model_out("HardshipOut", Hardship, ["id", "kind", "description", "since", "resolved"])
AppraisalOut = model_out("AppraisalOut", Appraisal, ["id", "year", "result"])
ObservationOut = model_out("ObservationOut", Observation, ["id", "starts_on", "ends_on", "issuer", "document", "note"])
DocumentOut = model_out("DocumentOut", MemberDocument,
                        ["id", "kind", "title", "file_name", "content_type", "size", "created"])


class EventComputed(Schema):
    summary: str = Field(..., description="记实内容（身份证号、联系电话均为脱敏值）")
    actor: str | None = Field(None, description="记录人")

    @staticmethod
    def resolve_actor(obj):
        return (obj.actor.full_name or obj.actor.username) if obj.actor else None


EventOut = model_out("EventOut", MemberEvent, ["id", "occurred", "kind"], base=EventComputed)


class RecordsOut(Schema):
    positions: list[PositionOut]
    rewards: list[RewardOut]
    family: list[FamilyOut]
    travels: list[TravelOut]
    hardships: list[HardshipOut]
    appraisals: list[AppraisalOut]
    observations: list[ObservationOut] = Field(..., description="留党察看（察看期间无表决权、选举权和被选举权）")
    documents: list[DocumentOut]
    events: list[EventOut] = Field(..., description="记实（最近200条）")


class MemberDetailComputed(MemberComputed):
    phone: str = Field(..., alias="phone_masked", description="脱敏的联系电话")
    standing_years: int | None = Field(None, description="党龄（自转正之日起）")
    records: RecordsOut

    @staticmethod
    def resolve_standing_years(obj):
        return obj.standing_years()


MemberDetailOut = model_out("MemberDetailOut", Member, [*LISTED, *ARCHIVE, "group_id"], base=MemberDetailComputed)
MemberFilters = filters_in("MemberFilters", MemberFilterSet)

# ID and phone numbers are not fields of the model (it keeps their cipher, blind index and masked
# copy): they are taken as typed, with room for spaces, and the service validates them.


class PhoneIn(Schema):
    phone: str | None = Field(None, max_length=30, description="联系电话（以密文保存，返回时脱敏）")


# Archive fields; in a PATCH only those sent are changed, and a create sends what it knows.
MemberArchiveIn = model_in("MemberArchiveIn", Member, [*ARCHIVE, "category", "group_id"], base=PhoneIn,
                           partial=True)


class MemberNumbersIn(MemberArchiveIn):
    id_number: str = Field(..., max_length=30, description="身份证号（以密文保存，返回时脱敏）")


class MemberNumbersPatch(MemberArchiveIn):
    id_number: str = Field(None, max_length=30, description="身份证号（以密文保存，返回时脱敏）")


MemberCreateIn = model_in("MemberCreateIn", Member, ["org_id", "name", "status", "joined"], base=MemberNumbersIn)
MemberPatchIn = model_in("MemberPatchIn", Member, ["name", "status", "joined"], base=MemberNumbersPatch,
                         partial=True)


def _archive_changes(payload: Schema, *, exclude=()) -> dict:
    data = payload.dict(exclude_unset=True)
    for key in exclude:
        data.pop(key, None)
    if "group_id" in data:
        data["group"] = data.pop("group_id")
    return data


def _member_detail(request, member_id: int) -> Member:
    member = get_object_or_404(Member.objects.visible_to(request.user).select_related("org"), pk=member_id)
    member.records = selectors.records(request.user, member)
    return member


router = Router(tags=["党员"])


@router.get("", response=list[MemberOut])
@paginate(Pagination)
def member_list(request, filters: Query[MemberFilters]):
    qs = Member.objects.visible_to(request.user).order_by("org__path", "name", "pk")
    qs = filtered(MemberFilterSet, request, qs, filters).only(*LISTED_FIELDS)
    # The total from the member summary where it answers (members.selectors.listed_total).
    # A cursor's page takes the total the cursor carries, and the summary is not read again.
    qs.known_count = lambda: selectors.listed_total(request.user, {k: v for k, v in filters.dict().items() if v})
    return qs


@router.post("", response={201: MemberDetailOut, **REFUSED})
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


@router.post("/lookup", response={200: MemberOut, **REFUSED})
def member_lookup(request, payload: LookupIn):
    """按身份证号精确查找（盲索引），范围与列表相同；每次查找记入审计。"""
    member = member_services.member_lookup(actor=request.user, id_number=payload.id_number)
    if member is None:
        return Status(404, {"detail": "未找到，或不在您的管理范围内"})
    return Status(200, member)


@router.get("/{int:member_id}", response=MemberDetailOut)
def member_detail(request, member_id: PathId):
    """党员档案（含各项记录和记实），身份证号、联系电话脱敏。"""
    return _member_detail(request, member_id)


@router.patch("/{int:member_id}", response={200: MemberDetailOut, **REFUSED})
def member_update(request, member_id: PathId, payload: MemberPatchIn):
    """修改档案中提交的项目；无修改权限或不在管理范围内时返回 404。"""
    member = get_object_or_404(Member.objects.visible_to(request.user), pk=member_id)
    member_services.member_update(actor=request.user, member=member, changes=_archive_changes(payload))
    return Status(200, _member_detail(request, member_id))


@router.get("/{int:member_id}/records", response=RecordsOut)
def member_records(request, member_id: PathId):
    """档案中的各项记录：任职、奖惩、家庭成员、出国出境、困难、评议、材料和记实。"""
    member = get_object_or_404(Member.objects.visible_to(request.user), pk=member_id)
    return selectors.records(request.user, member)


# --- documents -------------------------------------------------------------------------------------
#
# The same checks as the pages: found through visible_to (404 out of scope), stored through
# members.services.document_add (checked by content), downloaded as an audited attachment.


@router.get("/{int:member_id}/documents", response=list[DocumentOut])
def document_list(request, member_id: PathId):
    """档案材料列表（仅元数据）。"""
    member = get_object_or_404(Member.objects.visible_to(request.user), pk=member_id)
    return selectors.documents(request.user, member)


DocumentIn = model_in("DocumentIn", MemberDocument, ["title", "kind"])


@router.post("/{int:member_id}/documents", response={201: DocumentOut, **REFUSED})
def document_upload(request, member_id: PathId, file: File[UploadedFile], fields: Form[DocumentIn]):
    """上传档案材料（multipart：file、title、kind；PDF、PNG、JPEG，不超过 10 MB，按内容检查）。"""
    member = get_object_or_404(Member.objects.visible_to(request.user, "change"), pk=member_id)
    document = member_services.document_add(actor=request.user, member=member, upload=file, title=fields.title,
                                            kind=fields.kind)
    return Status(201, document)


@router.get("/documents/{int:document_id}", response={200: None, 404: Message},
            openapi_extra=download("档案材料文件（附件：PDF、PNG 或 JPEG）", sorted(member_services.DOCUMENT_KINDS)))
def document_download(request, document_id: PathId):
    """下载档案材料（附件形式）；每次下载记入审计。"""
    document = get_object_or_404(MemberDocument.objects.visible_to(request.user), pk=document_id)
    return member_services.document_open(actor=request.user, document=document)


@router.delete("/documents/{int:document_id}", response={204: None, 404: Message})
def document_delete(request, document_id: PathId):
    """删除档案材料（连同文件）。"""
    document = get_object_or_404(MemberDocument.objects.visible_to(request.user, "change"), pk=document_id)
    member_services.document_delete(actor=request.user, document=document)
    return Status(204, None)


# --- correction requests ---------------------------------------------------------------------------


class CorrectionComputed(Schema):
    member_name: str
    field_label: str

    @staticmethod
    def resolve_member_name(obj):
        return obj.member.name

    @staticmethod
    def resolve_field_label(obj):
        return member_services.correction_label(obj.field_name)


CorrectionOut = model_out("CorrectionOut", CorrectionRequest,
                          ["id", "member_id", "field_name", "requested_value", "reason", "status", "decision_note",
                           "created", "decided_at"], base=CorrectionComputed)
CorrectionIn = model_in("CorrectionIn", CorrectionRequest, ["field_name", "requested_value", "reason"], extra={
    "field_name": {"description": "需更正的项目（档案字段名，或 other）"},
    "requested_value": {"description": "应更正为（不得含身份证号、手机号）"}})
DecisionIn = model_in("DecisionIn", CorrectionRequest, [("note", "decision_note")],
                      extra={"note": {"description": "处理意见；不采纳时必填"}})


@router.get("/{int:member_id}/corrections", response=list[CorrectionOut])
def member_corrections(request, member_id: PathId):
    """一名党员的档案更正申请（党员本人可查看自己的）。"""
    member = get_object_or_404(Member.objects.visible_to(request.user), pk=member_id)
    return selectors.corrections(request.user, member)


@router.post("/{int:member_id}/corrections", response={201: CorrectionOut, **REFUSED})
def correction_create(request, member_id: PathId, payload: CorrectionIn):
    """党员本人申请更正自己的档案；为他人申请返回 404。"""
    member = get_object_or_404(Member.objects.visible_to(request.user), pk=member_id)
    correction = member_services.correction_create(actor=request.user, member=member, **payload.dict())
    return Status(201, correction)


@router.get("/corrections", response={200: list[CorrectionOut], 404: Message})
@paginate(Pagination)
def correction_list(request):
    """待处理的更正申请：本人有权修改档案的党组织内的（书记、管理员）。"""
    require_perm(request.user, "member.change")
    return selectors.pending_corrections(request.user)


def _pending_correction(request, correction_id: int) -> CorrectionRequest:
    return get_object_or_404(CorrectionRequest.objects.visible_to(request.user, "change"), pk=correction_id)


@router.post("/corrections/{int:correction_id}/approve",
             response={200: CorrectionOut, **REFUSED})
def correction_approve(request, correction_id: PathId, payload: DecisionIn):
    """采纳：档案字段按申请更正（经档案规则检查）；“其他”类须填写处理意见。"""
    correction = member_services.correction_approve(
        actor=request.user, request=_pending_correction(request, correction_id), note=payload.note)
    return Status(200, correction)


@router.post("/corrections/{int:correction_id}/decline",
             response={200: CorrectionOut, **REFUSED})
def correction_decline(request, correction_id: PathId, payload: DecisionIn):
    """不采纳（须填写理由）。"""
    correction = member_services.correction_decline(
        actor=request.user, request=_pending_correction(request, correction_id), note=payload.note)
    return Status(200, correction)


# --- archive records -------------------------------------------------------------------------------

RECORD_OUT = {"position": PositionOut, "reward": RewardOut, "family": FamilyOut, "travel": TravelOut,
              "hardship": HardshipOut, "appraisal": AppraisalOut, "observation": ObservationOut}
# The answer is the record as its kind's schema gives it (documented as one of them).
RecordOut = PositionOut | RewardOut | FamilyOut | TravelOut | HardshipOut | AppraisalOut | ObservationOut
# A kind of record is a path segment: one the archive does not hold is not found (404), so the enum
# is documented here and enforced by _record_model.
RecordKind = Annotated[str, Field(max_length=12, json_schema_extra={"enum": list(member_services.RECORD_MODELS)})]
# A record's fields by name, as in members.services.record_add, which checks them against the
# kind's model (its Chinese messages); dates as "2020-07-01". Bounded by the longest text and the
# widest integer any kind of record holds.
_RECORD_FIELDS = [field for model in member_services.RECORD_MODELS.values() for field in model._meta.fields]
RecordText = Annotated[str, Field(max_length=max(f.max_length for f in _RECORD_FIELDS
                                                 if isinstance(f, models.CharField)))]
RecordNumber = Annotated[int, Field(ge=0, le=32767)]  # Appraisal.year, a PositiveSmallIntegerField
RecordIn = Annotated[dict[Annotated[str, Field(max_length=30)], RecordText | RecordNumber | None],
                     Field(max_length=len(_RECORD_FIELDS))]


def _record_out(kind: str, record) -> dict:
    return RECORD_OUT[kind].model_validate(record).model_dump()


def _record_model(kind: str):
    if kind not in member_services.RECORD_MODELS:
        raise Http404
    return member_services.RECORD_MODELS[kind]


def _record(request, member_id: int, kind: str, record_id: int):
    model = _record_model(kind)
    return get_object_or_404(model.objects.visible_to(request.user, "change"), pk=record_id, member_id=member_id)


@router.post("/{int:member_id}/records/{kind}", response={201: RecordOut, **REFUSED})
def record_add(request, member_id: PathId, kind: RecordKind, payload: Body[RecordIn]):
    """添加档案记录。kind：position 任职、reward 奖惩、family 家庭成员、travel 出国出境、hardship 困难、
    appraisal 民主评议、observation 留党察看；字段与 GET /records 返回的同名（日期如 2020-07-01）。"""
    _record_model(kind)
    member = get_object_or_404(Member.objects.visible_to(request.user, "change"), pk=member_id)
    record = member_services.record_add(actor=request.user, member=member, kind=kind, data=payload)
    return Status(201, _record_out(kind, record))


@router.patch("/{int:member_id}/records/{kind}/{int:record_id}", response={200: RecordOut, **REFUSED})
def record_update(request, member_id: PathId, kind: RecordKind, record_id: PathId, payload: Body[RecordIn]):
    """修改档案记录中提交的字段。"""
    record = member_services.record_update(actor=request.user, record=_record(request, member_id, kind, record_id),
                                           data=payload)
    return Status(200, _record_out(kind, record))


@router.delete("/{int:member_id}/records/{kind}/{int:record_id}", response={204: None, 404: Message})
def record_delete(request, member_id: PathId, kind: RecordKind, record_id: PathId):
    """删除档案记录。"""
    member_services.record_delete(actor=request.user, record=_record(request, member_id, kind, record_id))
    return Status(204, None)
