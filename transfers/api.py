"""/api/v1/transfers: letters and mobile members' certificates under the same scoping as the pages
(a letter is visible from its sending and its receiving org, a certificate from the member's org);
out of scope is 404, refusals are 422 (403 for the wrong side) with a Chinese ``detail``."""


from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.api import (
    REFUSED,
    Day,
    OfMemberOut,
    Pagination,
    PathId,
    filtered,
    filters_in,
    model_in,
    model_out,
)
from members.models import Member
from orgs.models import Org
from transfers import selectors, services
from transfers.filters import CertificateFilterSet, LetterFilterSet
from transfers.models import Letter, MobileCertificate

router = Router(tags=["组织关系转接"])


class LetterComputed(Schema):
    state_display: str
    expired: bool
    member_name: str
    dues_paid_until: str = Field(..., description="党费交至的月份，YYYY-MM")

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


LetterOut = model_out("LetterOut", Letter, [
    "id", "number", "kind", "state", "member_id", "from_org_id", "from_org_name", "to_org_id", "to_org_name",
    "issued_on", "valid_until", "reason", "received_on", "receipt_returned", "closed_on", "close_reason",
], base=LetterComputed)
LetterFilters = filters_in("LetterFilters", LetterFilterSet)


class LetterDestination(Schema):
    """Where the letter goes (an org of the platform by its code, or one outside by its name) and
    when it is issued (today unless given): not required as the model's fields are."""

    to_org_code: str | None = Field(None, max_length=Org._meta.get_field("code").max_length,
                                    description="平台内接收党支部的组织代码")
    to_org_name: str | None = Field(None, max_length=Letter._meta.get_field("to_org_name").max_length,
                                    description="平台外接收党组织名称（不填组织代码时）")
    issued_on: Day | None = Field(None, description="开具日期，默认今天")


IssueIn = model_in("IssueIn", Letter, ["member_id", "valid_until", "dues_paid_until", "reason"],
                   base=LetterDestination, extra={"dues_paid_until": {"description": "党费交至的月份（取该月任一日）"}})
ReturnIn = model_in("ReturnIn", Letter, [("reason", "close_reason")], required=["reason"])


def _letter(request, letter_id: int) -> Letter:
    return get_object_or_404(selectors.letters(request.user), pk=letter_id)


@router.get("", response=list[LetterOut])
@paginate(Pagination)
def letter_list(request, filters: Query[LetterFilters]):
    """本人管理范围内转出和转入的介绍信。"""
    return filtered(LetterFilterSet, request, selectors.letters(request.user).order_by("-issued_on", "-pk"),
                     filters)


@router.get("/{int:letter_id}", response=LetterOut)
def letter_detail(request, letter_id: PathId):
    return _letter(request, letter_id)


@router.post("", response={201: LetterOut, **REFUSED})
def letter_issue(request, payload: IssueIn):
    """转出党组织开具介绍信：填 to_org_code 为平台内转接，否则填 to_org_name 转往平台外。"""
    # Any member the user may change; the service refuses inactive ones with the rule's message.
    member = get_object_or_404(Member.objects.visible_to(request.user, "change").select_related("org"),
                               pk=payload.member_id)
    to_org = services.find_destination(payload.to_org_code) if payload.to_org_code else None
    letter = services.letter_issue(
        actor=request.user, member=member, to_org=to_org, to_org_name=payload.to_org_name or "",
        issued_on=payload.issued_on, valid_until=payload.valid_until,
        dues_paid_until=payload.dues_paid_until, reason=payload.reason)
    return Status(201, letter)


@router.post("/{int:letter_id}/accept", response={200: LetterOut, **REFUSED})
def letter_accept(request, letter_id: PathId):
    """接收党组织接收：党员转入接收党组织，回执返回转出党组织。"""
    return services.letter_accept(actor=request.user, letter=_letter(request, letter_id))


@router.post("/{int:letter_id}/return", response={200: LetterOut, **REFUSED})
def letter_return(request, letter_id: PathId, payload: ReturnIn):
    """接收党组织退回（须填写原因），党员仍在转出党组织。"""
    return services.letter_return(actor=request.user, letter=_letter(request, letter_id), reason=payload.reason)


@router.post("/{int:letter_id}/cancel", response={200: LetterOut, **REFUSED})
def letter_cancel(request, letter_id: PathId, payload: ReturnIn):
    """转出党组织在接收前撤销（须填写原因）。"""
    return services.letter_cancel(actor=request.user, letter=_letter(request, letter_id), reason=payload.reason)


# --- mobile members' certificates (流动党员活动证) -------------------------------------------------


class CertificateComputed(OfMemberOut):
    contact: str = Field(..., alias="contact_masked", description="脱敏的联系电话")
    state: str = Field(..., description="valid 有效 / expired 已过期，待换发或收回 / closed 已收回")
    state_display: str
    expired: bool = Field(..., description="已过有效期且未收回")

    @staticmethod
    def resolve_state(obj):
        return obj.state()

    @staticmethod
    def resolve_state_display(obj):
        return obj.display_state()

    @staticmethod
    def resolve_expired(obj):
        return obj.is_expired()


CertificateOut = model_out("CertificateOut", MobileCertificate, [
    "id", "number", "city", "unit", "issued_on", "valid_until", "closed_on", "close_kind", "close_reason",
], base=CertificateComputed)
CertificateFilters = filters_in("CertificateFilters", CertificateFilterSet)
RenewIn = model_in("RenewIn", MobileCertificate, ["valid_until"], extra={
    "valid_until": {"description": "新的有效期（晚于今天和原有效期，最长自今天起12个月）"}})
CloseIn = model_in("CloseIn", MobileCertificate, ["closed_on", "close_kind", "close_reason"],
                   required=["close_kind", "close_reason"], extra={
    "closed_on": {"description": "收回日期，默认今天"}})


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
def certificate_detail(request, certificate_id: PathId):
    return _certificate(request, certificate_id)


@router.post("/certificates/{int:certificate_id}/renew", response={200: CertificateOut, **REFUSED})
def certificate_renew(request, certificate_id: PathId, payload: RenewIn):
    """换发：延长有效期（沿用原编号）。"""
    return services.certificate_renew(actor=request.user, certificate=_certificate(request, certificate_id, "change"),
                                      valid_until=payload.valid_until)


@router.post("/certificates/{int:certificate_id}/close", response={200: CertificateOut, **REFUSED})
def certificate_close(request, certificate_id: PathId, payload: CloseIn):
    """收回：流动结束交回活动证，或党员已返回原党组织（须填写日期和说明）。"""
    return services.certificate_close(
        actor=request.user, certificate=_certificate(request, certificate_id, "change"),
        closed_on=payload.closed_on or timezone.localdate(), close_kind=payload.close_kind,
        close_reason=payload.close_reason)
