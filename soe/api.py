"""/api/v1/soe: the SOE party-building tasks and their division (国企党建工作任务分工), the ledger of
shares, and each committee's quarterly progress. Scoped as the pages: out of scope is 404;
refusals answer 422 in Chinese."""

from datetime import date
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.access import require_perm
from core.api import REFUSED, Id, Message, Pagination, PathId, filtered, filters_in, model_out
from orgs.models import Org
from oversight.selectors import orgs_named
from soe import services
from soe.filters import ShareFilterSet, TaskFilterSet
from soe.models import Progress, SoeReport, SoeShare, SoeTask

router = Router(tags=["国企党建台账"])
VIEW, CHANGE = "oversight.view", "oversight.change"

SoeTaskOut = model_out("SoeTaskOut", SoeTask, ["id", "org_id", "year", "number", "title", "detail", "due_on"])
SoeShareOut = model_out("SoeShareOut", SoeShare, ["id", "task_id", "org_id", "lead", "progress", "due_on",
                                                  "done_on"])
SoeReportOut = model_out("SoeReportOut", SoeReport, ["id", "year", "quarter", "progress", "text", "problems",
                                                     "reported_on"])
SoeTaskFilters = filters_in("SoeTaskFilters", TaskFilterSet)
SoeShareFilters = filters_in("SoeShareFilters", ShareFilterSet)
OrgCode = Annotated[str, Field(max_length=100, description="党组织代码或全称")]


class SoeTaskDetailOut(SoeTaskOut):  # type: ignore[misc, valid-type]
    shares: list[SoeShareOut]  # type: ignore[valid-type]


class SoeShareDetailOut(SoeShareOut):  # type: ignore[misc, valid-type]
    reports: list[SoeReportOut]  # type: ignore[valid-type]


class SoeTaskChangeIn(Schema):
    title: str = Field(..., min_length=1, max_length=100)
    detail: str = Field("", max_length=2000)
    due_on: date
    shares: list[OrgCode] = Field(..., min_length=1, max_length=500,
                                  description="承担任务的国有企业党组织（代码或全称，须是分工单位的下级）")


class SoeTaskIn(SoeTaskChangeIn):
    org_id: Id
    year: int = Field(..., ge=2000, le=2100)


class SoeReportIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    quarter: int = Field(..., ge=1, le=4)
    progress: Progress
    text: str = Field(..., min_length=1, max_length=2000)
    problems: str = Field("", max_length=2000)
    lead: str | None = Field(None, max_length=20)


def _task(request, task_id: int, action: str = "view") -> SoeTask:
    return get_object_or_404(SoeTask.objects.visible_to(request.user, action).select_related("org"), pk=task_id)


def _share(request, share_id: int, action: str = "view") -> SoeShare:
    return get_object_or_404(SoeShare.objects.visible_to(request.user, action).select_related("task", "org"),
                             pk=share_id)


def _task_detail(task: SoeTask) -> dict:
    return {**{f: getattr(task, f) for f in ("id", "org_id", "year", "number", "title", "detail", "due_on")},
            "shares": list(task.shares.order_by("org__path"))}


def _share_detail(share: SoeShare) -> dict:
    return {**{f: getattr(share, f) for f in ("id", "task_id", "org_id", "lead", "progress", "due_on", "done_on")},
            "reports": list(share.reports.all())}


@router.get("/tasks", response=list[SoeTaskOut])
@paginate(Pagination)
def soe_tasks(request, filters: Query[SoeTaskFilters]):
    """国企党建工作任务（本单位分解的，和分到本单位及下级的）。"""
    require_perm(request.user, VIEW)
    tasks = SoeTask.objects.visible_to(request.user, "view", tree_order=False).order_by("-year", "number", "pk")
    return filtered(TaskFilterSet, request, tasks, filters)


@router.get("/tasks/{int:soe_task_id}", response={200: SoeTaskDetailOut, 404: Message})
def soe_task(request, soe_task_id: PathId):
    """一项任务和它的分工。"""
    return _task_detail(_task(request, soe_task_id))


@router.post("/tasks", response={201: SoeTaskDetailOut, **REFUSED})
def soe_task_add(request, payload: SoeTaskIn):
    """分解一项国企党建工作任务到下级国有企业党组织。"""
    org = get_object_or_404(Org.objects.granting(request.user, CHANGE), pk=payload.org_id)
    task = services.task_save(actor=request.user, org=org, year=payload.year, title=payload.title,
                              detail=payload.detail, due_on=payload.due_on,
                              shares=orgs_named(org, " ".join(payload.shares)))
    return Status(201, _task_detail(task))


@router.put("/tasks/{int:soe_task_id}", response={200: SoeTaskDetailOut, **REFUSED})
def soe_task_change(request, soe_task_id: PathId, payload: SoeTaskChangeIn):
    """修改任务（已报送进展的分工不能取消）。"""
    task = _task(request, soe_task_id, "change")
    task = services.task_save(actor=request.user, org=task.org, task=task, year=task.year, title=payload.title,
                              detail=payload.detail, due_on=payload.due_on,
                              shares=orgs_named(task.org, " ".join(payload.shares)))
    return _task_detail(task)


@router.get("/shares", response=list[SoeShareOut])
@paginate(Pagination)
def soe_shares(request, filters: Query[SoeShareFilters]):
    """工作台账：每项任务在每个责任党组织的分工和进展。"""
    require_perm(request.user, VIEW)
    shares = SoeShare.objects.visible_to(request.user, "view", tree_order=False).order_by("due_on", "pk")
    return filtered(ShareFilterSet, request, shares, filters)


@router.get("/shares/{int:soe_share_id}", response={200: SoeShareDetailOut, 404: Message})
def soe_share(request, soe_share_id: PathId):
    """一项分工和它的各季度进展。"""
    return _share_detail(_share(request, soe_share_id))


@router.post("/shares/{int:soe_share_id}/reports", response={200: SoeShareDetailOut, **REFUSED})
def soe_report(request, soe_share_id: PathId, payload: SoeReportIn):
    """报送（或更正）某季度的进展。"""
    share = _share(request, soe_share_id, "change")
    services.report_save(actor=request.user, share=share, **payload.dict())
    share.refresh_from_db()
    return _share_detail(share)
