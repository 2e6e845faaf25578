"""/api/v1/recruitment: cases, steps, votes, notices and plans under the same scoping as the
pages (out of scope is 404); refusals are 422 (403 for a step the branch may not do itself) with
the Chinese message naming the rule. ID and phone numbers are masked."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.api import Pagination
from core.api import filtered as _filtered
from members.models import Member
from orgs.models import Org
from recruitment import rules, selectors, services
from recruitment.filters import CaseFilterSet
from recruitment.models import Case, Notice, Objection, Plan

router = Router(tags=["发展党员"])


class CaseOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: date
    id_number_masked: str
    phone_masked: str
    education: str
    occupation: str
    work_unit: str
    category: str
    org_id: int
    org_name: str
    status: str
    status_display: str
    stage: int
    last_step: int
    applied: date
    admitted: date | None
    approved: date | None
    probation_ends: date | None
    extension_months: int | None
    converted: date | None
    warn_on: date | None
    due_on: date | None
    member_id: int | None

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name

    @staticmethod
    def resolve_status_display(obj):
        return obj.get_status_display()


class StepOut(Schema):
    id: int
    number: int
    label: str
    done_on: date
    responsible: str
    documents: str
    note: str
    training_days: int | None
    training_hours: int | None

    @staticmethod
    def resolve_label(obj):
        return rules.STEP[obj.number].label


class DeadlineOut(Schema):
    step: int
    level: str
    due_on: date
    message: str
    source: str


class CaseDetailOut(CaseOut):
    steps: list[StepOut]
    deadlines: list[DeadlineOut]

    @staticmethod
    def resolve_steps(obj):
        return obj.history_steps

    @staticmethod
    def resolve_deadlines(obj):
        return obj.pending_deadlines


class VoteOut(Schema):
    id: int
    purpose: int
    held_on: date
    entitled: int
    present: int
    written_opinions: int
    ballots_issued: int
    ballots_returned: int
    yes: int
    no: int
    abstain: int
    quorate: bool
    passed: bool


class ObjectionOut(Schema):
    id: int
    received_on: date
    text: str
    resolution: str
    resolved_on: date | None


class NoticeOut(Schema):
    id: int
    kind: int
    starts_on: date
    ends_on: date
    workdays: int
    objections: list[ObjectionOut]

    @staticmethod
    def resolve_objections(obj):
        return list(obj.objections.all())


class QuotaOut(Schema):
    category: str
    quota: int


class PlanOut(Schema):
    id: int
    org_id: int
    year: int
    total: int
    note: str
    quotas: list[QuotaOut]

    @staticmethod
    def resolve_quotas(obj):
        return list(obj.quotas.all())


class CaseFilters(Schema):
    q: str | None = Field(None, max_length=50, description="姓名包含")
    org: str | None = Field(None, max_length=32, description="党组织ID或组织代码（含下级）")
    within: str | None = Field(None, max_length=32, deprecated=True, description="org 的旧名")
    status: str | None = Field(None, max_length=14)
    stage: str | None = Field(None, max_length=1)
    category: str | None = Field(None, max_length=12)
    warning: str | None = Field(None, max_length=6, description="red 已逾期 / yellow 临近期限或逾期")


class CaseIn(Schema):
    org_id: int = Field(..., ge=1, le=2**62, description="受理党支部")
    name: str = Field(..., max_length=50)
    id_number: str = Field(..., max_length=30)
    applied: date
    phone: str = Field("", max_length=20)
    education: str = Field("", max_length=14)
    occupation: str = Field("", max_length=50)
    work_unit: str = Field("", max_length=100)
    category: str = Field("other", max_length=12)
    responsible: str = Field("", max_length=100)
    documents: str = Field("", max_length=300)
    note: str = Field("", max_length=500)


class RecordIn(Schema):
    """What every step's record holds besides its own fields."""

    responsible: str = Field("", max_length=100)
    documents: str = Field("", max_length=300)
    note: str = Field("", max_length=500)


class StepIn(RecordIn):
    number: int = Field(..., ge=2, le=25, description="2–25，政治审查、预审、表决除外")
    done_on: date
    people: list[int] = Field([], max_length=2, description="⑤ 培养联系人、⑨ 入党介绍人：正式党员的 id")
    training_days: int | None = Field(None, ge=0, le=365)
    training_hours: int | None = Field(None, ge=0, le=2000)


class PoliticalReviewIn(RecordIn):
    methods: str = Field(..., max_length=200)
    findings: str = Field(..., max_length=5000)
    conclusion: str = Field(..., max_length=8, description="passed 合格 / failed 不合格（记录随即终止）")
    concluded_on: date


class PreReviewIn(RecordIn):
    received_on: date
    reviewed_on: date
    result: str = Field(..., max_length=8, description="passed / failed")
    opinion: str = Field(..., max_length=5000)


class VoteIn(RecordIn):
    purpose: int = Field(..., description="15 接收预备党员 / 23 转正")
    held_on: date
    entitled: int = Field(..., ge=1, le=100000)
    present: int = Field(..., ge=0, le=100000)
    written_opinions: int = Field(0, ge=0, le=100000)
    ballots_issued: int = Field(..., ge=0, le=100000)
    ballots_returned: int = Field(..., ge=0, le=100000)
    yes: int = Field(..., ge=0, le=100000)
    no: int = Field(..., ge=0, le=100000)
    abstain: int = Field(..., ge=0, le=100000)
    result: str = Field(..., max_length=6, description="大会宣布的决议：passed / failed")


class NoticeIn(Schema):
    kind: int = Field(..., description="3 积极分子 / 7 发展对象 / 17 拟接收预备党员 / 24 拟转正")
    starts_on: date
    ends_on: date


class ObjectionIn(Schema):
    received_on: date
    text: str = Field(..., max_length=2000)


class ResolveIn(Schema):
    resolved_on: date
    resolution: str = Field(..., max_length=2000)


class PlanIn(Schema):
    org_id: int = Field(..., ge=1, le=2**62)
    year: int = Field(..., ge=2000, le=2100)
    total: int = Field(..., ge=0, le=1000000)
    quotas: dict[str, int] = Field({}, description="farmer, educated, soe, non_public, social_org → 名额")
    note: str = Field("", max_length=200)


class Message(Schema):
    detail: str


REFUSED = {403: Message, 404: Message, 422: Message}


def _refused(exc):
    if isinstance(exc, PermissionDenied):
        return Status(403, {"detail": str(exc) or "无权执行此操作"})
    return Status(422, {"detail": "；".join(exc.messages)})


def _case(request, case_id: int) -> Case:
    return get_object_or_404(selectors.cases(request.user), pk=case_id)


def _detail(case: Case) -> Case:
    """The case with its steps and its pending deadlines, for CaseDetailOut."""
    hist = selectors.history(case)
    today = date.today()
    case.history_steps = [s for number in sorted(hist.steps) for s in hist.steps[number]]
    case.pending_deadlines = [{"step": d.step, "level": d.level(today), "due_on": d.due_on, "message": d.message,
                               "source": d.source} for d in rules.deadlines(case, hist)]
    return case


def _run(call, status: int = 200, then=None):
    try:
        result = call()
    except (ValidationError, PermissionDenied) as exc:
        return _refused(exc)
    return Status(status, then(result) if then else result)


@router.get("/cases", response=list[CaseOut])
@paginate(Pagination)
def case_list(request, filters: Query[CaseFilters]):
    """本人管理范围内的发展党员记录。"""
    return _filtered(CaseFilterSet, request, selectors.cases(request.user).order_by("-applied", "-pk"), filters)


@router.get("/cases/{int:case_id}", response=CaseDetailOut)
def case_detail(request, case_id: int):
    """一名发展对象的全程纪实：已完成的步骤和待办期限（green / yellow / red）。"""
    return _detail(_case(request, case_id))


@router.post("/cases", response={201: CaseDetailOut, **REFUSED})
def case_create(request, payload: CaseIn):
    """第1步：党支部收到入党申请书，建立记录（年满十八岁，细则第五条）。"""
    org = get_object_or_404(Org.objects.visible_to(request.user), pk=payload.org_id)
    data = payload.dict(exclude={"org_id"})
    return _run(lambda: services.case_create(actor=request.user, org=org, **data), 201, _detail)


@router.post("/cases/{int:case_id}/steps", response={201: StepOut, **REFUSED})
def step_record(request, case_id: int, payload: StepIn):
    """登记一个步骤（2–25）。⑩ 政治审查、⑬ 预审、⑮ ㉓ 表决用各自的接口。"""
    case = _case(request, case_id)
    people = list(Member.objects.visible_to(request.user).filter(pk__in=payload.people))
    if len(people) != len(set(payload.people)):
        return Status(422, {"detail": "所选党员不存在或不在您的管理范围内"})
    data = payload.dict(exclude={"people"})
    return _run(lambda: services.step_record(actor=request.user, case=case, people=people, **data), 201)


@router.post("/cases/{int:case_id}/review", response={201: CaseDetailOut, **REFUSED})
def review_record(request, case_id: int, payload: PoliticalReviewIn):
    """⑩ 政治审查：方法、情况、结论；不合格的记录随即终止（细则第十六条）。"""
    case = _case(request, case_id)
    return _run(lambda: services.review_record(actor=request.user, case=case, **payload.dict()), 201,
                lambda _: _detail(Case.objects.select_related("org").get(pk=case.pk)))


@router.post("/cases/{int:case_id}/prereview", response={201: CaseDetailOut, **REFUSED})
def prereview_record(request, case_id: int, payload: PreReviewIn):
    """⑬ 上级党委预审及书面意见（细则第十九条）。"""
    case = _case(request, case_id)
    return _run(lambda: services.prereview_record(actor=request.user, case=case, **payload.dict()), 201,
                lambda _: _detail(Case.objects.select_related("org").get(pk=case.pk)))


@router.get("/cases/{int:case_id}/votes", response=list[VoteOut])
def vote_list(request, case_id: int):
    return list(_case(request, case_id).votes.all())


@router.post("/cases/{int:case_id}/votes", response={201: VoteOut, **REFUSED})
def vote_record(request, case_id: int, payload: VoteIn):
    """⑮ ㉓ 支部党员大会表决：只记票数。到会须超过应到会半数；赞成须超过应到会有表决权正式党员的半数。"""
    case = _case(request, case_id)
    return _run(lambda: services.vote_record(actor=request.user, case=case, **payload.dict()), 201)


@router.get("/cases/{int:case_id}/notices", response=list[NoticeOut])
def notice_list(request, case_id: int):
    return list(_case(request, case_id).notices.prefetch_related("objections"))


@router.post("/cases/{int:case_id}/notices", response={201: NoticeOut, **REFUSED})
def notice_publish(request, case_id: int, payload: NoticeIn):
    """公示：不少于5个工作日（本地规定），按节假日安排计算。"""
    case = _case(request, case_id)
    return _run(lambda: services.notice_publish(actor=request.user, case=case, **payload.dict()), 201)


@router.post("/notices/{int:notice_id}/objections", response={201: ObjectionOut, **REFUSED})
def objection_add(request, notice_id: int, payload: ObjectionIn):
    notice = get_object_or_404(Notice.objects.visible_to(request.user), pk=notice_id)
    return _run(lambda: services.objection_add(actor=request.user, notice=notice, **payload.dict()), 201)


@router.post("/objections/{int:objection_id}/resolve", response={200: ObjectionOut, **REFUSED})
def objection_resolve(request, objection_id: int, payload: ResolveIn):
    objection = get_object_or_404(Objection.objects.visible_to(request.user), pk=objection_id)
    return _run(lambda: services.objection_resolve(actor=request.user, objection=objection, **payload.dict()))


@router.get("/plans", response=list[PlanOut])
@paginate(Pagination)
def plan_list(request, year: int | None = None):
    """本人管理范围内各党委的年度发展党员计划及单列计划。"""
    plans = Plan.objects.visible_to(request.user).prefetch_related("quotas").order_by("-year", "org__path")
    return plans.filter(year=year) if year else plans


@router.post("/plans", response={200: PlanOut, **REFUSED})
def plan_save(request, payload: PlanIn):
    """制定或修改一个党委某年度的计划（再次保存即替换）。"""
    org = get_object_or_404(Org.objects.visible_to(request.user), pk=payload.org_id)
    data = payload.dict(exclude={"org_id"})
    return _run(lambda: services.plan_save(actor=request.user, org=org, **data))
