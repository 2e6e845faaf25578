"""Dues workflows (rules.md §5): setting a year's base, importing the bases, the secretary's
confirmation, a reduction approved by the level above, recording a payment. One transaction each,
an audit entry, the summary rows (dues.summaries) kept in the same transaction."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from core import audit, summaries
from core.access import get_scope, subtree_q
from core.bulk import insert_many
from core.errors import NotFound
from dues import rules
from dues.models import (
    DuesMonth,
    DuesPaidCount,
    DuesPayment,
    DuesRemittance,
    DuesStanding,
    DuesYear,
    Method,
)
from members.importing.reading import parse_date
from members.models import ACTIVE_STATUSES, Member
from members.services import record_event
from orgs.models import Org, OrgSetting

PERM = "member.change"


def _require(actor, org: Org, perm: str = PERM) -> None:
    if not get_scope(actor).covers(org.path, perm):
        raise NotFound


def check_year(year: int) -> None:
    today = timezone.localdate()
    if not today.year - 1 <= year <= today.year + 1:
        raise ValidationError({"year": f"只能核定 {today.year - 1}–{today.year + 1} 年度的党费"})


# --- the yearly base -----------------------------------------------------------------------------


def year_set(*, actor, member: Member, year: int, category: str, base_fen: int | None) -> DuesYear:
    """年度党费核定: enter a member's base and category for ``year``; the amount follows the rules.
    A confirmed year is fixed (the amount is set at the start of the year)."""
    _require(actor, member.org)
    check_year(year)
    amount = rules.monthly_amount(category, base_fen, farmer_fen=rules.local(member.org, "dues_farmer_fen"))
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
        _require(actor, member.org)
        if member.status not in ACTIVE_STATUSES:
            raise ValidationError({"member": f"{member.name}已不是在册党员（{member.get_status_display()}）"})
        return _year_write(actor, member, year, category, base_fen, amount)


def _year_write(actor, member: Member, year: int, category: str, base_fen: int | None,
                amount: rules.Amount) -> DuesYear:
    _standing(member)  # from its first base the member counts in the arrears
    current = DuesYear.objects.filter(member=member, year=year).first()
    if current is not None and current.confirmed_on is not None:
        raise ValidationError(f"{member.name}{year}年度的党费已由书记确认（{current.confirmed_on:%Y-%m-%d}），全年不变")
    stored_base = base_fen if category in rules.TIERS else None
    if current is None:
        current = DuesYear.objects.create(member=member, year=year, category=category, base_fen=stored_base,
                                          rate_bp=amount.rate_bp, amount_fen=amount.fen)
        audit.record("dues.year_set", obj=current, user=actor, changes={"after": current.audit_snapshot()})
        return current
    before = current.audit_snapshot()
    current.category, current.base_fen, current.rate_bp, current.amount_fen = category, stored_base, amount.rate_bp, amount.fen
    difference = audit.diff(before, current.audit_snapshot())
    if difference:
        current.save()
        audit.record("dues.year_set", obj=current, user=actor, changes=difference)
    return current


def year_confirm(*, actor, org: Org, year: int) -> int:
    """The secretary confirms the branch's amounts for ``year`` (after looking at the ones that
    differ from last year); returns how many were confirmed."""
    _require(actor, org)
    with transaction.atomic():
        pending = list(DuesYear.objects.select_for_update().filter(member__org=org, year=year, confirmed_on__isnull=True))
        if not pending:
            raise ValidationError(f"{org.name}没有待确认的{year}年度党费")
        today = timezone.localdate()
        for dues_year in pending:
            dues_year.confirmed_on, dues_year.confirmed_by = today, actor
            dues_year.save(update_fields=["confirmed_on", "confirmed_by", "updated"])
        audit.record("dues.year_confirm", obj=org, user=actor,
                     changes={"year": year, "confirmed": [d.pk for d in pending]})
    return len(pending)


def year_adjust(*, actor, dues_year: DuesYear, adjusted_fen: int, approval: str) -> DuesYear:
    """减免党费: a reduction or exemption for hardship, decided by the level above the member's
    branch (its own grant does not count) and recorded with the approval's reference."""
    if not get_scope(actor).covers(dues_year.member.org.path, "member.view"):
        raise NotFound
    if not get_scope(actor).covers_above(dues_year.member.org.path, PERM):
        raise ValidationError("减免党费须由上级党组织批准，本支部不能自行减免")
    rules.check_adjusted(dues_year.amount_fen, adjusted_fen, approval)
    with transaction.atomic():
        dues_year = DuesYear.objects.select_for_update(of=("self",)).select_related("member__org").get(pk=dues_year.pk)
        before = dues_year.audit_snapshot()
        dues_year.adjusted_fen, dues_year.adjustment_approval = adjusted_fen, approval.strip()
        dues_year.save()
        label = "免交" if adjusted_fen == 0 else f"减为每月{rules.fen_to_yuan(adjusted_fen)}元"
        record_event(member=dues_year.member, kind="dues_adjust", actor=actor,
                     summary=f"{dues_year.year}年度党费{label}（批准：{dues_year.adjustment_approval}）")
        audit.record("dues.year_adjust", obj=dues_year, user=actor, changes=audit.diff(before, dues_year.audit_snapshot()))
    return dues_year


# --- importing the bases ---------------------------------------------------------------------------


@dataclass
class BaseRow:
    """One row of an import of bases, as the preview shows it."""

    number: int
    name: str
    id_number: str
    category: str
    base_fen: int | None
    member: Member | None = None
    amount: rules.Amount | None = None
    previous_fen: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def category_label(self) -> str:
        return rules.Category(self.category).label if self.category else ""

    @property
    def differs(self) -> bool:
        return self.amount is not None and self.previous_fen is not None and self.amount.fen != self.previous_fen


CATEGORY_NAMES = {label: value for value, label in rules.Category.choices} | {
    "在岗": rules.Category.EMPLOYED, "退休": rules.Category.RETIRED, "离休": rules.Category.RETIRED,
    "学生党员": rules.Category.STUDENT, "失业": rules.Category.UNEMPLOYED, "低保": rules.Category.RELIEF,
}


def parse_yuan(text) -> int:
    """A base in yuan (up to 2 decimals) as fen, never through float."""
    from decimal import Decimal, InvalidOperation

    cleaned = str(text if text is not None else "").strip().replace(",", "").replace("，", "").removesuffix("元")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"缴费基数“{text}”不是数字") from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise ValidationError(f"缴费基数“{text}”最多保留两位小数")
    return int(value * 100)


def bases_preview(*, actor, org: Org, year: int, cells: list[tuple[int, dict]]) -> list[BaseRow]:
    """The preview of an import (姓名, 身份证号, 人员类别, 缴费基数 per row): each row's member,
    amount, last year's amount, and its errors. Nothing is written."""
    _require(actor, org)
    check_year(year)
    farmer_fen = rules.local(org, "dues_farmer_fen")
    members = {m.id_number_index: m for m in Member.objects.filter(org=org, status__in=ACTIVE_STATUSES)}
    previous = dict(DuesYear.objects.filter(member__org=org, year=year - 1).values_list("member_id", "amount_fen"))
    for pk, fen in DuesYear.objects.filter(member__org=org, year=year - 1).values_list("member_id", "adjusted_fen"):
        if fen is not None:
            previous[pk] = fen  # last year's amount as paid: reduced where approved
    confirmed = set(DuesYear.objects.filter(member__org=org, year=year, confirmed_on__isnull=False)
                    .values_list("member_id", flat=True))
    rows, seen = [], set()
    for number, values in cells:
        name = str(values.get("name") or "").strip()
        id_number = str(values.get("id_number") or "").strip().upper()
        category_text = str(values.get("category") or "").strip()
        row = BaseRow(number, name, id_number, CATEGORY_NAMES.get(category_text, ""), None)
        if not row.category:
            row.errors.append(f"人员类别“{category_text}”不正确（在职、离退休、农民、学生、下岗失业、享受最低生活保障）")
        base_text = values.get("base")
        if base_text not in (None, ""):
            try:
                row.base_fen = parse_yuan(base_text)
            except ValidationError as error:
                row.errors.extend(error.messages)
        member = members.get(Member.id_number_lookup(id_number)) if id_number else None
        if member is None:
            row.errors.append("本支部在册党员中没有这个身份证号")
        elif member.name != name:
            row.errors.append(f"姓名与身份证号不符（在册姓名：{member.name}）")
        elif member.pk in seen:
            row.errors.append("同一党员在文件中出现了两次")
        elif member.pk in confirmed:
            row.errors.append(f"{year}年度党费已由书记确认，全年不变")
        else:
            row.member = member
            seen.add(member.pk)
            row.previous_fen = previous.get(member.pk)
        if row.category and not row.errors:
            try:
                row.amount = rules.monthly_amount(row.category, row.base_fen, farmer_fen=farmer_fen)
            except ValidationError as error:
                row.errors.extend(error.messages)
        rows.append(row)
    return rows


def bases_import(*, actor, org: Org, year: int, cells: list[tuple[int, dict]]) -> int:
    """Import the bases: all rows or none (any row with an error refuses the whole file)."""
    rows = bases_preview(actor=actor, org=org, year=year, cells=cells)
    if not rows:
        raise ValidationError("文件中没有数据行")
    wrong = [row for row in rows if row.errors]
    if wrong:
        raise ValidationError([f"第{row.number}行：{'；'.join(row.errors)}" for row in wrong[:20]]
                              + ([f"……共{len(wrong)}行有错误，未导入任何数据"] if len(wrong) > 20 else ["未导入任何数据"]))
    with transaction.atomic():
        for row in rows:
            assert row.member is not None and row.amount is not None
            _year_write(actor, row.member, year, row.category, row.base_fen, row.amount)
    return len(rows)


# --- carrying last year's bases into a new year ----------------------------------------------------


@dataclass
class Carried:
    """What ``year_carry`` did: members given ``year``'s amount from last year's base, and members on
    the roll with no base for ``year`` and none last year (to be entered or imported)."""

    carried: int
    missing: int


CARRY_CHUNK = 5_000


def farmer_amounts(root: Org) -> Callable[[str], int]:
    """The farmers' local amount (rules.local) for any org under ``root``, from one read of the
    settings on ``root``'s ancestors and subtree: the nearest setting above the org wins."""
    settings = dict(OrgSetting.objects.filter(subtree_q("org__path", root.path) | Q(org__path__in=root.ancestor_paths()),
                                              key="dues_farmer_fen").values_list("org__path", "value"))
    default = rules.LOCAL_DEFAULTS["dues_farmer_fen"]
    cache: dict[str, int] = {}

    def amount(path: str) -> int:
        if path not in cache:
            found = default
            for end in range(len(path), 0, -Org.steplen):
                if path[:end] in settings:
                    found = settings[path[:end]]
                    break
            cache[path] = found
        return cache[path]
    return amount


def year_carry(*, actor, org: Org, year: int, progress: Callable[[int], None] | None = None) -> Carried:
    """新年度党费结转: every member on the roll in ``org``'s subtree with no base for ``year`` gets
    last year's category and base and the amount the rules give (the farmers' local amount of
    their branch), unconfirmed: each secretary looks at the differences and confirms, or corrects
    a base first. A branch runs it for itself; a district or the city for all its branches at the
    new year. One transaction; the members are read and written a chunk at a time."""
    _require(actor, org)
    check_year(year)
    farmer = farmer_amounts(org)
    now = timezone.now()
    this_year = DuesYear.objects.filter(member=OuterRef("member"), year=year)
    last = (DuesYear.objects.filter(subtree_q("member__org__path", org.path), year=year - 1,
                                    member__status__in=ACTIVE_STATUSES)
            .exclude(Exists(this_year)).order_by("member_id")
            .values_list("member_id", "category", "base_fen", "member__org__path"))
    carried = 0
    with transaction.atomic():
        chunk: list[dict] = []
        for member_id, category, base_fen, path in last.iterator(chunk_size=CARRY_CHUNK):
            amount = rules.monthly_amount(category, base_fen, farmer_fen=farmer(path))
            chunk.append({"member_id": member_id, "year": year, "category": category, "base_fen": base_fen,
                          "rate_bp": amount.rate_bp, "amount_fen": amount.fen, "created": now, "updated": now})
            if len(chunk) == CARRY_CHUNK:
                carried += insert_many(DuesYear, chunk)
                chunk = []
                if progress is not None:
                    progress(carried)
        carried += insert_many(DuesYear, chunk)
        missing = (Member.objects.filter(subtree_q("org__path", org.path), status__in=ACTIVE_STATUSES)
                   .exclude(Exists(DuesYear.objects.filter(member=OuterRef("pk"), year=year))).count())
        if not carried:
            raise ValidationError(f"{org.name}没有可结转的{year - 1}年度缴费基数"
                                  + (f"（{missing}名党员尚未核定，请录入或导入）" if missing else "（本年度均已核定）"))
        audit.record("dues.year_carry", obj=org, user=actor,
                     changes={"year": year, "carried": carried, "missing": missing})
    return Carried(carried, missing)


# --- payments --------------------------------------------------------------------------------------


def first_due(member: Member) -> int | None:
    """Probationary members pay from their admission assembly's month (rules.md §5); full members
    from the month they joined."""
    return rules.first_due_month(admitted=member.joined)


def payment_record(*, actor, member: Member, first_month: int, months: int, method: str,
                   paid_on: date | None = None, reference: str = "") -> DuesPayment:
    """党费缴纳: the branch records a payment; the amount is the confirmed monthly amount of each
    month's year (reduced where approved). Refused: a month already paid, more than 6 months back
    or ahead, a skipped month, quarterly without the branch's consent, an unconfirmed year."""
    _require(actor, member.org)
    if method not in Method.values:
        raise ValidationError({"method": "缴纳方式不正确"})
    today = timezone.localdate()
    paid_on = paid_on or today
    if paid_on > today:
        raise ValidationError({"paid_on": "缴纳日期不能晚于今天"})
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
        _require(actor, member.org)
        if member.status not in ACTIVE_STATUSES:
            raise ValidationError({"member": f"{member.name}已不是在册党员（{member.get_status_display()}）"})
        standing = _standing(member)
        rules.check_payment(first=first_month, months=months, paid_up_to=standing.paid_up_to,
                            first_due=standing.first_due, today=today,
                            quarterly=bool(rules.local(member.org, "dues_quarterly")))
        amount = 0
        years = {d.year: d for d in DuesYear.objects.filter(member=member, confirmed_on__isnull=False)}
        for month in range(first_month, first_month + months):
            dues_year = years.get(month // 12)
            if dues_year is None:
                raise ValidationError(f"{member.name}{month // 12}年度的党费尚未核定并经书记确认，不能收缴")
            amount += dues_year.due_fen
        # The org's row, locked: two payments at one branch take their receipt serials in turn.
        list(Org.objects.select_for_update().filter(pk=member.org_id).values_list("pk", flat=True))
        payment = DuesPayment.objects.create(
            member=member, org=member.org, first_month=first_month, months=months, amount_fen=amount,
            method=method, paid_on=paid_on, receipt=_receipt(member.org, paid_on), recorded_by=actor,
            reference=reference, paid_up_to_before=standing.paid_up_to)
        _move(standing, payment.last_month)
        summaries.add(DuesMonth, {"org_id": member.org_id, "month": paid_on.replace(day=1)},
                      payments=1, amount_fen=amount)
        record_event(member=member, kind="dues_payment", actor=actor, occurred=paid_on,
                     summary=f"缴纳{payment}（{payment.get_method_display()}，收据号 {payment.receipt}）")
        audit.record("dues.payment_record", obj=payment, user=actor, changes={"after": payment.audit_snapshot()})
    return payment


def payment_void(*, actor, payment: DuesPayment, reason: str) -> DuesPayment:
    """撤销: a payment recorded in error (wrong member, wrong months) is marked void with the reason,
    kept with its receipt number, and stops counting: the member's "paid up to" goes back to where
    it stood before, and the branch's money for the month loses it. Only the member's latest
    payment, at the branch that still holds the member, and only once."""
    if not get_scope(actor).covers(payment.org.path, "member.view"):
        raise NotFound
    _require(actor, payment.org)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写撤销原因"})
    if len(reason) > 200:
        raise ValidationError({"reason": "撤销原因不能超过200字"})
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("org").get(pk=payment.member_id)
        payment = DuesPayment.objects.select_for_update(of=("self",)).select_related("org").get(pk=payment.pk)
        if payment.voided_on is not None:
            raise ValidationError(f"这笔缴纳已于{payment.voided_on:%Y-%m-%d}撤销")
        if member.org_id != payment.org_id:
            raise ValidationError(f"{member.name}的组织关系已转出{payment.org.name}，不能撤销原支部的缴纳记录")
        later = DuesPayment.objects.filter(member=member, voided_on__isnull=True, first_month__gt=payment.first_month)
        if later.exists():
            raise ValidationError("只能撤销该党员最近一笔缴纳；请先撤销之后的缴纳")
        standing = _standing(member)
        if standing.paid_up_to != payment.last_month:
            raise ValidationError("该党员的“党费交至”已不是这笔缴纳的月份，不能撤销")
        before = payment.audit_snapshot()
        payment.voided_on, payment.voided_by, payment.void_reason = timezone.localdate(), actor, reason
        payment.save(update_fields=["voided_on", "voided_by", "void_reason", "updated"])
        _move(standing, payment.paid_up_to_before)
        summaries.add(DuesMonth, {"org_id": payment.org_id, "month": payment.paid_on.replace(day=1)},
                      payments=-1, amount_fen=-payment.amount_fen)
        record_event(member=member, kind="dues_payment_void", actor=actor,
                     summary=f"撤销{payment}（收据号 {payment.receipt}，原因：{reason}）")
        audit.record("dues.payment_void", obj=payment, user=actor, changes=audit.diff(before, payment.audit_snapshot()))
    return payment


def standing_open(*, actor, member: Member, paid_up_to: int) -> DuesStanding:
    """期初: where a member's dues stood on paper when the branch started keeping them here (paid
    up to a month, not after the current one). Only before any payment is recorded here."""
    _require(actor, member.org)
    if paid_up_to > rules.month_index(timezone.localdate()):
        raise ValidationError({"paid_up_to": "期初“党费交至”不能晚于本月"})
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
        _require(actor, member.org)
        if member.status not in ACTIVE_STATUSES:
            raise ValidationError({"member": f"{member.name}已不是在册党员（{member.get_status_display()}）"})
        if DuesPayment.objects.filter(member=member, voided_on__isnull=True).exists():
            raise ValidationError(f"{member.name}已有缴纳记录，不能再设期初“党费交至”")
        standing = _standing(member)
        before = standing.audit_snapshot()
        _move(standing, paid_up_to)
        audit.record("dues.standing_open", obj=standing, user=actor, changes=audit.diff(before, standing.audit_snapshot()))
    return standing


# --- money up the tree ------------------------------------------------------------------------------


def remittance_record(*, actor, org: Org, year: int, amount_fen: int, remitted_on: date,
                      reference: str = "") -> DuesRemittance:
    """党费上缴: ``org`` records what it passed to the level above (member.change on ``org``)."""
    _require(actor, org)
    parent = Org.objects.get_parent(org)
    if parent is None:
        raise ValidationError("最上级党组织没有上级，不能登记上缴")
    if amount_fen <= 0:
        raise ValidationError({"amount_fen": "上缴金额须大于0"})
    if remitted_on > timezone.localdate():
        raise ValidationError({"remitted_on": "上缴日期不能晚于今天"})
    if not 2000 <= year <= remitted_on.year:
        raise ValidationError({"year": "所属年度不能晚于上缴日期所在年度"})
    with transaction.atomic():
        remittance = DuesRemittance.objects.create(org=org, to_org=parent, year=year, amount_fen=amount_fen,
                                                   remitted_on=remitted_on, reference=(reference or "").strip(),
                                                   recorded_by=actor)
        audit.record("dues.remittance_record", obj=remittance, user=actor, changes={"after": remittance.audit_snapshot()})
    return remittance


# --- bank statements -------------------------------------------------------------------------------


@dataclass
class StatementLine:
    """One line of a bank statement (.csv/.xlsx: 户名, 金额, 交易日期, 流水号, 附言), as matched."""

    number: int
    name: str
    amount_fen: int | None
    paid_on: date | None
    reference: str
    note: str
    member: Member | None = None
    months: int = 0
    suggestions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _one_letter_apart(a: str, b: str) -> bool:
    """A typo: the same length with one character different, or one character more or less."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def statement_preview(*, actor, org: Org, cells: list[tuple[int, dict]],
                      chosen: dict[int, int] | None = None) -> list[StatementLine]:
    """Match a statement's lines to the branch's members by name (a name two members share: by the
    ID number's last four digits in the note); a name with a typo is not matched, its likely
    members are suggested. ``chosen`` (line number → member id) is the secretary's choice for a
    line. Duplicates (a reference twice in the file or already recorded) are errors. Nothing is
    written."""
    _require(actor, org)
    members = list(Member.objects.filter(org=org, status__in=ACTIVE_STATUSES))
    by_id = {m.pk: m for m in members}
    years = {(d.member_id, d.year): d.due_fen for d in DuesYear.objects.filter(member__org=org, confirmed_on__isnull=False)}
    seen: set[str] = set()
    recorded = set(DuesPayment.objects.filter(org=org, voided_on__isnull=True).exclude(reference="")
                   .values_list("reference", flat=True))
    lines = []
    for number, values in cells:
        line = StatementLine(number, str(values.get("name") or "").strip(), None, None,
                             str(values.get("reference") or "").strip(), str(values.get("note") or "").strip())
        try:
            line.amount_fen = parse_yuan(values.get("amount"))
            if line.amount_fen <= 0:
                line.errors.append("金额须大于0")
        except ValidationError:
            line.errors.append(f"金额“{values.get('amount')}”不是数字")
        try:
            line.paid_on = parse_date(values.get("date"))
        except (ValueError, ValidationError):
            line.errors.append(f"交易日期“{values.get('date')}”无法识别")
        if not line.reference:
            line.errors.append("缺少银行流水号")
        elif line.reference in seen:
            line.errors.append(f"流水号 {line.reference} 在文件中重复出现")
        elif line.reference in recorded:
            line.errors.append(f"流水号 {line.reference} 已导入过")
        seen.add(line.reference)
        named = [m for m in members if m.name == line.name]
        if len(named) > 1:
            named = [m for m in named if m.id_number_masked[-4:] and m.id_number_masked[-4:] in line.note]
        if (chosen or {}).get(number) in by_id:
            line.member = by_id[chosen[number]]  # type: ignore[index]
        elif len(named) == 1:
            line.member = named[0]
        else:
            line.suggestions = [m.name for m in members if _one_letter_apart(m.name, line.name)]
        if line.member is not None and line.amount_fen and line.paid_on:
            due = years.get((line.member.pk, line.paid_on.year))
            if not due:
                line.errors.append(f"{line.member.name}{line.paid_on.year}年度党费未核定或未确认")
            elif line.amount_fen % due or line.amount_fen // due not in rules.PAYMENT_SPANS:
                line.errors.append(f"金额 {rules.fen_to_yuan(line.amount_fen)} 元不是{line.member.name}"
                                   f"1个月或3个月的党费（每月 {rules.fen_to_yuan(due)} 元）")
            else:
                line.months = line.amount_fen // due
        lines.append(line)
    return lines


def statement_import(*, actor, org: Org, cells: list[tuple[int, dict]],
                     chosen: dict[int, int] | None = None) -> list[DuesPayment]:
    """Record a statement's payments, each from the member's next month owed: every line matched
    to a member and without error, or nothing is written."""
    lines = statement_preview(actor=actor, org=org, cells=cells, chosen=chosen)
    problems = [f"第{line.number}行：未匹配到党员（户名“{line.name}”），请选择党员" for line in lines if line.member is None]
    problems += [f"第{line.number}行：{'；'.join(line.errors)}" for line in lines if line.errors]
    if not lines:
        raise ValidationError("对账单中没有数据行")
    if problems:
        raise ValidationError([*problems[:20], "未导入任何数据"])
    today = timezone.localdate()
    payments = []
    with transaction.atomic():
        for line in lines:
            assert line.member is not None and line.paid_on is not None
            standing = DuesStanding.objects.filter(member=line.member).first()
            first = rules.next_unpaid(paid_up_to=standing.paid_up_to if standing else None,
                                      first_due=standing.first_due if standing else first_due(line.member), today=today)
            payments.append(payment_record(actor=actor, member=line.member, first_month=first, months=line.months,
                                           method=Method.STATEMENT, paid_on=line.paid_on, reference=line.reference))
    return payments


def _standing(member: Member) -> DuesStanding:
    """The member's standing, created at the first write; counted at the member's current org."""
    standing = DuesStanding.objects.select_for_update().filter(member=member).first()
    if standing is None:
        standing = DuesStanding.objects.create(member=member, org_id=member.org_id, first_due=first_due(member))
        summaries.add(DuesPaidCount, {"org_id": member.org_id, "paid_up_to": _count_key(standing)}, members=1)
    elif standing.org_id != member.org_id:  # transferred since: the new branch counts the member
        summaries.add(DuesPaidCount, {"org_id": standing.org_id, "paid_up_to": _count_key(standing)}, members=-1)
        standing.org_id = member.org_id
        standing.save(update_fields=["org", "updated"])
        summaries.add(DuesPaidCount, {"org_id": member.org_id, "paid_up_to": _count_key(standing)}, members=1)
    return standing


def follow_members(sender, *, moves, **kwargs) -> None:
    """``members.signals.member_moved``: a member who changed branch is counted at the new one; a
    member who left the active statuses (出党, 死亡, 已转出 …) stops counting in the arrears, and
    one who came back counts again. In the moving service's transaction."""
    active = set(ACTIVE_STATUSES)
    standings = {s.member_id: s for s in DuesStanding.objects.select_for_update()
                 .filter(member_id__in=[member_id for member_id, _before, _after in moves])}
    for member_id, (_org_before, status_before), (org_after, status_after) in moves:
        standing = standings.get(member_id)
        if standing is None:
            continue
        if status_before in active:
            summaries.add(DuesPaidCount, {"org_id": standing.org_id, "paid_up_to": _count_key(standing)}, members=-1)
        if status_after in active:
            summaries.add(DuesPaidCount, {"org_id": org_after, "paid_up_to": _count_key(standing)}, members=1)
        if standing.org_id != org_after:
            standing.org_id = org_after
            standing.save(update_fields=["org", "updated"])


def _count_key(standing: DuesStanding) -> int:
    """The month a member counts under in DuesPaidCount: paid up to, or the month before the first
    due (never paid), or a far past month for a member with no admission date."""
    if standing.paid_up_to is not None:
        return standing.paid_up_to
    return (standing.first_due - 1) if standing.first_due is not None else 0


def _move(standing: DuesStanding, paid_up_to: int | None) -> None:
    org_id = standing.org_id
    summaries.add(DuesPaidCount, {"org_id": org_id, "paid_up_to": _count_key(standing)}, members=-1)
    standing.paid_up_to = paid_up_to
    standing.save(update_fields=["paid_up_to", "updated"])
    summaries.add(DuesPaidCount, {"org_id": org_id, "paid_up_to": _count_key(standing)}, members=1)


def _receipt(org: Org, paid_on: date) -> str:
    """收据号: 党费 + year + the org's number + its serial in the year (DF2027-000123-00001)."""
    prefix = f"DF{paid_on.year}-{org.pk:06d}-"
    last = DuesPayment.objects.filter(receipt__startswith=prefix).aggregate(last=Max("receipt"))["last"]
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:05d}"


def paid_up_to_date(member: Member | int | str) -> date | None:
    """For the transfer letter (党费交至): the first day of the month paid up to (``member`` may be
    its id, as the letter form's initial value is)."""
    member_id = member.pk if isinstance(member, Member) else int(member)
    standing = DuesStanding.objects.filter(member_id=member_id).first()
    if standing is None or standing.paid_up_to is None:
        return None
    return rules.month_date(standing.paid_up_to)

