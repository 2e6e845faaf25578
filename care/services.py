"""Care workflows: recording, correcting and deleting a visit. One transaction each, an audit
entry, a line on the member's timeline (记实)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from care import summaries as visit_counts
from care.models import CareVisit, Occasion
from core import audit
from core.access import get_scope
from core.errors import NotFound
from members.models import ACTIVE_STATUSES, Member
from members.services import record_event


def visit_record(*, actor, member: Member, visited: date, visitors: str, occasion: str,
                 gifts: str = "", amount: Decimal | None = None, note: str = "") -> CareVisit:
    """走访慰问: record a visit paid to ``member`` (member.change on the member's org)."""
    _require_change(actor, member)
    visitors, amount = _check(visited=visited, visitors=visitors, occasion=occasion, amount=amount)
    with transaction.atomic():
        # The member may have been transferred or have left meanwhile: check again, under lock.
        member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
        _require_change(actor, member)
        if member.status not in ACTIVE_STATUSES:
            raise ValidationError({"member": f"{member.name}已不是在册党员（{member.get_status_display()}）"})
        visit = CareVisit.objects.create(
            member=member, visited=visited, visitors=visitors, occasion=occasion,
            gifts=(gifts or "").strip(), amount=amount, note=(note or "").strip(), recorded_by=actor,
        )
        visit_counts.moved(None, visit_counts.place(visit))
        record_event(member=member, kind="care_visit", actor=actor, occurred=visited,
                     summary=f"{visit.get_occasion_display()}走访慰问（{_described(visit)}）")
        audit.record("care.visit_record", obj=visit, user=actor, changes={"after": visit.audit_snapshot()})
    return visit


def visit_update(*, actor, visit: CareVisit, visited: date, visitors: str, occasion: str,
                 gifts: str = "", amount: Decimal | None = None, note: str = "") -> CareVisit:
    """Correct a recorded visit (member.change on the member's current org). Unchanged, nothing
    is written; changed, the timeline names the fields and the audit entry holds the diff."""
    visitors, amount = _check(visited=visited, visitors=visitors, occasion=occasion, amount=amount)
    with transaction.atomic():
        visit = _locked(actor, visit)
        before, label, counted = visit.audit_snapshot(), str(visit), visit_counts.place(visit)
        visit.visited, visit.visitors, visit.occasion = visited, visitors, occasion
        visit.gifts, visit.amount, visit.note = (gifts or "").strip(), amount, (note or "").strip()
        difference = audit.diff(before, visit.audit_snapshot())
        if not difference:
            return visit
        visit.save()
        visit_counts.moved(counted, visit_counts.place(visit))
        changed = "、".join(str(f.verbose_name) for f in CareVisit._meta.concrete_fields if f.name in difference)
        record_event(member=visit.member, kind="care_visit_update", actor=actor,
                     summary=f"修改{label}记录：{changed}（{_described(visit)}）")
        audit.record("care.visit_update", obj=visit, user=actor, changes=difference)
    return visit


def visit_delete(*, actor, visit: CareVisit) -> None:
    """Delete a visit recorded in error; the timeline and the audit trail keep what it was."""
    with transaction.atomic():
        visit = _locked(actor, visit)
        record_event(member=visit.member, kind="care_visit_delete", actor=actor,
                     summary=f"删除{visit}记录（{_described(visit)}）")
        audit.record("care.visit_delete", obj=visit, user=actor, changes={"before": visit.audit_snapshot()})
        visit_counts.moved(visit_counts.place(visit), None)
        visit.delete()


def follow_members(sender, *, moves, **kwargs) -> None:
    """``members.signals.member_moved``: a member who changed org takes their visits' monthly
    counts to the new org (the visits are the member's, scoped by the member's current org)."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    for member_id, (org_before, _status_before), (org_after, _status_after) in moves:
        if org_before == org_after:
            continue
        months = (CareVisit.objects.filter(member_id=member_id).order_by().annotate(month=TruncMonth("visited"))
                  .values("month").annotate(n=Count("id")).values_list("month", "n"))
        for month, n in sorted(months):
            visit_counts.moved((org_before, month), (org_after, month), n)


def _require_change(actor, member: Member) -> None:
    if not get_scope(actor).covers(member.org.path, "member.change"):
        raise NotFound


def _locked(actor, visit: CareVisit) -> CareVisit:
    """The visit under lock, re-checked against the member's current org (404 out of scope)."""
    visit = CareVisit.objects.select_for_update(of=("self",)).select_related("member__org").get(pk=visit.pk)
    _require_change(actor, visit.member)
    return visit


def _check(*, visited: date, visitors: str, occasion: str,
           amount: Decimal | None) -> tuple[str, Decimal | None]:
    """The rules of a visit's fields; returns the visitors and the amount as stored (2 places,
    so that 100 and 100.00 are the same amount to the audit diff)."""
    visitors = (visitors or "").strip()
    if not visitors:
        raise ValidationError({"visitors": "请填写走访人"})
    if visited > timezone.localdate():
        raise ValidationError({"visited": "走访日期不能晚于今天"})
    if occasion not in Occasion.values:
        raise ValidationError({"occasion": "走访类型不正确"})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": "慰问金不能为负数"})
    return visitors, (None if amount is None else Decimal(amount).quantize(Decimal("0.01")))


def _described(visit: CareVisit) -> str:
    given = f"，慰问：{visit.gifts}" if visit.gifts else ""
    money = f"，慰问金{visit.amount}元" if visit.amount else ""
    return f"走访人：{visit.visitors}{given}{money}"
