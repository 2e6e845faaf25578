"""/api/v1/lagging: the counts of a subtree and its children, the orgs the records flag
(suggestions), the cases (list, one with its reasons, plan and tasks; list an org as lagging), the
plan (一支一策), its tasks (add; mark done), closing with the grade, an org's grade history. Scoped
as the pages: out of scope is 404; refusals answer 422 in Chinese. Files are uploaded on the
pages; the API carries text."""

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.access import get_scope, require_perm
from core.api import REFUSED, Id, Message, Pagination, PathId, filtered, filters_in, model_out
from core.errors import NotFound
from lagging import selectors, services
from lagging.filters import CaseFilterSet
from lagging.models import GradeChange, LaggingCase, LaggingReason, LaggingTask
from orgs.models import Org
from orgs.selectors import children, org_or_first_root

router = Router(tags=["后进党组织整顿"])
VIEW, CHANGE, INSPECT = "oversight.view", "oversight.change", "oversight.inspect"

LaggingCaseOut = model_out("LaggingCaseOut", LaggingCase, [
    "id", "org_id", "year", "found_on", "source", "state", "grade_before", "grade_after", "closed_on"])
LaggingReasonOut = model_out("LaggingReasonOut", LaggingReason, ["code", "text"])
LaggingTaskOut = model_out("LaggingTaskOut", LaggingTask, ["id", "number", "text", "responsible", "due", "done_on",
                                                          "note"])
LaggingGradeChangeOut = model_out("LaggingGradeChangeOut", GradeChange, [
    "org_id", "year", "grade_from", "grade_to", "case_id", "on"])
LaggingCaseFilters = filters_in("LaggingCaseFilters", CaseFilterSet)

ORG_QUERY = Query(None, max_length=40, description="组织编号或代码（默认本人管理的第一个组织）")


class LaggingPlanOut(Schema):
    responsible: str
    contact: str
    measures: str
    deadline: date
    approved_on: date


class LaggingCaseDetailOut(LaggingCaseOut):  # type: ignore[misc, valid-type]
    reasons: list[LaggingReasonOut]  # type: ignore[valid-type]
    plan: LaggingPlanOut | None
    tasks: list[LaggingTaskOut]  # type: ignore[valid-type]
    closing_text: str
    overdue: bool


class LaggingCaseIn(Schema):
    org_id: Id
    note: str = Field("", max_length=200, description="排查发现的其他原因（系统记录没有提示时必填）")
    found_on: date | None = None


class LaggingPlanIn(Schema):
    responsible: str = Field(..., min_length=1, max_length=20)
    contact: str = Field(..., min_length=1, max_length=20)
    measures: str = Field(..., min_length=1, max_length=4000)
    deadline: date


class LaggingTaskIn(Schema):
    text: str = Field(..., min_length=1, max_length=200)
    responsible: str = Field(..., min_length=1, max_length=20)
    due: date


class LaggingTaskDoneIn(Schema):
    note: str = Field(..., min_length=1, max_length=500)
    done_on: date | None = None


class LaggingCloseIn(Schema):
    grade_after: str = Field(..., max_length=10, description="整顿后等次：fair 一般、good 较好、advanced 先进")
    text: str = Field(..., max_length=4000, description="整顿验收材料")
    closed_on: date | None = None


class LaggingReasonsOut(Schema):
    org_id: int
    org_name: str
    reasons: list[LaggingReasonOut]  # type: ignore[valid-type]
    case_id: int | None = Field(None, description="已在整顿的，整顿编号")


class LaggingSuggestionsOut(Schema):
    org_id: int
    as_of: date
    rows: list[LaggingReasonsOut]


class LaggingFiguresOut(Schema):
    org_id: int
    org_name: str
    found: int
    closed: int
    upgraded: int
    open: int
    overdue: int
    no_plan: int


class LaggingCountsOut(Schema):
    year: int
    rows: list[LaggingFiguresOut]


def _root(request, org: str | None, perm: str = VIEW) -> Org:
    return org_or_first_root(request.user, org, perm)


def _case(request, case_id: int) -> LaggingCase:
    return get_object_or_404(LaggingCase.objects.visible_to(request.user, "view").select_related("org"), pk=case_id)


def _upper(request, case_id: int) -> LaggingCase:
    case = _case(request, case_id)
    if not get_scope(request.user).covers_above(case.org.path, INSPECT):
        raise NotFound
    return case


def _detail(case: LaggingCase) -> dict:
    case = LaggingCase.objects.select_related("plan").get(pk=case.pk)
    plan = getattr(case, "plan", None)
    fields = ("id", "org_id", "year", "found_on", "source", "state", "grade_before", "grade_after", "closed_on",
              "closing_text", "overdue")
    return {**{f: getattr(case, f) for f in fields}, "reasons": list(case.reasons.all()),
            "plan": plan, "tasks": list(plan.tasks.all()) if plan else []}


@router.get("/counts", response={200: LaggingCountsOut, 404: Message})
def lagging_counts(request, org: str | None = ORG_QUERY):
    """本年度某组织及其下级组织列为后进、整顿销号、晋位的党组织数，和正在整顿、超期、待制定方案的数。"""
    found = _root(request, org)
    year = timezone.localdate().year
    orgs = [found, *children(found, request.user)]
    figures = selectors.children_counts(orgs, year)
    live = selectors.open_counts(request.user, orgs)
    return {"year": year, "rows": [{"org_id": o.pk, "org_name": o.name, **figures[o.pk], **live[o.pk]} for o in orgs]}


@router.get("/suggestions", response={200: LaggingSuggestionsOut, 404: Message})
def lagging_suggestions(request, org: str | None = ORG_QUERY):
    """系统按记录提示的相对后进党组织（下级党支部、党总支）和各自的原因；已在整顿的带整顿编号。"""
    found = _root(request, org, INSPECT)
    today = timezone.localdate()
    rows = [{"org_id": s.org.pk, "org_name": s.org.name, "case_id": s.case.pk if s.case else None,
             "reasons": [{"code": code, "text": text} for code, text in s.reasons]}
            for s in selectors.suggestions(found, today, request.user)]
    return {"org_id": found.pk, "as_of": today, "rows": rows}


@router.get("/cases", response=list[LaggingCaseOut])
@paginate(Pagination)
def lagging_cases(request, filters: Query[LaggingCaseFilters]):  # type: ignore[valid-type]
    """后进党组织整顿台账。"""
    require_perm(request.user, VIEW)
    cases = LaggingCase.objects.visible_to(request.user, "view", tree_order=False).order_by("-found_on", "-pk")
    return filtered(CaseFilterSet, request, cases, filters)


@router.get("/cases/{int:lagging_case_id}", response={200: LaggingCaseDetailOut, 404: Message})
def lagging_case(request, lagging_case_id: PathId):
    """一个后进党组织的整顿：原因、整顿方案、任务和进度。"""
    return _detail(_case(request, lagging_case_id))


@router.post("/cases", response={201: LaggingCaseDetailOut, **REFUSED})
def lagging_case_open(request, payload: LaggingCaseIn):
    """列为后进党组织（上级党组织）：原因按系统记录重新计算，另可写明排查发现的原因。"""
    org = get_object_or_404(Org.objects.visible_to(request.user), pk=payload.org_id)
    case = services.case_open(actor=request.user, org=org, note=payload.note, found_on=payload.found_on)
    return Status(201, _detail(case))


@router.put("/cases/{int:lagging_case_id}/plan", response={200: LaggingCaseDetailOut, **REFUSED})
def lagging_plan_save(request, lagging_case_id: PathId, payload: LaggingPlanIn):
    """制定或修改整顿方案（一支一策），批准后进入整顿。"""
    case = _upper(request, lagging_case_id)
    services.plan_save(actor=request.user, case=case, **payload.dict())
    return _detail(case)


@router.post("/cases/{int:lagging_case_id}/tasks", response={201: LaggingTaskOut, **REFUSED})
def lagging_task_add(request, lagging_case_id: PathId, payload: LaggingTaskIn):
    """添加整顿任务。"""
    return Status(201, services.task_add(actor=request.user, case=_upper(request, lagging_case_id), **payload.dict()))


@router.post("/tasks/{int:lagging_task_id}/done", response={200: LaggingTaskOut, **REFUSED})
def lagging_task_done(request, lagging_task_id: PathId, payload: LaggingTaskDoneIn):
    """本党组织标记任务完成。"""
    task = get_object_or_404(LaggingTask.objects.visible_to(request.user, "view").select_related("plan__case__org"),
                             pk=lagging_task_id)
    if not get_scope(request.user).covers(task.plan.case.org.path, CHANGE):
        raise NotFound
    return services.task_done(actor=request.user, task=task, note=payload.note, done_on=payload.done_on)


@router.post("/cases/{int:lagging_case_id}/close", response={200: LaggingCaseDetailOut, **REFUSED})
def lagging_case_close(request, lagging_case_id: PathId, payload: LaggingCloseIn):
    """验收销号并评定整顿后等次（任务须全部完成，须有整顿验收材料）。"""
    case = services.case_close(actor=request.user, case=_upper(request, lagging_case_id), **payload.dict())
    return _detail(case)


@router.get("/orgs/{int:org_id}/grades", response={200: list[LaggingGradeChangeOut], 404: Message})
def lagging_grades(request, org_id: PathId):
    """一个党组织的等次变化。"""
    org = get_object_or_404(Org.objects.granting(request.user, VIEW), pk=org_id)
    return list(selectors.grade_history(request.user, org))
