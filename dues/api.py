"""/api/v1/dues: a branch's yearly amounts, confirmation, payments, arrears and money figures,
and the member's own dues. Scoped as the pages: an org or member out of scope is 404. Writes go
through dues.services; refusals answer 422 with the service's Chinese message. Money is integer
fen (``*_fen``)."""

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from core.access import get_scope
from core.api import REFUSED, Id, Message, PathId
from core.errors import NotFound
from dues import rules, selectors, services
from dues.models import DuesPayment, DuesYear, Method
from members.models import Member
from orgs.models import Org

router = Router(tags=["党费"])


def _org(request, org_id: int, perm: str = "member.view") -> Org:
    return get_object_or_404(Org.objects.granting(request.user, perm), pk=org_id)


def _member(request, member_id: int) -> Member:
    return get_object_or_404(Member.objects.visible_to(request.user, "change").select_related("org"), pk=member_id)


class YearOut(Schema):
    id: int
    member_id: int
    member_name: str
    year: int
    category: str
    base_fen: int | None
    rate_bp: int | None = Field(None, description="费率（万分之一）；定额为空")
    amount_fen: int = Field(..., description="按规定的月缴纳额（分）")
    due_fen: int = Field(..., description="实际月缴纳额（分）：经批准减免后的金额")
    adjustment_approval: str
    confirmed_on: date | None

    @staticmethod
    def resolve_member_name(obj):
        return obj.member.name


# Bounds wide enough that the rules, not the schema, answer a negative or absurd base in Chinese.
FEN_BOUND = 10**12


class YearIn(Schema):
    member_id: Id
    year: int = Field(..., ge=2000, le=2999)
    category: rules.Category
    base_fen: int | None = Field(None, ge=-FEN_BOUND, le=FEN_BOUND,
                                 description="缴费基数（分/月）；学生、下岗失业、低保、农民党员不填")


class PaymentIn(Schema):
    member_id: Id
    month: str = Field(..., max_length=7, pattern=r"^\d{4}-\d{2}$", description="起始月份，如 2027-01")
    months: int = Field(1, ge=1, le=12, description="1（按月）或 3（按季，须经支部同意）")
    method: Method = Field(Method.CASH, description="cash 现金 / transfer 银行转账")


class PaymentOut(Schema):
    id: int
    member_id: int
    first_month: str
    months: int
    amount_fen: int
    method: str
    paid_on: date
    receipt: str = Field(..., description="收据号")
    voided_on: date | None = Field(None, description="撤销日期（已撤销的缴纳不计入）")
    void_reason: str = Field("", description="撤销原因")

    @staticmethod
    def resolve_first_month(obj):
        return f"{obj.first_month // 12}-{obj.first_month % 12 + 1:02d}"


class BehindOut(Schema):
    member_id: int
    member_name: str
    paid_up_to: str | None = Field(None, description="党费交至（月份）")
    behind: int = Field(..., description="欠缴月数（连续，至上月）")
    level: str = Field(..., description="green / yellow / red")
    org_life_months: int | None = Field(None, description="连续未参加组织生活的整月数（《党章》第九条的另一半，来自出席记录）")


class SummaryOut(Schema):
    yellow: int = Field(..., description="欠缴达到提醒月数的人数（含下级，不含红色）")
    red: int = Field(..., description="欠缴达到警告月数的人数（含下级）")
    months: list[dict] = Field(..., description="本年各月收缴：month, payments, amount_fen")


def _month_text(index: int | None) -> str | None:
    return None if index is None else f"{index // 12}-{index % 12 + 1:02d}"


def _parse_month(text: str) -> int:
    from django.core.exceptions import ValidationError

    year, month = (int(part) for part in text.split("-"))
    if not 1 <= month <= 12:
        raise ValidationError({"month": "月份不正确"})
    return year * 12 + month - 1


@router.get("/orgs/{int:org_id}/years", response={200: list[YearOut], 404: Message})
def dues_year_list(request, org_id: PathId, year: int | None = Query(None, ge=2000, le=2999)):
    """本组织党员某年度的缴费基数与月缴纳额。"""
    org = _org(request, org_id)
    return DuesYear.objects.filter(member__org=org, year=year or timezone.localdate().year).select_related("member").order_by("member__name_pinyin", "pk")


@router.post("/years", response={201: YearOut, **REFUSED})
def dues_year_set(request, payload: YearIn):
    """核定（录入或修改）一名党员某年度的人员类别和缴费基数；书记确认后全年不变。"""
    dues_year = services.year_set(actor=request.user, member=_member(request, payload.member_id), year=payload.year,
                                  category=payload.category, base_fen=payload.base_fen)
    return Status(201, dues_year)


@router.post("/orgs/{int:org_id}/confirm", response={200: Message, **REFUSED})
def dues_year_confirm(request, org_id: PathId, year: int = Query(..., ge=2000, le=2999)):
    """书记确认本组织某年度的党费（确认前请查看与上年不同的金额）。"""
    count = services.year_confirm(actor=request.user, org=_org(request, org_id, "member.change"), year=year)
    return Status(200, {"detail": f"已确认 {count} 名党员的{year}年度党费"})


class CarriedOut(Schema):
    carried: int = Field(..., description="按上年度基数结转的党员数（待书记确认）")
    missing: int = Field(..., description="仍未核定的在册党员数（上年度也无基数，须录入或导入）")


@router.post("/orgs/{int:org_id}/carry", response={200: CarriedOut, **REFUSED})
def dues_year_carry(request, org_id: PathId, year: int = Query(..., ge=2000, le=2999)):
    """新年度结转：本组织及下级尚未核定该年度党费的在册党员，按上年度人员类别和缴费基数计算月缴纳额（待各支部书记确认）。"""
    carried = services.year_carry(actor=request.user, org=_org(request, org_id, "member.change"), year=year)
    return Status(200, {"carried": carried.carried, "missing": carried.missing})


@router.post("/payments", response={201: PaymentOut, **REFUSED})
def dues_payment_create(request, payload: PaymentIn):
    """登记党费缴纳（最多补缴、预缴6个月，不能重复缴纳已缴月份，不能跳过未缴月份）。"""
    payment = services.payment_record(actor=request.user, member=_member(request, payload.member_id),
                                      first_month=_parse_month(payload.month), months=payload.months, method=payload.method)
    return Status(201, payment)


class PaymentVoidIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200, description="撤销原因")


@router.post("/payments/{int:payment_id}/void", response={200: PaymentOut, **REFUSED})
def dues_payment_void(request, payment_id: PathId, payload: PaymentVoidIn):
    """撤销误登记的缴纳（只能撤销该党员最近一笔，且党员仍在收缴支部）：记录保留并注明原因，党费交至恢复到缴纳前。"""
    payment = get_object_or_404(DuesPayment.objects.visible_to(request.user).select_related("org"), pk=payment_id)
    return Status(200, services.payment_void(actor=request.user, payment=payment, reason=payload.reason))


@router.get("/orgs/{int:org_id}/arrears", response={200: list[BehindOut], 404: Message})
def dues_arrears(request, org_id: PathId):
    """本组织欠缴党费的党员，欠缴月数多者在前。"""
    org = _org(request, org_id)
    return [{"member_id": row.member.pk, "member_name": row.member.name, "paid_up_to": _month_text(row.paid_up_to),
             "behind": row.behind, "level": row.level, "org_life_months": row.org_life_months}
            for row in selectors.arrears(org, today=timezone.localdate())]


@router.get("/orgs/{int:org_id}/summary", response={200: SummaryOut, 404: Message})
def dues_summary(request, org_id: PathId, year: int | None = Query(None, ge=2000, le=2999)):
    """本组织及下级：欠缴人数（提醒、警告）和本年各月收缴金额（来自汇总表）。"""
    org = _org(request, org_id)
    counts = selectors.behind_counts(org, today=timezone.localdate())
    months = [{"month": f"{row['month']:%Y-%m}", "payments": row["payments"], "amount_fen": row["amount_fen"]}
              for row in selectors.month_totals(org, year or timezone.localdate().year)]
    return {**counts, "months": months}


class MineOut(Schema):
    paid_up_to: str | None
    behind: int
    years: list[dict]
    payments: list[PaymentOut]


@router.get("/mine", response={200: MineOut, 404: Message})
def dues_mine(request):
    """我的党费：月缴纳额及计算方法、缴纳记录、党费交至。"""
    member_id = get_scope(request.user).member_id
    if not member_id:
        raise NotFound
    member = Member.objects.get(pk=member_id)
    data = selectors.member_dues(member)
    standing = data["standing"]
    behind = (rules.months_behind(paid_up_to=standing.paid_up_to, first_due=standing.first_due, today=timezone.localdate())
              if standing else 0)
    years = [{"year": d.year, "due_fen": d.due_fen, "amount_fen": d.amount_fen, "category": d.category,
              "base_fen": d.base_fen, "rate_bp": d.rate_bp, "confirmed": d.confirmed_on is not None} for d in data["years"]]
    return {"paid_up_to": _month_text(standing.paid_up_to if standing else None), "behind": behind,
            "years": years, "payments": data["payments"]}


class RemittanceIn(Schema):
    org_id: Id
    year: int = Field(..., ge=2000, le=2999)
    amount_fen: int = Field(..., ge=1, le=10**13)
    remitted_on: date
    reference: str = Field("", max_length=60)


class RemittanceOut(Schema):
    id: int
    org_id: int
    to_org_id: int
    year: int
    amount_fen: int
    remitted_on: date
    reference: str


class ReconciledOut(Schema):
    org_id: int
    org_name: str
    received_fen: int = Field(..., description="本组织及下级收缴的党费（分）")
    remitted_fen: int = Field(..., description="上缴的党费（分）")
    difference_fen: int


class ReconciliationOut(Schema):
    own: ReconciledOut
    children: list[ReconciledOut]


@router.post("/remittances", response={201: RemittanceOut, **REFUSED})
def dues_remittance_create(request, payload: RemittanceIn):
    """登记本组织向上级党组织上缴党费。"""
    org = _org(request, payload.org_id, "member.change")
    remittance = services.remittance_record(actor=request.user, org=org, year=payload.year, amount_fen=payload.amount_fen,
                                            remitted_on=payload.remitted_on, reference=payload.reference)
    return Status(201, remittance)


def _reconciled(row: selectors.Reconciled) -> dict:
    return {"org_id": row.org.pk, "org_name": row.org.name, "received_fen": row.received_fen,
            "remitted_fen": row.remitted_fen, "difference_fen": row.difference_fen}


@router.get("/orgs/{int:org_id}/reconciliation", response={200: ReconciliationOut, 404: Message})
def dues_reconciliation(request, org_id: PathId, year: int | None = Query(None, ge=2000, le=2999)):
    """对账：本组织全年收缴与上缴；各下一级党组织的收缴（含其下级）与向本组织上缴。"""
    own, children = selectors.reconciliation(_org(request, org_id), year or timezone.localdate().year)
    return {"own": _reconciled(own), "children": [_reconciled(row) for row in children]}
