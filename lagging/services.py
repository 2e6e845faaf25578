"""Lagging workflows, one transaction and one audit entry each, the summary rows
(``lagging.org_year``) kept in the same transaction.

- ``case_open``: the level above lists an org as lagging, with the reasons the records give for it
  (computed here again, never taken from the form) and its own finding; the org's grade becomes 后进.
- ``plan_save``: 一支一策, the plan approved by the level above (open → rectifying).
- ``task_add``: a task of the plan; ``task_done``: the org marks it done (on a phone).
- ``case_close``: every task done and the acceptance material given, the grade moves up.

Who acts: the level above the org (``oversight.inspect`` strictly above it) opens, plans and
closes; the org's own managers (``oversight.change`` on it) mark tasks done."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit, files, summaries
from core.access import get_scope
from core.errors import NotFound
from core.text import clean_text
from lagging import rules, selectors
from lagging.models import (
    CaseState,
    Grade,
    GradeChange,
    LaggingCase,
    LaggingPlan,
    LaggingReason,
    LaggingTask,
    LaggingYear,
    ReasonCode,
    Source,
)
from orgs.models import Org

CHANGE = "oversight.change"
INSPECT = "oversight.inspect"


def _require_above(actor, org: Org) -> None:
    """The level above ``org``: a grant of oversight.inspect strictly above it (a branch does not
    list, plan or close its own case)."""
    if not get_scope(actor).covers_above(org.path, INSPECT):
        raise NotFound


def _require_own(actor, org: Org) -> None:
    if not get_scope(actor).covers(org.path, CHANGE):
        raise NotFound


def _count(org_id: int, year: int, **deltas: int) -> None:
    summaries.add(LaggingYear, {"org_id": org_id, "year": year}, **deltas)


def _store(upload):
    return files.store_optional(upload, allowed=rules.EVIDENCE_KINDS, max_bytes=rules.EVIDENCE_MAX_BYTES)


def _locked(case: LaggingCase) -> LaggingCase:
    return LaggingCase.objects.select_for_update().select_related("org").get(pk=case.pk)


def _open(case: LaggingCase) -> None:
    if case.state == CaseState.CLOSED:
        raise ValidationError(rules.CLOSED)


def case_open(*, actor, org: Org, note: str = "", found_on: date | None = None) -> LaggingCase:
    """List ``org`` as lagging: the reasons the records give for it today (``selectors``) and the
    level above's own finding (``note``), at least one of them. Refused while it has an open case."""
    _require_above(actor, org)
    if org.kind not in selectors.CASE_KINDS:
        raise ValidationError({"org": "只有党支部、党总支可以列为后进党组织"})
    today = timezone.localdate()
    found_on = found_on or today
    if found_on > today:
        raise ValidationError({"found_on": "认定日期不能晚于今天"})
    note = clean_text(note, max_length=200)
    reasons = selectors.reasons_of(org, today, actor)
    if note:
        reasons.append((ReasonCode.OTHER, note))
    if not reasons:
        raise ValidationError({"note": "系统记录没有提示该党组织后进，请写明列为后进党组织的原因"})
    with transaction.atomic():
        if LaggingCase.objects.filter(org=org, state__in=(CaseState.OPEN, CaseState.RECTIFYING)).exists():
            raise ValidationError(rules.ALREADY_OPEN)
        grade_before = selectors.current_grade(org)
        try:
            with transaction.atomic():
                case = LaggingCase.objects.create(
                    org=org, year=found_on.year, found_on=found_on, grade_before=grade_before, found_by=actor,
                    source=Source.SUGGESTED if any(code != ReasonCode.OTHER for code, _ in reasons) else Source.ADMIN)
        except IntegrityError:  # another admin listed it at the same moment
            raise ValidationError(rules.ALREADY_OPEN) from None
        LaggingReason.objects.bulk_create([LaggingReason(case=case, code=code, text=text[:200])
                                           for code, text in reasons])
        GradeChange.objects.create(org=org, year=found_on.year, grade_from=grade_before, grade_to=Grade.LAGGING,
                                   case=case, by=actor, on=found_on)
        _count(org.pk, found_on.year, found=1)
        audit.record("lagging.case_open", obj=case, user=actor,
                     changes={"org": org.code, "reasons": [code for code, _ in reasons], "source": case.source})
    return case


def plan_save(*, actor, case: LaggingCase, responsible: str, contact: str, measures: str, deadline: date,
              responsible_user=None) -> LaggingPlan:
    """一支一策: the case's plan, written and approved by the level above; the case is then being
    rectified. Saved again, the plan changes (its tasks stay)."""
    _require_above(actor, case.org)
    responsible, contact = clean_text(responsible, max_length=20), clean_text(contact, max_length=20)
    measures = clean_text(measures, max_length=4000, multiline=True)
    today = timezone.localdate()
    errors = {}
    if not responsible:
        errors["responsible"] = "请填写整顿责任人"
    if not contact:
        errors["contact"] = "请填写上级联系领导"
    if not measures:
        errors["measures"] = "请写明整顿措施"
    if deadline <= today or (deadline - today).days > rules.MAX_PLAN_DAYS:
        errors["deadline"] = f"整顿时限须晚于今天，且在{rules.MAX_PLAN_DAYS}天以内"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = _locked(case)
        _open(case)
        plan = LaggingPlan.objects.filter(case=case).first()
        later = plan.tasks.filter(due__gt=deadline).exists() if plan else False
        if later:
            raise ValidationError({"deadline": "有任务的完成时限晚于整顿时限，请先调整"})
        before = plan.audit_snapshot() if plan else None
        plan = plan or LaggingPlan(case=case, approved_on=today, approved_by=actor)
        plan.responsible, plan.contact, plan.measures, plan.deadline = responsible, contact, measures, deadline
        plan.responsible_user = responsible_user
        plan.save()
        state = case.state
        if case.state == CaseState.OPEN:
            case.state = CaseState.RECTIFYING
            case.save(update_fields=["state", "updated"])
        audit.record("lagging.plan_save", obj=case, user=actor,
                     changes={"plan": audit.diff(before, plan.audit_snapshot()) if before else plan.audit_snapshot(),
                              "state": [state, case.state]})
    return plan


def task_add(*, actor, case: LaggingCase, text: str, responsible: str, due: date) -> LaggingTask:
    """A task of the case's plan, due by the plan's deadline."""
    _require_above(actor, case.org)
    text, responsible = clean_text(text, max_length=200), clean_text(responsible, max_length=20)
    errors = {}
    if not text:
        errors["text"] = "请写明任务内容"
    if not responsible:
        errors["responsible"] = "请填写任务责任人"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = _locked(case)
        _open(case)
        plan = LaggingPlan.objects.filter(case=case).first()
        if plan is None:
            raise ValidationError(rules.NO_PLAN)
        if due < case.found_on or due > plan.deadline:
            raise ValidationError({"due": f"完成时限须在认定日期之后、整顿时限（{plan.deadline:%Y-%m-%d}）之前"})
        count = plan.tasks.count()
        if count >= rules.MAX_TASKS:
            raise ValidationError(f"一个整顿方案最多{rules.MAX_TASKS}项任务")
        task = LaggingTask.objects.create(plan=plan, number=count + 1, text=text, responsible=responsible, due=due)
        audit.record("lagging.task_add", obj=case, user=actor,
                     changes={"task": task.number, "text": text, "due": due.isoformat()})
    return task


def task_done(*, actor, task: LaggingTask, note: str, done_on: date | None = None, upload=None) -> LaggingTask:
    """The org marks a task done (on a phone): the day, what was done, an optional photo."""
    case = task.plan.case
    _require_own(actor, case.org)
    note = clean_text(note, max_length=500, multiline=True)
    today = timezone.localdate()
    done_on = done_on or today
    if not note:
        raise ValidationError({"note": "请写明完成情况"})
    if done_on > today or done_on < case.found_on:
        raise ValidationError({"done_on": "完成日期须在认定日期之后、不晚于今天"})
    stored = _store(upload)
    with files.DeletedOnFailure(stored), transaction.atomic():
        case = _locked(case)
        _open(case)
        task = LaggingTask.objects.select_for_update().get(pk=task.pk)
        if task.done_on is not None:
            raise ValidationError("该任务已标记完成")
        task.done_on, task.note, task.done_by = done_on, note, actor
        for name, value in files.attachment_fields(upload, stored).items():
            setattr(task, name, value)
        task.save()
        audit.record("lagging.task_done", obj=case, user=actor,
                     changes={"task": task.number, "done_on": done_on.isoformat()})
    return task


def case_close(*, actor, case: LaggingCase, grade_after: str, text: str, upload=None,
               closed_on: date | None = None) -> LaggingCase:
    """验收销号: every task done and the acceptance material given; the org's grade after the
    rectification, better than before (晋位升级), becomes a row of its grade history."""
    _require_above(actor, case.org)
    text = clean_text(text, max_length=4000, multiline=True)
    today = timezone.localdate()
    closed_on = closed_on or today
    if grade_after not in Grade.values:
        raise ValidationError({"grade_after": "请选择整顿后等次"})
    if not rules.moves_up(Grade.LAGGING, grade_after):
        raise ValidationError({"grade_after": "整顿后等次须高于后进（转化提升、晋位升级）"})
    if closed_on > today or closed_on < case.found_on:
        raise ValidationError({"closed_on": "销号日期须在认定日期之后、不晚于今天"})
    with transaction.atomic():
        case = _locked(case)
        _open(case)
        plan = LaggingPlan.objects.filter(case=case).first()
        if plan is None:
            raise ValidationError(rules.NO_PLAN)
        tasks = list(plan.tasks.values_list("done_on", flat=True))
        if not tasks or any(done is None for done in tasks):
            raise ValidationError(rules.NOT_ALL_DONE)
        if not text:
            raise ValidationError({"text": rules.NO_EVIDENCE})
    stored = _store(upload)
    with files.DeletedOnFailure(stored), transaction.atomic():
        case = _locked(case)
        _open(case)
        if LaggingTask.objects.filter(plan__case=case, done_on__isnull=True).exists():
            raise ValidationError(rules.NOT_ALL_DONE)
        case.state, case.closed_on, case.grade_after, case.closing_text = (
            CaseState.CLOSED, closed_on, grade_after, text)
        for name, value in files.attachment_fields(upload, stored).items():
            setattr(case, name, value)
        case.save()
        GradeChange.objects.create(org=case.org, year=closed_on.year, grade_from=Grade.LAGGING,
                                   grade_to=grade_after, case=case, by=actor, on=closed_on)
        _count(case.org_id, closed_on.year, closed=1,
               upgraded=1 if grade_after in (Grade.GOOD, Grade.ADVANCED) else 0)
        audit.record("lagging.case_close", obj=case, user=actor,
                     changes={"state": [CaseState.RECTIFYING, CaseState.CLOSED], "grade": [Grade.LAGGING, grade_after]})
    return case
