"""/api/v1/transfers: letters and mobile members' certificates under the same scoping as the pages
(a letter is visible from its sending and its receiving org, a certificate from the member's org);
out of scope is 404, refusals are 422 (403 for the wrong side) with a Chinese ``detail``."""

from datetime import date

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.api import Message, OfMemberOut, Pagination, filtered, refused
from members.models import Member
from transfers import selectors, services
from transfers.filters import CertificateFilterSet, LetterFilterSet
from transfers.models import Letter, MobileCertificate

router = Router(tags=["组织关系转接"])


class LetterOut(Schema):
    id: int
    number: str
    kind: str
    state: str
    state_display: str
    expired: bool
    member_id: int
    member_name: str
    from_org_id: int | None
    from_org_name: str
    to_org_id: int | None
    to_org_name: str
    issued_on: date
    valid_until: date
    dues_paid_until: str = Field(..., description="党费交至的月份，YYYY-MM")
    reason: str
    received_on: date | None
    receipt_returned: date | None
    closed_on: date | None
    close_reason: str

    @staticmethod
    def resolve_state_display(obj):
        return obj.display_state()

    @staticmethod
    def resolve_expired(obj):
        return obj.is_expired()

    @staticmethod
    def resolve_member_name(obj):
        return obj.member.name

    @staticmethod
    def resolve_dues_paid_until(obj):
        return f"{obj.dues_paid_until:%Y-%m}"


class LetterFilters(Schema):
    q: str | None = Field(None, max_length=50, description="党员姓名或介绍信编号包含")
    direction: str | None = Field(None, max_length=3, description="out 转出 / in 转入（相对本人管理范围）")
    state: str | None = Field(None, max_length=10)
    kind: str | None = Field(None, max_length=10)
    year: int | None = Field(None, ge=2000, le=2100)


class IssueIn(Schema):
    member_id: int = Field(..., ge=1, le=2**62)
    to_org_code: str | None = Field(None, max_length=32, description="平台内接收党支部的组织代码")
    to_org_name: str | None = Field(None, max_length=100, description="平台外接收党组织名称（不填组织代码时）")
    issued_on: date | None = None
    valid_until: date
    dues_paid_until: date = Field(..., description="党费交至的月份（取该月任一日）")
    reason: str = Field(..., max_length=200)


class ReturnIn(Schema):
    reason: str = Field(..., max_length=200)


def _letter(request, letter_id: int) -> Letter:
    return get_object_or_404(selectors.letters(request.user), pk=letter_id)


@router.get("", response=list[LetterOut])
@paginate(Pagination)
def letter_list(request, filters: Query[LetterFilters]):
    """本人管理范围内转出和转入的介绍信。"""
    return filtered(LetterFilterSet, request, selectors.letters(request.user).order_by("-issued_on", "-pk"),
                     filters)


@router.get("/{int:letter_id}", response=LetterOut)
def letter_detail(request, letter_id: int):
    return _letter(request, letter_id)


@router.post("", response={201: LetterOut, 404: Message, 422: Message})
def letter_issue(request, payload: IssueIn):
    """转出党组织开具介绍信：填 to_org_code 为平台内转接，否则填 to_org_name 转往平台外。"""
    # Any member the user may change; the service refuses inactive ones with the rule's message.
    member = get_object_or_404(Member.objects.visible_to(request.user, "change").select_related("org"),
                               pk=payload.member_id)
    try:
        to_org = services.find_destination(payload.to_org_code) if payload.to_org_code else None
        letter = services.letter_issue(
            actor=request.user, member=member, to_org=to_org, to_org_name=payload.to_org_name or "",
            issued_on=payload.issued_on, valid_until=payload.valid_until,
            dues_paid_until=payload.dues_paid_until, reason=payload.reason)
    except ValidationError as exc:
        return refused(exc)
    return Status(201, letter)


@router.post("/{int:letter_id}/accept", response={200: LetterOut, 403: Message, 404: Message, 422: Message})
def letter_accept(request, letter_id: int):
    """接收党组织接收：党员转入接收党组织，回执返回转出党组织。"""
    try:
        letter = services.letter_accept(actor=request.user, letter=_letter(request, letter_id))
    except ValidationError as exc:
        return refused(exc)
    return Status(200, letter)


@router.post("/{int:letter_id}/return", response={200: LetterOut, 403: Message, 404: Message, 422: Message})
def letter_return(request, letter_id: int, payload: ReturnIn):
    """接收党组织退回（须填写原因），党员仍在转出党组织。"""
    try:
        letter = services.letter_return(actor=request.user, letter=_letter(request, letter_id),
                                        reason=payload.reason)
    except ValidationError as exc:
        return refused(exc)
    return Status(200, letter)


@router.post("/{int:letter_id}/cancel", response={200: LetterOut, 403: Message, 404: Message, 422: Message})
def letter_cancel(request, letter_id: int, payload: ReturnIn):
    """转出党组织在接收前撤销（须填写原因）。"""
    try:
        letter = services.letter_cancel(actor=request.user, letter=_letter(request, letter_id),
                                        reason=payload.reason)
    except ValidationError as exc:
        return refused(exc)
    return Status(200, letter)



# --- mobile members' certificates (流动党员活动证) -------------------------------------------------


class CertificateOut(OfMemberOut):
    id: int
    number: str
    city: str
    unit: str
    contact: str = Field(..., alias="contact_masked", description="脱敏的联系电话")
    issued_on: date
    valid_until: date
    state: str = Field(..., description="valid 有效 / expired 已过期，待换发或收回 / closed 已收回")
    state_display: str
    expired: bool = Field(..., description="已过有效期且未收回")
    closed_on: date | None
    close_kind: str
    close_reason: str

    @staticmethod
    def resolve_state(obj):
        return obj.state()

    @staticmethod
    def resolve_state_display(obj):
        return obj.display_state()

    @staticmethod
    def resolve_expired(obj):
        return obj.is_expired()


class CertificateFilters(Schema):
    q: str | None = Field(None, max_length=50, description="党员姓名或活动证编号包含")
    org: str | None = Field(None, max_length=32, description="党组织ID或组织代码（含下级）")
    within: str | None = Field(None, max_length=32, deprecated=True, description="org 的旧名")
    state: str | None = Field(None, max_length=10, description="valid / expired / closed")


class RenewIn(Schema):
    valid_until: date = Field(..., description="新的有效期（晚于今天和原有效期，最长自今天起12个月）")


class CloseIn(Schema):
    closed_on: date | None = Field(None, description="收回日期，默认今天")
    close_kind: str = Field(..., max_length=10, description="returned 流动结束交回 / came_back 党员已返回")
    close_reason: str = Field(..., max_length=200)


def _certificate(request, certificate_id: int, action: str = "view") -> MobileCertificate:
    return get_object_or_404(MobileCertificate.objects.visible_to(request.user, action)
                             .select_related("member__org"), pk=certificate_id)


@router.get("/certificates", response=list[CertificateOut])
@paginate(Pagination)
def certificate_list(request, filters: Query[CertificateFilters]):
    """本人管理范围内党员的流动党员活动证，可按状态筛选。"""
    return filtered(CertificateFilterSet, request, selectors.certificates(request.user).order_by("valid_until", "pk"),
                    filters)


@router.get("/certificates/{int:certificate_id}", response=CertificateOut)
def certificate_detail(request, certificate_id: int):
    return _certificate(request, certificate_id)


@router.post("/certificates/{int:certificate_id}/renew", response={200: CertificateOut, 404: Message, 422: Message})
def certificate_renew(request, certificate_id: int, payload: RenewIn):
    """换发：延长有效期（沿用原编号）。"""
    try:
        certificate = services.certificate_renew(actor=request.user, certificate=_certificate(
            request, certificate_id, "change"), valid_until=payload.valid_until)
    except ValidationError as exc:
        return refused(exc)
    return Status(200, certificate)


@router.post("/certificates/{int:certificate_id}/close", response={200: CertificateOut, 404: Message, 422: Message})
def certificate_close(request, certificate_id: int, payload: CloseIn):
    """收回：流动结束交回活动证，或党员已返回原党组织（须填写日期和说明）。"""
    try:
        certificate = services.certificate_close(
            actor=request.user, certificate=_certificate(request, certificate_id, "change"),
            closed_on=payload.closed_on or date.today(), close_kind=payload.close_kind,
            close_reason=payload.close_reason)
    except ValidationError as exc:
        return refused(exc)
    return Status(200, certificate)
