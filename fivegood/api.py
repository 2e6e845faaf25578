"""/api/v1/fivegood: the figures of a subtree and its children, the standard sets (draft, issue,
new version) and the one a branch is held to, the assessments (self scores, submit, return,
assess, reopen; setting a grade directly is refused with the rule), and the exemplars (select,
publish). Scoped as the pages: out of scope is 404; refusals answer 422 in Chinese. Evidence files
are uploaded on the pages; the API carries text."""

from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.access import get_scope, require_perm
from core.api import REFUSED, Id, Message, Pagination, PathId, filtered, filters_in, model_out
from core.errors import NotFound
from fivegood import selectors, services
from fivegood.filters import AssessmentFilterSet, ExemplarFilterSet, StandardFilterSet
from fivegood.models import ASSESSED_KINDS, Assessment, Exemplar, Grade, StandardSet
from fivegood.summaries import VALUES
from orgs.models import Org, OrgKind, Sector
from orgs.selectors import children, org_or_first_root, org_param

router = Router(tags=["五好党支部"])
VIEW, CHANGE, INSPECT = "oversight.view", "oversight.change", "oversight.inspect"

# Schema names are global to the OpenAPI document: every one here starts with "FiveGood".
StandardOut = model_out("FiveGoodStandardOut", StandardSet, ["id", "org_id", "year", "sector", "org_kind", "title",
                                                            "version", "state", "issued_at"])
AssessmentOut = model_out("FiveGoodAssessmentOut", Assessment, [
    "id", "org_id", "year", "standard_set_id", "state", "self_total", "upper_total", "grade", "return_reason",
    "submitted_at", "assessed_at", "assessor_id"])
ExemplarOut = model_out("FiveGoodExemplarOut", Exemplar, ["id", "assessment_id", "org_id", "year", "selected_by_id",
                                                          "title", "story", "state", "published_at"])
StandardFilters = filters_in("FiveGoodStandardFilters", StandardFilterSet)
AssessmentFilters = filters_in("FiveGoodAssessmentFilters", AssessmentFilterSet)
ExemplarFilters = filters_in("FiveGoodExemplarFilters", ExemplarFilterSet)
ORG_QUERY = Query(None, max_length=40, description="组织编号或代码（默认本人管理的第一个组织）")
Reason = Annotated[str, Field(min_length=1, max_length=200)]


class FiveGoodItemOut(Schema):
    id: int
    number: int
    text: str
    points: int


class FiveGoodDimensionOut(Schema):
    id: int
    number: int
    name: str
    items: list[FiveGoodItemOut]


class FiveGoodStandardDetailOut(StandardOut):  # type: ignore[misc, valid-type]
    dimensions: list[FiveGoodDimensionOut]


class FiveGoodItemIn(Schema):
    text: str = Field(..., min_length=1, max_length=200)
    points: int = Field(..., ge=1, le=100)


class FiveGoodDimensionIn(Schema):
    name: str = Field(..., min_length=1, max_length=30)
    items: list[FiveGoodItemIn] = Field(..., min_length=1, max_length=60)


class FiveGoodStandardIn(Schema):
    title: str = Field(..., min_length=1, max_length=100)
    year: int = Field(..., ge=2000, le=2100)
    sector: str = Field("", max_length=20, description="领域代码，空为全部领域",
                        json_schema_extra={"enum": ["", *Sector.values]})
    org_kind: str = Field(OrgKind.BRANCH, max_length=20, json_schema_extra={"enum": [k for k, _ in ASSESSED_KINDS]})
    dimensions: list[FiveGoodDimensionIn] = Field(..., min_length=1, max_length=10)


class FiveGoodStandardCreateIn(FiveGoodStandardIn):
    org_id: Id


class FiveGoodScoreOut(Schema):
    id: int
    item_id: int
    self_score: int | None
    evidence: str
    file_name: str
    upper_score: int | None
    upper_note: str


class FiveGoodAssessmentDetailOut(AssessmentOut):  # type: ignore[misc, valid-type]
    scores: list[FiveGoodScoreOut]


class FiveGoodStartIn(Schema):
    org_id: Id
    year: int = Field(..., ge=2000, le=2100)


class FiveGoodSelfScoreIn(Schema):
    item_id: Id
    score: int | None = Field(None, ge=0, le=100)
    evidence: str = Field("", max_length=2000)


class FiveGoodSelfScoresIn(Schema):
    scores: list[FiveGoodSelfScoreIn] = Field(..., min_length=1, max_length=60)


class FiveGoodUpperScoreIn(Schema):
    item_id: Id
    score: int = Field(..., ge=0, le=100)
    note: str = Field("", max_length=200)


class FiveGoodAssessIn(Schema):
    scores: list[FiveGoodUpperScoreIn] = Field(..., min_length=1, max_length=60)


class FiveGoodReasonIn(Schema):
    reason: Reason


class FiveGoodGradeIn(Schema):
    org_id: Id
    year: int = Field(..., ge=2000, le=2100)
    grade: str = Field(..., max_length=10, json_schema_extra={"enum": Grade.values})


class FiveGoodExemplarIn(Schema):
    title: str = Field(..., min_length=1, max_length=100)
    story: str = Field(..., min_length=1, max_length=5000)


class FiveGoodFiguresOut(Schema):
    org_id: int
    org_name: str
    assessed: int
    five_good: int
    qualified: int
    basic: int
    failed: int
    exemplars: int
    published: int


class FiveGoodCountsOut(Schema):
    year: int
    rows: list[FiveGoodFiguresOut]


@router.get("/counts", response={200: FiveGoodCountsOut, 404: Message})
def fivegood_counts(request, org: str | None = ORG_QUERY, year: int | None = Query(None, ge=2000, le=2100)):
    """某组织及其下级组织某年度已考评的党支部数、各等次数和先进典型数（汇总表）。"""
    found = org_or_first_root(request.user, org, VIEW)
    year = year or timezone.localdate().year
    orgs = [found, *children(found, request.user)]
    figures = selectors.children_counts(orgs, year)
    return {"year": year, "rows": [{"org_id": o.pk, "org_name": o.name, **{n: figures[o.pk][n] for n in VALUES}}
                                   for o in orgs]}


# --- standards -------------------------------------------------------------------------------------

def _standard(request, standard_id: int, action: str = "view") -> StandardSet:
    return get_object_or_404(StandardSet.objects.visible_to(request.user, action).select_related("org"),
                             pk=standard_id)


def _standard_detail(standard: StandardSet) -> dict:
    fields = ("id", "org_id", "year", "sector", "org_kind", "title", "version", "state", "issued_at")
    return {**{f: getattr(standard, f) for f in fields},
            "dimensions": [{"id": d.pk, "number": d.number, "name": d.name,
                            "items": [{"id": i.pk, "number": i.number, "text": i.text, "points": i.points}
                                      for i in items]} for d, items in selectors.dimensions_of(standard)]}


def _items_text(dimensions) -> str:
    from fivegood.rules import items_text

    return items_text([(d.name, [(i.text.replace("|", "｜"), i.points) for i in d.items]) for d in dimensions])


@router.get("/standards", response=list[StandardOut])
@paginate(Pagination)
def fivegood_standards(request, filters: Query[StandardFilters]):
    """五好党支部创建标准（本单位及下级制定的）。"""
    require_perm(request.user, VIEW)
    standards = StandardSet.objects.visible_to(request.user, "view", tree_order=False).order_by("-year", "pk")
    return filtered(StandardFilterSet, request, standards, filters)


@router.get("/standards/{int:fivegood_standard_id}", response={200: FiveGoodStandardDetailOut, 404: Message})
def fivegood_standard(request, fivegood_standard_id: PathId):
    """一份创建标准：维度、条目和分值。"""
    return _standard_detail(_standard(request, fivegood_standard_id))


@router.get("/applicable", response={200: FiveGoodStandardDetailOut | None, 404: Message})
def fivegood_applicable(request, org: str = Query(..., max_length=40, description="党组织编号或代码"),
                        year: int | None = Query(None, ge=2000, le=2100)):
    """某党支部适用的创建标准：上级印发的、与其领域和组织类型相符的最具体的一份（没有时为 null）。"""
    found = org_param(request.user, org, VIEW)
    if found is None:
        raise NotFound
    standard = selectors.standard_for(found, year or timezone.localdate().year)
    return _standard_detail(standard) if standard else None


@router.post("/standards", response={201: FiveGoodStandardDetailOut, **REFUSED})
def fivegood_standard_add(request, payload: FiveGoodStandardCreateIn):
    """制定创建标准（草稿）。"""
    org = get_object_or_404(Org.objects.granting(request.user, CHANGE), pk=payload.org_id)
    return Status(201, _standard_detail(services.standard_save(
        actor=request.user, org=org, year=payload.year, sector=payload.sector, org_kind=payload.org_kind,
        title=payload.title, items=_items_text(payload.dimensions))))


@router.put("/standards/{int:fivegood_standard_id}", response={200: FiveGoodStandardDetailOut, **REFUSED})
def fivegood_standard_change(request, fivegood_standard_id: PathId, payload: FiveGoodStandardIn):
    """修改创建标准（草稿；已印发的不能修改）。"""
    standard = _standard(request, fivegood_standard_id, "change")
    return _standard_detail(services.standard_save(
        actor=request.user, org=standard.org, standard=standard, year=payload.year, sector=payload.sector,
        org_kind=payload.org_kind, title=payload.title, items=_items_text(payload.dimensions)))


@router.post("/standards/{int:fivegood_standard_id}/issue", response={200: FiveGoodStandardDetailOut, **REFUSED})
def fivegood_standard_issue(request, fivegood_standard_id: PathId):
    """印发创建标准；印发后不再修改。"""
    return _standard_detail(services.standard_issue(actor=request.user,
                                                    standard=_standard(request, fivegood_standard_id, "change")))


@router.post("/standards/{int:fivegood_standard_id}/version", response={201: FiveGoodStandardDetailOut, **REFUSED})
def fivegood_standard_version(request, fivegood_standard_id: PathId):
    """按已印发的标准制定新版本（草稿）。"""
    return Status(201, _standard_detail(services.standard_new_version(
        actor=request.user, standard=_standard(request, fivegood_standard_id, "change"))))


# --- assessments -----------------------------------------------------------------------------------

def _assessment(request, assessment_id: int, *, upper: bool | None = None) -> Assessment:
    """An assessment the user sees; with ``upper`` True the user must assess above the branch, with
    False manage the branch (404 otherwise)."""
    found = get_object_or_404(Assessment.objects.visible_to(request.user, "view").select_related("org"),
                              pk=assessment_id)
    scope = get_scope(request.user)
    if upper is True and not scope.covers_above(found.org.path, INSPECT):
        raise NotFound
    if upper is False and not scope.covers(found.org.path, CHANGE):
        raise NotFound
    return found


def _assessment_detail(assessment: Assessment) -> dict:
    fields = ("id", "org_id", "year", "standard_set_id", "state", "self_total", "upper_total", "grade",
              "return_reason", "submitted_at", "assessed_at", "assessor_id")
    return {**{f: getattr(assessment, f) for f in fields},
            "scores": list(assessment.scores.values("id", "item_id", "self_score", "evidence", "file_name",
                                                    "upper_score", "upper_note"))}


@router.get("/assessments", response=list[AssessmentOut])
@paginate(Pagination)
def fivegood_assessments(request, filters: Query[AssessmentFilters]):
    """五好党支部考评（本单位及下级党支部的）。"""
    require_perm(request.user, VIEW)
    assessments = Assessment.objects.visible_to(request.user, "view", tree_order=False).order_by("-year", "pk")
    return filtered(AssessmentFilterSet, request, assessments, filters)


@router.get("/assessments/{int:fivegood_assessment_id}", response={200: FiveGoodAssessmentDetailOut, 404: Message})
def fivegood_assessment(request, fivegood_assessment_id: PathId):
    """一次考评和逐项的自评、考评得分。"""
    return _assessment_detail(_assessment(request, fivegood_assessment_id))


@router.post("/assessments", response={201: FiveGoodAssessmentDetailOut, **REFUSED})
def fivegood_assessment_start(request, payload: FiveGoodStartIn):
    """党支部开始某年度的自评（按适用的创建标准）。"""
    org = get_object_or_404(Org.objects.granting(request.user, CHANGE), pk=payload.org_id)
    return Status(201, _assessment_detail(services.assessment_start(actor=request.user, org=org, year=payload.year)))


@router.put("/assessments/{int:fivegood_assessment_id}/self", response={200: FiveGoodAssessmentDetailOut, **REFUSED})
def fivegood_self_score(request, fivegood_assessment_id: PathId, payload: FiveGoodSelfScoresIn):
    """党支部逐项自评（得分和佐证说明），提交前可多次保存。"""
    assessment = _assessment(request, fivegood_assessment_id, upper=False)
    scores = {s.item_id: (s.score, s.evidence) for s in payload.scores}
    return _assessment_detail(services.assessment_self_score(actor=request.user, assessment=assessment,
                                                             scores=scores))


@router.post("/assessments/{int:fivegood_assessment_id}/submit", response={200: FiveGoodAssessmentDetailOut, **REFUSED})
def fivegood_submit(request, fivegood_assessment_id: PathId):
    """党支部提交自评，等待上级考评。"""
    return _assessment_detail(services.assessment_submit(
        actor=request.user, assessment=_assessment(request, fivegood_assessment_id, upper=False)))


@router.post("/assessments/{int:fivegood_assessment_id}/return", response={200: FiveGoodAssessmentDetailOut, **REFUSED})
def fivegood_return(request, fivegood_assessment_id: PathId, payload: FiveGoodReasonIn):
    """上级退回自评（写明理由）。"""
    return _assessment_detail(services.assessment_return(
        actor=request.user, assessment=_assessment(request, fivegood_assessment_id, upper=True), reason=payload.reason))


@router.post("/assessments/{int:fivegood_assessment_id}/assess", response={200: FiveGoodAssessmentDetailOut, **REFUSED})
def fivegood_assess(request, fivegood_assessment_id: PathId, payload: FiveGoodAssessIn):
    """上级逐项考评；等次按得分确定。"""
    scores = {s.item_id: (s.score, s.note) for s in payload.scores}
    return _assessment_detail(services.assessment_assess(
        actor=request.user, assessment=_assessment(request, fivegood_assessment_id, upper=True), scores=scores))


@router.post("/assessments/{int:fivegood_assessment_id}/reopen", response={200: FiveGoodAssessmentDetailOut, **REFUSED})
def fivegood_reopen(request, fivegood_assessment_id: PathId, payload: FiveGoodReasonIn):
    """上级撤销原等次、重新考评（写明理由）。"""
    return _assessment_detail(services.assessment_reopen(
        actor=request.user, assessment=_assessment(request, fivegood_assessment_id, upper=True), reason=payload.reason))


@router.post("/grade", response={200: FiveGoodAssessmentDetailOut, **REFUSED})
def fivegood_grade_set(request, payload: FiveGoodGradeIn):
    """直接设置等次：不允许，等次调整须经上级考评（请用考评或重新考评）。"""
    org = get_object_or_404(Org.objects.granting(request.user, INSPECT), pk=payload.org_id)
    return _assessment_detail(services.grade_set(actor=request.user, org=org, year=payload.year, grade=payload.grade))


# --- exemplars -------------------------------------------------------------------------------------

@router.get("/exemplars", response=list[ExemplarOut])
@paginate(Pagination)
def fivegood_exemplars(request, filters: Query[ExemplarFilters]):
    """先进典型（本单位及下级党支部的）。"""
    require_perm(request.user, VIEW)
    exemplars = Exemplar.objects.visible_to(request.user, "view", tree_order=False).order_by("-year", "pk")
    return filtered(ExemplarFilterSet, request, exemplars, filters)


@router.post("/assessments/{int:fivegood_assessment_id}/exemplar", response={201: ExemplarOut, **REFUSED})
def fivegood_exemplar_select(request, fivegood_assessment_id: PathId, payload: FiveGoodExemplarIn):
    """上级从考评为五好党支部的党支部中遴选先进典型。"""
    assessment = _assessment(request, fivegood_assessment_id, upper=True)
    org = selectors.assessing_org(request.user, assessment.org)
    if org is None:
        raise NotFound
    return Status(201, services.exemplar_select(actor=request.user, org=org, assessment=assessment,
                                                title=payload.title, story=payload.story))


@router.post("/exemplars/{int:fivegood_exemplar_id}/publish", response={200: ExemplarOut, **REFUSED})
def fivegood_exemplar_publish(request, fivegood_exemplar_id: PathId):
    """在门户网站党务公开栏目宣传先进典型。"""
    exemplar = get_object_or_404(Exemplar.objects.visible_to(request.user, "view").select_related("selected_by"),
                                 pk=fivegood_exemplar_id)
    if not get_scope(request.user).covers(exemplar.selected_by.path, INSPECT):
        raise NotFound
    return services.exemplar_publish(actor=request.user, exemplar=exemplar)
