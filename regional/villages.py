"""Difficult-village pairing (困难村结对帮扶, 一村一策): every write, one transaction per user
action, audited; the village summary rows (VillageYear) changed in the same transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from core import audit, files, summaries
from core.access import get_scope, subtree_q
from core.errors import NotFound
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org, Sector
from orgs.rules import local_setting
from regional.models import (
    Pairing,
    PlanTask,
    ProgressReport,
    Village,
    VillageAssessment,
    VillageYear,
)
from regional.rules import LOCAL_DEFAULTS

PERM = "regional.change"
EVIDENCE_KINDS = {"pdf", "png", "jpeg"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def _require(actor, org: Org, perm: str = PERM) -> None:
    if not get_scope(actor).covers(org.path, perm):
        raise NotFound


def grades(org: Org) -> list[str]:
    return list(local_setting(org, "regional_village_grades", LOCAL_DEFAULTS))


def village_mark(*, actor, org: Org, difficulty: str, goals: str = "", marked_on=None) -> Village:
    """Mark a village (an org of sector 农村) difficult."""
    _require(actor, org)
    if org.sector != Sector.RURAL:
        raise ValidationError({"org": f"{org.name}不是农村党组织，不能确定为困难村"})
    if Village.objects.filter(org=org).exists():
        raise ValidationError({"org": f"{org.name}已确定为困难村"})
    with transaction.atomic():
        village = Village.objects.create(org=org, difficulty=difficulty, goals=goals.strip(),
                                         marked_on=marked_on or timezone.localdate())
        summaries.add(VillageYear, {"org_id": org.pk, "year": 0, "grade": ""}, villages=1)
        audit.record("regional.village_mark", obj=village, user=actor, changes={"after": village.audit_snapshot()})
    return village


def first_secretary_assign(*, actor, village: Village, member: Member) -> Village:
    _require(actor, village.org)
    if member.status not in ACTIVE_STATUSES:
        raise ValidationError({"member": f"{member.name}已不是在册党员"})
    with transaction.atomic():
        before = village.audit_snapshot()
        village.first_secretary = member
        village.save(update_fields=["first_secretary", "updated"])
        audit.record("regional.first_secretary", obj=village, user=actor,
                     changes={"before": before, "after": village.audit_snapshot()})
    return village


def pairing_add(*, actor, village: Village, unit_org: Org, since=None) -> Pairing:
    """A unit paired with the village; the first pairing counts the village as paired."""
    _require(actor, village.org)
    _require(actor, unit_org, "regional.view")
    if unit_org.path.startswith(village.org.path):
        raise ValidationError({"unit_org": "帮扶单位不能是困难村自己的党组织"})
    if Pairing.objects.filter(village=village, unit_org=unit_org).exists():
        raise ValidationError({"unit_org": f"{unit_org.name}已与{village.org.name}结对"})
    with transaction.atomic():
        first = not Pairing.objects.select_for_update().filter(village=village).exists()
        pairing = Pairing.objects.create(village=village, unit_org=unit_org, since=since or timezone.localdate())
        if first:
            summaries.add(VillageYear, {"org_id": village.org_id, "year": 0, "grade": ""}, paired=1)
        audit.record("regional.pairing_add", obj=pairing, user=actor, changes={"after": pairing.audit_snapshot()})
    return pairing


def task_add(*, actor, village: Village, title: str, owner: str, deadline) -> PlanTask:
    _require(actor, village.org)
    if not title.strip() or not owner.strip():
        raise ValidationError("请填写任务和责任人")
    if deadline < village.marked_on:
        raise ValidationError({"deadline": "完成时限不能早于确定为困难村的日期"})
    with transaction.atomic():
        task = PlanTask.objects.create(village=village, title=title.strip(), owner=owner.strip(), deadline=deadline)
        audit.record("regional.task_add", obj=task, user=actor, changes={"after": task.audit_snapshot()})
    return task


def report_add(*, actor, village: Village, text: str, task: PlanTask | None = None, upload=None,
               done: bool = False) -> ProgressReport:
    """A progress report with evidence (a photo or PDF, checked by content); ``done`` closes the task."""
    _require(actor, village.org)
    if not text.strip():
        raise ValidationError({"text": "请填写进展情况"})
    if task is not None and task.village_id != village.pk:
        raise ValidationError({"task": "这项任务不属于本村"})
    if done and task is None:
        raise ValidationError({"task": "请选择完成的任务"})
    stored = files.store_document(upload, allowed=EVIDENCE_KINDS, max_bytes=EVIDENCE_MAX_BYTES) if upload else None
    today = timezone.localdate()
    with transaction.atomic():
        report = ProgressReport.objects.create(
            village=village, task=task, reported_on=today, text=text.strip(), reported_by=actor,
            evidence=stored.stored_name if stored else "", evidence_type=stored.content_type if stored else "")
        if done and task is not None and task.done_on is None:
            task.done_on = today
            task.save(update_fields=["done_on", "updated"])
        audit.record("regional.report_add", obj=report, user=actor, changes={"after": report.audit_snapshot()})
    return report


def assess(*, actor, village: Village, year: int, grade: str) -> VillageAssessment:
    """The yearly grade, given by the level above the village; a year graded again is corrected
    (the history keeps one grade per year)."""
    if not get_scope(actor).covers_above(village.org.path, PERM):
        raise NotFound
    allowed = grades(village.org)
    if grade not in allowed:
        raise ValidationError({"grade": f"等次须为{'、'.join(allowed)}之一"})
    today = timezone.localdate()
    if not village.marked_on.year <= year <= today.year:
        raise ValidationError({"year": f"考核年度须在{village.marked_on.year}—{today.year}年之间"})
    with transaction.atomic():
        current = VillageAssessment.objects.select_for_update().filter(village=village, year=year).first()
        if current is not None:
            if current.grade == grade:
                return current
            summaries.add(VillageYear, {"org_id": village.org_id, "year": year, "grade": current.grade}, villages=-1)
            current.grade, current.assessed_by = grade, actor
            current.save(update_fields=["grade", "assessed_by", "updated"])
        else:
            current = VillageAssessment.objects.create(village=village, year=year, grade=grade, assessed_by=actor)
        summaries.add(VillageYear, {"org_id": village.org_id, "year": year, "grade": grade}, villages=1)
        audit.record("regional.assess", obj=current, user=actor, changes={"after": current.audit_snapshot()})
    return current


def counts(org: Org, year: int) -> dict:
    """The subtree's difficult villages, paired villages and the year's grades (summary rows)."""
    rows = VillageYear.objects.filter(subtree_q("org__path", org.path))
    base = rows.filter(year=0).aggregate(villages=Sum("villages"), paired=Sum("paired"))
    graded = dict(rows.filter(year=year).values_list("grade").annotate(n=Sum("villages")).values_list("grade", "n"))
    return {"villages": base["villages"] or 0, "paired": base["paired"] or 0,
            "grades": {grade: graded.get(grade, 0) for grade in grades(org)}}
