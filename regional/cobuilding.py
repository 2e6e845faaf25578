"""Expanded committees and co-building (街道大工委、社区大党委, 共驻共建): every write, one
transaction per user action, audited; the org's CoBuildingCount row changed in the same
transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from core import audit, summaries
from core.access import get_scope, subtree_q
from core.errors import NotFound
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org, OrgLevel
from regional.models import CoBuildingCount, CoBuildItem, CommitteeSeat, JointMeeting, ListKind

PERM = "regional.change"
LEVELS = {OrgLevel.STREET, OrgLevel.COMMUNITY}
FIGURES = ("seats", "meetings", "needs", "resources", "projects", "projects_done")
KIND_FIGURE = {ListKind.NEED: "needs", ListKind.RESOURCE: "resources", ListKind.PROJECT: "projects"}


def _require(actor, org: Org) -> None:
    if not get_scope(actor).covers(org.path, PERM):
        raise NotFound
    if org.level not in LEVELS:
        raise ValidationError({"org": f"{org.name}不是街道或社区党组织（大工委、大党委设在街道和社区）"})


def seat_add(*, actor, org: Org, partner_unit: str, member: Member, post: str = "兼职委员") -> CommitteeSeat:
    _require(actor, org)
    if not partner_unit.strip():
        raise ValidationError({"partner_unit": "请填写共建单位"})
    if member.status not in ACTIVE_STATUSES:
        raise ValidationError({"member": f"{member.name}已不是在册党员"})
    if CommitteeSeat.objects.filter(org=org, member=member).exists():
        raise ValidationError({"member": f"{member.name}已是{org.name}的兼职委员"})
    with transaction.atomic():
        seat = CommitteeSeat.objects.create(org=org, partner_unit=partner_unit.strip(), member=member,
                                            post=post.strip() or "兼职委员")
        summaries.add(CoBuildingCount, {"org_id": org.pk}, seats=1)
        audit.record("regional.seat_add", obj=seat, user=actor, changes={"after": seat.audit_snapshot()})
    return seat


def meeting_record(*, actor, org: Org, held_on, topic: str, units: int) -> JointMeeting:
    _require(actor, org)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "召开日期不能晚于今天"})
    if not topic.strip():
        raise ValidationError({"topic": "请填写议题"})
    if units < 1:
        raise ValidationError({"units": "联席会议至少有 1 个共建单位参加"})
    with transaction.atomic():
        meeting = JointMeeting.objects.create(org=org, held_on=held_on, topic=topic.strip(), units=units)
        summaries.add(CoBuildingCount, {"org_id": org.pk}, meetings=1)
        audit.record("regional.meeting_record", obj=meeting, user=actor, changes={"after": meeting.audit_snapshot()})
    return meeting


def item_add(*, actor, org: Org, kind: str, title: str, partner_unit: str = "") -> CoBuildItem:
    _require(actor, org)
    if kind not in KIND_FIGURE:
        raise ValidationError({"kind": "清单须为需求、资源或项目"})
    if not title.strip():
        raise ValidationError({"title": "请填写内容"})
    with transaction.atomic():
        item = CoBuildItem.objects.create(org=org, kind=kind, title=title.strip(), partner_unit=partner_unit.strip())
        summaries.add(CoBuildingCount, {"org_id": org.pk}, **{KIND_FIGURE[ListKind(kind)]: 1})
        audit.record("regional.item_add", obj=item, user=actor, changes={"after": item.audit_snapshot()})
    return item


def project_complete(*, actor, item: CoBuildItem) -> CoBuildItem:
    _require(actor, item.org)
    if item.kind != ListKind.PROJECT:
        raise ValidationError("只有项目清单中的项目需要办结")
    with transaction.atomic():
        item = CoBuildItem.objects.select_for_update().get(pk=item.pk)
        if item.done_on is not None:
            raise ValidationError(f"项目已于{item.done_on:%Y-%m-%d}办结")
        item.done_on = timezone.localdate()
        item.save(update_fields=["done_on", "updated"])
        summaries.add(CoBuildingCount, {"org_id": item.org_id}, projects_done=1)
        audit.record("regional.project_complete", obj=item, user=actor, changes={"after": item.audit_snapshot()})
    return item


def counts(org: Org) -> dict:
    """The subtree's figures, from the summary rows."""
    totals = CoBuildingCount.objects.filter(subtree_q("org__path", org.path)).aggregate(
        **{name: Sum(name) for name in FIGURES})
    return {name: totals[name] or 0 for name in FIGURES}
