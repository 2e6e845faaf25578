"""Care workflows: recording a visit. One transaction, an audit entry, a line on the member's
timeline (记实)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.scope import get_scope
from care.models import CareVisit, Occasion
from core import audit
from members.models import ACTIVE_STATUSES, Member
from members.services import record_event


def visit_record(*, actor, member: Member, visited: date, visitors: str, occasion: str,
                 gifts: str = "", amount: Decimal | None = None, note: str = "") -> CareVisit:
    """走访慰问: record a visit paid to ``member`` (member.change on the member's org)."""
    if not get_scope(actor).covers(member.org.path, "member.change"):
        raise Http404
    visitors = (visitors or "").strip()
    if not visitors:
        raise ValidationError({"visitors": "请填写走访人"})
    if visited > timezone.localdate():
        raise ValidationError({"visited": "走访日期不能晚于今天"})
    if occasion not in Occasion.values:
        raise ValidationError({"occasion": "走访类型不正确"})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": "慰问金不能为负数"})
    with transaction.atomic():
        # The member may have been transferred or have left meanwhile: check again, under lock.
        member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
        if not get_scope(actor).covers(member.org.path, "member.change"):
            raise Http404
        if member.status not in ACTIVE_STATUSES:
            raise ValidationError({"member": f"{member.name}已不是在册党员（{member.get_status_display()}）"})
        visit = CareVisit.objects.create(
            member=member, visited=visited, visitors=visitors, occasion=occasion,
            gifts=(gifts or "").strip(), amount=amount, note=(note or "").strip(), recorded_by=actor,
        )
        given = f"，慰问：{visit.gifts}" if visit.gifts else ""
        money = f"，慰问金{visit.amount}元" if visit.amount else ""
        record_event(member=member, kind="care_visit", actor=actor, occurred=visited,
                     summary=f"{visit.get_occasion_display()}走访慰问（走访人：{visitors}{given}{money}）")
        audit.record("care.visit_record", obj=visit, changes={"after": visit.audit_snapshot()})
    return visit
