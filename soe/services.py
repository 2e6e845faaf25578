"""SOE ledger workflows, one transaction and one audit entry each.

- ``task_save``: an org's task of the year divided among SOE party committees of its subtree (new,
  or its words, due day and committees changed; a committee that has reported stays).
- ``report_save``: a committee's progress on its share for a quarter (new, or that quarter's
  report corrected while no later one is in); reporting done sets the share's done day."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from core import audit
from core.access import get_scope
from core.errors import NotFound
from core.text import clean_text
from orgs.models import Org, OrgKind, Sector
from oversight.bulletins import quarter_bounds
from soe import rules
from soe.models import Progress, SoeReport, SoeShare, SoeTask

CHANGE = "oversight.change"


def _require(actor, org: Org) -> None:
    if not get_scope(actor).covers(org.path, CHANGE):
        raise NotFound


def _committees(org: Org, orgs: list[Org]) -> list[Org]:
    """The listed orgs, each an SOE party org strictly below ``org``; refused by name otherwise."""
    orgs = list({o.pk: o for o in orgs}.values())
    if not orgs:
        raise ValidationError({"shares": "请填写承担任务的国有企业党组织"})
    if len(orgs) > rules.MAX_SHARES:
        raise ValidationError({"shares": f"每项任务至多分到{rules.MAX_SHARES}个党组织"})
    outside = [o.name for o in orgs if o.path == org.path or not o.path.startswith(org.path)]
    if outside:
        raise ValidationError({"shares": f"须是{org.name}的下级党组织：{'、'.join(outside[:5])}"})
    wrong = [o.name for o in orgs if o.sector != Sector.SOE or o.kind == OrgKind.GROUP]
    if wrong:
        raise ValidationError({"shares": f"不是国有企业党组织（领域须为“国有企业”，党小组除外）：{'、'.join(wrong[:5])}"})
    return orgs


def task_save(*, actor, org: Org, year: int, title: str, due_on: date, shares: list[Org], detail: str = "",
              task: SoeTask | None = None) -> SoeTask:
    """An org's SOE party-building task of ``year`` and the committees it is divided among."""
    _require(actor, org)
    title, detail = clean_text(title, max_length=100), clean_text(detail, max_length=2000, multiline=True)
    errors = {}
    if not title:
        errors["title"] = "请填写任务"
    if not 2000 <= year <= 2100:
        errors["year"] = "年度不正确"
    elif due_on < date(year, 1, 1):
        errors["due_on"] = f"完成时限不能早于{year}年"
    if errors:
        raise ValidationError(errors)
    committees = _committees(org, shares)
    with transaction.atomic():
        before = None
        if task is None:
            numbers = SoeTask.objects.select_for_update().filter(org=org, year=year)
            number = (numbers.aggregate(n=Max("number"))["n"] or 0) + 1
            if number > rules.MAX_TASKS_A_YEAR:
                raise ValidationError({"title": f"{org.name}{year}年的任务已有{rules.MAX_TASKS_A_YEAR}项"})
            task = SoeTask(org=org, year=year, number=number)
        else:
            task = SoeTask.objects.select_for_update().get(pk=task.pk)
            before = {**task.audit_snapshot(), "shares": sorted(task.shares.values_list("org__code", flat=True))}
            if year != task.year:
                raise ValidationError({"year": "任务的年度不能修改"})
        task.title, task.detail, task.due_on = title, detail, due_on
        task.save()
        wanted = {o.pk for o in committees}
        dropped = task.shares.exclude(org_id__in=wanted)
        reported = sorted({s.org.name for s in dropped.filter(reports__isnull=False).select_related("org")})
        if reported:
            raise ValidationError({"shares": f"已报送进展的分工不能取消：{'、'.join(reported[:5])}"})
        dropped.delete()
        have = set(task.shares.values_list("org_id", flat=True))
        SoeShare.objects.bulk_create([SoeShare(task=task, org=o, due_on=due_on) for o in committees
                                      if o.pk not in have])
        task.shares.update(due_on=due_on)
        after = {**task.audit_snapshot(), "shares": sorted(o.code for o in committees)}
        audit.record("soe.task_save", obj=task, user=actor, changes={"before": before, "after": after})
    return task


def report_save(*, actor, share: SoeShare, year: int, quarter: int, progress: str, text: str,
                problems: str = "", lead: str | None = None) -> SoeReport:
    """The committee's progress on its share for a quarter (that quarter's report corrected if it
    is in and no later one is)."""
    _require(actor, share.org)
    text = clean_text(text, max_length=2000, multiline=True)
    problems = clean_text(problems, max_length=2000, multiline=True)
    today = timezone.localdate()
    errors = {}
    if progress not in Progress.values:
        errors["progress"] = "请选择进展"
    if not text:
        errors["text"] = "请填写工作进展"
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = "季度不正确"
    elif year < share.task.year:
        errors["quarter"] = f"任务是{share.task.year}年的，不能报送更早的季度"
    elif quarter_bounds(year, quarter)[0] > today:
        errors["quarter"] = f"{year}年第{quarter}季度还没有开始"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        share = SoeShare.objects.select_for_update().select_related("task", "org").get(pk=share.pk)
        reports = share.reports.all()
        if reports.filter(Q(year__gt=year) | Q(year=year, quarter__gt=quarter)).exists():
            raise ValidationError({"quarter": "已报送以后季度的进展，这一季度的不能再更正"})
        report = reports.filter(year=year, quarter=quarter).first()
        if share.progress == Progress.DONE and (report is None or report.progress != Progress.DONE):
            raise ValidationError({"progress": f"该项任务已于{share.done_on:%Y-%m-%d}报告完成，不再报送"})
        before = report.audit_snapshot() if report else None
        if report is None:
            report = SoeReport(share=share, year=year, quarter=quarter)
        report.progress, report.text, report.problems = progress, text, problems
        report.reported_on, report.reported_by = today, actor
        report.save()
        share.progress = progress
        share.done_on = (share.done_on or today) if progress == Progress.DONE else None
        if lead is not None:
            share.lead = clean_text(lead, max_length=20)
        share.save()
        audit.record("soe.report_save", obj=report, user=actor,
                     changes={"before": before, "after": report.audit_snapshot()})
    return report
