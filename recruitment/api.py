"""/api/v1/recruitment: cases, steps, votes, notices and plans under the same scoping as the
pages (out of scope is 404); refusals are 422 (403 for a step the branch may not do itself) with
the Chinese message naming the rule. ID and phone numbers are masked."""

from datetime import date
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.api import REFUSED, Id, Pagination, PathId, filtered, filters_in, model_in, model_out
from members.models import Member
from orgs.models import Org
from recruitment import rules, selectors, services
from recruitment.filters import CaseFilterSet
from recruitment.models import (
    EARMARKED,
    Case,
    Notice,
    Objection,
    Plan,
    PreReview,
    Quota,
    Review,
    Step,
    Vote,
)

router = Router(tags=["发展党员"])


class CaseComputed(Schema):
    org_name: str
    status_display: str

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name

    @staticmethod
    def resolve_status_display(obj):
        return obj.get_status_display()


CASE_FIELDS = [
    "id", "name", "gender", "birth_date", "id_number_masked", "phone_masked", "education", "occupation", "work_unit",
    "category", "org_id", "status", "stage", "last_step", "applied", "admitted", "approved", "probation_ends",
    "extension_months", "converted", "warn_on", "due_on", "member_id",
]
CaseOut = model_out("CaseOut", Case, CASE_FIELDS, base=CaseComputed)


class StepComputed(Schema):
    label: str

    @staticmethod
    def resolve_label(obj):
        return rules.STEP[obj.number].label


StepOut = model_out("StepOut", Step, ["id", "number", "done_on", "responsible", "documents", "note", "training_days",
                                      "training_hours"], base=StepComputed)


class DeadlineOut(Schema):
    """Not a row: a deadline the rules compute for the case."""

    step: int
    level: str
    due_on: date
    message: str
    source: str


class CaseDetailComputed(CaseComputed):
    steps: list[StepOut]
    deadlines: list[DeadlineOut]
    leaving_on: date | None = Field(None, description="预计离开工作、学习单位日期（第12步登记）")
    leaving_warning: str | None = Field(None, description="3个月内将离开工作、学习单位的提醒（细则第十九条）")

    @staticmethod
    def resolve_leaving_warning(obj):
        return rules.leaving_warning(obj, timezone.localdate())

    @staticmethod
    def resolve_steps(obj):
        return obj.history_steps

    @staticmethod
    def resolve_deadlines(obj):
        return obj.pending_deadlines


CaseDetailOut = model_out("CaseDetailOut", Case, CASE_FIELDS, base=CaseDetailComputed)


class VoteComputed(Schema):
    quorate: bool
    result: Literal["passed", "failed", "invalid"] = Field(
        ..., description="按票数：passed 通过 / failed 未通过 / invalid 表决无效（到会未过半数，须重新表决）")
    result_label: str


VOTE_COUNTS = ["entitled", "present", "written_opinions", "ballots_issued", "ballots_returned", "yes", "no", "abstain"]
VOTE_EXCLUSION = ["excluded", "exclusion_approval"]
VoteOut = model_out("VoteOut", Vote, ["id", "purpose", "held_on", *VOTE_COUNTS, "roster", *VOTE_EXCLUSION, "passed"],
                    base=VoteComputed)
ObjectionOut = model_out("ObjectionOut", Objection, ["id", "received_on", "text", "resolution", "resolved_on"])


class NoticeComputed(Schema):
    objections: list[ObjectionOut]

    @staticmethod
    def resolve_objections(obj):
        return list(obj.objections.all())


NoticeOut = model_out("NoticeOut", Notice, ["id", "kind", "starts_on", "ends_on", "workdays"], base=NoticeComputed)
QuotaOut = model_out("QuotaOut", Quota, ["category", "quota"])


class PlanComputed(Schema):
    quotas: list[QuotaOut]

    @staticmethod
    def resolve_quotas(obj):
        return list(obj.quotas.all())


PlanOut = model_out("PlanOut", Plan, ["id", "org_id", "year", "total", "note"], base=PlanComputed)
CaseFilters = filters_in("CaseFilters", CaseFilterSet)

# What every step's record holds besides its own fields.
StepRecord = model_in("StepRecord", Step, ["responsible", "documents", "note"])


class CaseNumbers(StepRecord):
    """The applicant's numbers: kept as cipher, blind index and masked copy, not as model fields."""

    id_number: str = Field(..., max_length=30)
    phone: str = Field("", max_length=20)


CaseIn = model_in("CaseIn", Case, ["org_id", "name", "applied", "education", "occupation", "work_unit", "category"],
                  base=CaseNumbers, extra={"org_id": {"description": "受理党支部"}})


class StepPeople(StepRecord):
    people: list[Id] = Field([], max_length=2, description="⑤ 培养联系人、⑨ 入党介绍人：正式党员的 id")


class StepLeaving(StepPeople):
    leaving_on: date | None = Field(None, description="预计离开工作、学习单位日期（仅第12步；3个月内将离开的一般不办理接收手续）")


StepIn = model_in("StepIn", Step, ["number", "done_on", "training_days", "training_hours"], base=StepLeaving, extra={
    "number": {"ge": 2, "le": 25, "description": "2–25，政治审查、预审、表决除外"},
    "training_days": {"le": 365}, "training_hours": {"le": 2000}})
PoliticalReviewIn = model_in("PoliticalReviewIn", Review, ["methods", "findings", "conclusion", "concluded_on"],
                             base=StepRecord, extra={"findings": {"max_length": 5000}})
PreReviewIn = model_in("PreReviewIn", PreReview, ["received_on", "reviewed_on", "result", "opinion"], base=StepRecord,
                       extra={"opinion": {"max_length": 5000}})


class VoteResolution(StepRecord):
    result: Literal["passed", "failed", "invalid"] = Field(
        ..., description="大会宣布的决议：passed 通过 / failed 未通过 / invalid 表决无效（到会未过半数）")


VoteIn = model_in("VoteIn", Vote, ["purpose", "held_on", *VOTE_COUNTS, *VOTE_EXCLUSION], base=VoteResolution, extra={
    **{count: {"le": 100000} for count in [*VOTE_COUNTS, "excluded"]}, "entitled": {"ge": 1, "le": 100000}})
NoticeIn = model_in("NoticeIn", Notice, ["kind", "starts_on", "ends_on"])
ObjectionIn = model_in("ObjectionIn", Objection, ["received_on", "text"], extra={"text": {"max_length": 2000}})
ResolveIn = model_in("ResolveIn", Objection, ["resolved_on", "resolution"], required=["resolved_on", "resolution"],
                     extra={"resolution": {"max_length": 2000}})
PLAN_YEARS = {"ge": 2000, "le": 2100}
QuotaCount = Annotated[int, Field(ge=0, le=1000000)]


class PlanQuotas(Schema):
    quotas: dict[Literal[tuple(EARMARKED)], QuotaCount] = Field(
        {}, max_length=len(EARMARKED), description="单列计划：" + " / ".join(f"{c.value} {c.label}" for c in EARMARKED))


PlanIn = model_in("PlanIn", Plan, ["org_id", "year", "total", "note"], base=PlanQuotas,
                  extra={"year": PLAN_YEARS, "total": {"le": 1000000}})


def _case(request, case_id: int) -> Case:
    return get_object_or_404(selectors.cases(request.user), pk=case_id)


def _detail(case: Case) -> Case:
    """The case with its steps and its pending deadlines, for CaseDetailOut."""
    hist = selectors.history(case)
    today = timezone.localdate()
    case.history_steps = [s for number in sorted(hist.steps) for s in hist.steps[number]]
    case.pending_deadlines = [{"step": d.step, "level": d.level(today), "due_on": d.due_on, "message": d.message,
                               "source": d.source} for d in rules.deadlines(case, hist)]
    return case


def _fresh_detail(case: Case) -> Case:
    return _detail(Case.objects.select_related("org").get(pk=case.pk))


# The services' refusals (ValidationError 422, PermissionDenied 403) are answered by dangjian.api.

@router.get("/cases", response=list[CaseOut])
@paginate(Pagination)
def case_list(request, filters: Query[CaseFilters]):
    """本人管理范围内的发展党员记录。"""
    return filtered(CaseFilterSet, request, selectors.cases(request.user).order_by("-applied", "-pk"), filters)


@router.get("/cases/{int:case_id}", response=CaseDetailOut)
def case_detail(request, case_id: PathId):
    """一名发展对象的全程纪实：已完成的步骤和待办期限（green / yellow / red）。"""
    return _detail(_case(request, case_id))


@router.post("/cases", response={201: CaseDetailOut, **REFUSED})
def case_create(request, payload: CaseIn):
    """第1步：党支部收到入党申请书，建立记录（年满十八岁，细则第五条）。"""
    org = get_object_or_404(Org.objects.visible_to(request.user), pk=payload.org_id)
    case = services.case_create(actor=request.user, org=org, **payload.dict(exclude={"org_id"}))
    return Status(201, _detail(case))


@router.post("/cases/{int:case_id}/steps", response={201: StepOut, **REFUSED})
def step_record(request, case_id: PathId, payload: StepIn):
    """登记一个步骤（2–25）。⑩ 政治审查、⑬ 预审、⑮ ㉓ 表决用各自的接口。"""
    case = _case(request, case_id)
    people = list(Member.objects.visible_to(request.user).filter(pk__in=payload.people))
    if len(people) != len(set(payload.people)):
        raise ValidationError({"people": "所选党员不存在或不在您的管理范围内"})
    step = services.step_record(actor=request.user, case=case, people=people, **payload.dict(exclude={"people"}))
    return Status(201, step)


@router.post("/cases/{int:case_id}/review", response={201: CaseDetailOut, **REFUSED})
def review_record(request, case_id: PathId, payload: PoliticalReviewIn):
    """⑩ 政治审查：方法、情况、结论；不合格的记录随即终止（细则第十六条）。"""
    case = _case(request, case_id)
    services.review_record(actor=request.user, case=case, **payload.dict())
    return Status(201, _fresh_detail(case))


@router.post("/cases/{int:case_id}/prereview", response={201: CaseDetailOut, **REFUSED})
def prereview_record(request, case_id: PathId, payload: PreReviewIn):
    """⑬ 上级党委预审及书面意见（细则第十九条）。"""
    case = _case(request, case_id)
    services.prereview_record(actor=request.user, case=case, **payload.dict())
    return Status(201, _fresh_detail(case))


@router.get("/cases/{int:case_id}/votes", response=list[VoteOut])
def vote_list(request, case_id: PathId):
    return list(_case(request, case_id).votes.all())


@router.post("/cases/{int:case_id}/votes", response={201: VoteOut, **REFUSED})
def vote_record(request, case_id: PathId, payload: VoteIn):
    """⑮ ㉓ 支部党员大会表决：只记票数。到会须超过应到会半数；赞成须超过应到会有表决权正式党员的半数。"""
    case = _case(request, case_id)
    return Status(201, services.vote_record(actor=request.user, case=case, **payload.dict()))


@router.get("/cases/{int:case_id}/notices", response=list[NoticeOut])
def notice_list(request, case_id: PathId):
    return list(_case(request, case_id).notices.prefetch_related("objections"))


@router.post("/cases/{int:case_id}/notices", response={201: NoticeOut, **REFUSED})
def notice_publish(request, case_id: PathId, payload: NoticeIn):
    """公示：不少于5个工作日（本地规定），按节假日安排计算。"""
    case = _case(request, case_id)
    return Status(201, services.notice_publish(actor=request.user, case=case, **payload.dict()))


@router.post("/notices/{int:notice_id}/objections", response={201: ObjectionOut, **REFUSED})
def objection_add(request, notice_id: PathId, payload: ObjectionIn):
    notice = get_object_or_404(Notice.objects.visible_to(request.user), pk=notice_id)
    return Status(201, services.objection_add(actor=request.user, notice=notice, **payload.dict()))


@router.post("/objections/{int:objection_id}/resolve", response={200: ObjectionOut, **REFUSED})
def objection_resolve(request, objection_id: PathId, payload: ResolveIn):
    objection = get_object_or_404(Objection.objects.visible_to(request.user), pk=objection_id)
    return services.objection_resolve(actor=request.user, objection=objection, **payload.dict())


@router.get("/plans", response=list[PlanOut])
@paginate(Pagination)
def plan_list(request, year: int | None = Query(None, **PLAN_YEARS, description="年度")):
    """本人管理范围内各党委的年度发展党员计划及单列计划。"""
    plans = Plan.objects.visible_to(request.user).prefetch_related("quotas").order_by("-year", "org__path")
    return plans.filter(year=year) if year else plans


@router.post("/plans", response={200: PlanOut, **REFUSED})
def plan_save(request, payload: PlanIn):
    """制定或修改一个党委某年度的计划（再次保存即替换）。"""
    org = get_object_or_404(Org.objects.visible_to(request.user), pk=payload.org_id)
    return services.plan_save(actor=request.user, org=org, **payload.dict(exclude={"org_id"}))
