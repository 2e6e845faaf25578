"""/api/v1/oversight: the figures of a subtree and its children, the guidance plans and the
checklist an org is held to, supervision teams and visits, inspections and the rectification
ledger with each item's rounds (submit, return, accept), and the rectification plan. Scoped as the
pages: out of scope is 404; refusals answer 422 in Chinese. Files (photos, evidence) are uploaded
on the pages; the API carries text."""

from datetime import date
from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.access import get_scope, require_perm
from core.api import (
    REFUSED,
    Id,
    Message,
    Pagination,
    PathId,
    filtered,
    filters_in,
    model_in,
    model_out,
)
from core.errors import NotFound
from orgs.models import Org
from orgs.selectors import children, org_or_first_root, org_param
from oversight import selectors, services
from oversight.filters import (
    BulletinFilterSet,
    InspectionFilterSet,
    ItemFilterSet,
    PlanFilterSet,
    TeamFilterSet,
    VisitFilterSet,
)
from oversight.models import (
    Bulletin,
    Evidence,
    GuidancePlan,
    Inspection,
    RectificationItem,
    SupervisionTeam,
    Visit,
)

router = Router(tags=["督导考核"])
VIEW, CHANGE, INSPECT = "oversight.view", "oversight.change", "oversight.inspect"

PlanOut = model_out("GuidancePlanOut", GuidancePlan, ["id", "org_id", "sector", "year", "title"])
TeamOut = model_out("SupervisionTeamOut", SupervisionTeam, ["id", "org_id", "name", "formed_on", "leader", "members"])
VisitOut = model_out("SupervisionVisitOut", Visit, ["id", "team_id", "org_id", "day", "findings", "problems"])
InspectionOut = model_out("InspectionOut", Inspection, ["id", "org_id", "title", "year", "half", "kind", "timing",
                                                        "notice", "started_on", "focus"])
ItemOut = model_out("RectificationItemOut", RectificationItem, [
    "id", "inspection_id", "org_id", "problem", "owner", "deadline", "evidence_required", "found_on", "state",
    "rounds", "escalated_to_id", "escalated_at", "closed_at"])
EvidenceOut = model_out("EvidenceOut", Evidence, ["id", "round", "text", "decision", "comment", "decided_at",
                                                  "created"])
PlanFilters = filters_in("GuidancePlanFilters", PlanFilterSet)
TeamFilters = filters_in("SupervisionTeamFilters", TeamFilterSet)
VisitFilters = filters_in("SupervisionVisitFilters", VisitFilterSet)
InspectionFilters = filters_in("InspectionFilters", InspectionFilterSet)
ItemFilters = filters_in("RectificationItemFilters", ItemFilterSet)
BulletinFilters = filters_in("BulletinFilters", BulletinFilterSet)
BulletinOut = model_out("BulletinOut", Bulletin, ["id", "org_id", "year", "quarter", "title", "state", "as_of",
                                                  "generated_at", "published_at", "on_portal"])

# Schema names are global to the OpenAPI document: "Plan", "Team", "Visit", "Return" and "Counts"
# are taken by recruitment, community, care, transfers and training (core/tests/test_error_answers.py).
OrgCode = Annotated[str, Field(max_length=100, description="党组织代码或全称")]
ChecklistText = Annotated[str, Field(max_length=200)]
ORGS = Field(..., min_length=1, max_length=500, description="党组织代码或全称（本单位的下级）")


class ChecklistItemOut(Schema):
    id: int
    number: int
    text: str


class PlanDetailOut(PlanOut):  # type: ignore[misc, valid-type]
    items: list[ChecklistItemOut]


class GuidancePlanIn(model_in("GuidancePlanFields", GuidancePlan, ["sector", "year", "title"])):  # type: ignore[misc]
    items: list[ChecklistText] = Field(..., min_length=1, max_length=50, description="检查事项，每项一条")


class GuidancePlanCreateIn(GuidancePlanIn):
    org_id: Id


class ChecklistOut(Schema):
    plan: PlanOut | None  # type: ignore[valid-type]
    items: list[ChecklistItemOut]


class SupervisionTeamIn(model_in("SupervisionTeamFields", SupervisionTeam,  # type: ignore[misc]
                                  ["name", "leader", "members"])):
    org_id: Id
    formed_on: date | None = None
    targets: list[OrgCode] = ORGS


class TeamDetailOut(TeamOut):  # type: ignore[misc, valid-type]
    targets: list[int] = Field(..., description="督导对象（党组织编号）")


class CheckIn(Schema):
    item_id: Id
    met: bool
    note: str = Field("", max_length=200)


class SupervisionVisitIn(Schema):
    org_id: Id
    day: date | None = None
    findings: str = Field("", max_length=2000)
    checks: list[CheckIn] = Field([], max_length=50)


class CheckOut(Schema):
    item_id: int
    met: bool
    note: str


class VisitDetailOut(VisitOut):  # type: ignore[misc, valid-type]
    checks: list[CheckOut]


class InspectionIn(model_in("InspectionFields", Inspection,  # type: ignore[misc]
                            ["title", "year", "half", "kind", "timing", "notice", "focus"])):
    org_id: Id
    started_on: date | None = None
    targets: list[OrgCode] = ORGS


class InspectionDetailOut(InspectionOut):  # type: ignore[misc, valid-type]
    targets: list[int]


ItemIn = model_in("RectificationItemIn", RectificationItem, ["org_id", "problem", "owner", "deadline",
                                                             "evidence_required", "found_on"],
                  extra={"problem": {"max_length": 2000}})


class ItemDetailOut(ItemOut):  # type: ignore[misc, valid-type]
    evidence: list[EvidenceOut]  # type: ignore[valid-type]


class EvidenceIn(Schema):
    text: str = Field(..., min_length=1, max_length=2000)


class EvidenceReturnIn(Schema):
    comment: str = Field(..., min_length=1, max_length=200)
    deadline: date | None = None


class AcceptIn(Schema):
    comment: str = Field("", max_length=200)


class FiguresOut(Schema):
    org_id: int
    org_name: str
    teams: int
    visits: int
    problems: int
    opened: int
    closed: int
    open: int = Field(..., description="未销号整改事项")
    overdue: int = Field(..., description="超期未整改")
    escalated: int = Field(..., description="提级督办")


class OversightCountsOut(Schema):
    since: date
    rows: list[FiguresOut]


class OpenOut(Schema):
    open: int
    overdue: int


class PlanRowOut(OpenOut):
    name: str
    org_id: int | None = None


class RectificationOut(Schema):
    org_id: int
    total: OpenOut
    by_org: list[PlanRowOut]
    by_sector: list[PlanRowOut]


def _root(request, org: str | None, perm: str = VIEW) -> Org:
    return org_or_first_root(request.user, org, perm)


ORG_QUERY = Query(None, max_length=40, description="组织编号或代码（默认本人管理的第一个组织）")


@router.get("/counts", response={200: OversightCountsOut, 404: Message})
def oversight_counts(request, org: str | None = ORG_QUERY):
    """本年度某组织及其下级组织的督导组、督导检查、发现问题、整改销号数，和未销号、超期、督办的整改事项数。"""
    found = _root(request, org)
    today = timezone.localdate()
    orgs = [found, *children(found, request.user)]
    figures = selectors.children_counts(orgs, today.replace(month=1, day=1), today)
    live = selectors.open_counts(request.user, orgs)
    return {"since": today.replace(month=1, day=1),
            "rows": [{"org_id": o.pk, "org_name": o.name, **figures[o.pk], **live[o.pk]} for o in orgs]}


@router.get("/rectification", response={200: RectificationOut, 404: Message})
def oversight_rectification(request, org: str | None = ORG_QUERY):
    """整改清单：某组织下各单位、各系统（领域）未销号的问题和其中超期的。"""
    found = _root(request, org)
    plan = selectors.rectification_plan(request.user, found)
    return {"org_id": found.pk, "total": plan["total"],
            "by_org": [{"name": o.name, "org_id": o.pk, **f} for o, f in plan["children"]],
            "by_sector": [{"name": label, **f} for label, f in plan["sectors"]]}


# --- guidance plans --------------------------------------------------------------------------------

def _plan(request, plan_id: int, action: str = "view") -> GuidancePlan:
    return get_object_or_404(GuidancePlan.objects.visible_to(request.user, action).select_related("org"), pk=plan_id)


def _plan_detail(plan: GuidancePlan) -> dict:
    return {**{f: getattr(plan, f) for f in ("id", "org_id", "sector", "year", "title")},
            "items": list(plan.items.values("id", "number", "text"))}


@router.get("/plans", response=list[PlanOut])
@paginate(Pagination)
def oversight_plans(request, filters: Query[PlanFilters]):
    """分领域指导方案。"""
    require_perm(request.user, VIEW)
    plans = GuidancePlan.objects.visible_to(request.user, "view").order_by("-year", "pk")
    return filtered(PlanFilterSet, request, plans, filters)


@router.get("/plans/{int:plan_id}", response={200: PlanDetailOut, 404: Message})
def oversight_plan(request, plan_id: PathId):
    """一份指导方案和它的检查事项。"""
    return _plan_detail(_plan(request, plan_id))


@router.post("/plans", response={201: PlanDetailOut, **REFUSED})
def oversight_plan_add(request, payload: GuidancePlanCreateIn):
    """制定指导方案（某领域、某年度）。"""
    org = get_object_or_404(Org.objects.granting(request.user, CHANGE), pk=payload.org_id)
    data = payload.dict()
    data.pop("org_id")
    return Status(201, _plan_detail(services.plan_save(actor=request.user, org=org, **data)))


@router.put("/plans/{int:plan_id}", response={200: PlanDetailOut, **REFUSED})
def oversight_plan_change(request, plan_id: PathId, payload: GuidancePlanIn):
    """修改指导方案（已有督导记录按其检查的，检查事项不能再改）。"""
    plan = _plan(request, plan_id, "change")
    return _plan_detail(services.plan_save(actor=request.user, org=plan.org, plan=plan, **payload.dict()))


@router.get("/checklist", response={200: ChecklistOut, 404: Message})
def oversight_checklist(request, org: str = Query(..., max_length=40, description="党组织编号或代码"),
                        year: int | None = Query(None, ge=2000, le=2100)):
    """某党组织适用的检查事项：本级或上级为其领域制定的最近一份指导方案。"""
    found = org_param(request.user, org, VIEW)
    if found is None:
        raise NotFound
    plan = selectors.plan_for(found, year or timezone.localdate().year)
    return {"plan": plan, "items": list(plan.items.values("id", "number", "text")) if plan else []}


# --- supervision teams and visits ----------------------------------------------------------------

def _team(request, team_id: int, action: str = "view") -> SupervisionTeam:
    return get_object_or_404(SupervisionTeam.objects.visible_to(request.user, action).select_related("org"),
                             pk=team_id)


def _team_detail(team: SupervisionTeam) -> dict:
    return {**{f: getattr(team, f) for f in ("id", "org_id", "name", "formed_on", "leader", "members")},
            "targets": list(team.targets.values_list("org_id", flat=True))}


@router.get("/teams", response=list[TeamOut])
@paginate(Pagination)
def oversight_teams(request, filters: Query[TeamFilters]):
    """督导组。"""
    require_perm(request.user, VIEW)
    teams = SupervisionTeam.objects.visible_to(request.user, "view").order_by("-formed_on", "pk")
    return filtered(TeamFilterSet, request, teams, filters)


@router.get("/teams/{int:team_id}", response={200: TeamDetailOut, 404: Message})
def oversight_team(request, team_id: PathId):
    """一个督导组和它的督导对象。"""
    return _team_detail(_team(request, team_id))


@router.post("/teams", response={201: TeamDetailOut, **REFUSED})
def oversight_team_add(request, payload: SupervisionTeamIn):
    """组建督导组（督导对象为本单位的下级党组织）。"""
    org = get_object_or_404(Org.objects.granting(request.user, CHANGE), pk=payload.org_id)
    data = payload.dict()
    data.pop("org_id")
    data["targets"] = selectors.orgs_named(org, " ".join(data["targets"]))
    return Status(201, _team_detail(services.team_form(actor=request.user, org=org, **data)))


def _visit_detail(visit: Visit) -> dict:
    return {**{f: getattr(visit, f) for f in ("id", "team_id", "org_id", "day", "findings", "problems")},
            "checks": list(visit.checks.values("item_id", "met", "note"))}


@router.get("/visits", response=list[VisitOut])
@paginate(Pagination)
def oversight_visits(request, filters: Query[VisitFilters]):
    """督导记录（本单位组织的，和到本单位及下级的）。"""
    require_perm(request.user, VIEW)
    visits = Visit.objects.visible_to(request.user, "view", tree_order=False).order_by("-day", "-pk")
    return filtered(VisitFilterSet, request, visits, filters)


@router.get("/visits/{int:visit_id}", response={200: VisitDetailOut, 404: Message})
def oversight_visit(request, visit_id: PathId):
    """一次督导的记录和逐项检查结果。"""
    return _visit_detail(get_object_or_404(Visit.objects.visible_to(request.user, "view"), pk=visit_id))


@router.post("/teams/{int:team_id}/visits", response={201: VisitDetailOut, **REFUSED})
def oversight_visit_add(request, team_id: PathId, payload: SupervisionVisitIn):
    """记录督导：按督导对象适用的检查事项逐项填写是否符合，和发现的问题。"""
    team = _team(request, team_id, "change")
    target = team.targets.select_related("org").filter(org_id=payload.org_id).first()
    if target is None:
        raise NotFound
    checks = {c.item_id: (c.met, c.note) for c in payload.checks}
    return Status(201, _visit_detail(services.visit_record(
        actor=request.user, team=team, org=target.org, day=payload.day, findings=payload.findings, checks=checks)))


# --- inspections and rectification -----------------------------------------------------------------

def _inspection(request, inspection_id: int, action: str = "view") -> Inspection:
    return get_object_or_404(Inspection.objects.visible_to(request.user, action).select_related("org"),
                             pk=inspection_id)


def _inspection_detail(inspection: Inspection) -> dict:
    fields = ("id", "org_id", "title", "year", "half", "kind", "timing", "notice", "started_on", "focus")
    return {**{f: getattr(inspection, f) for f in fields},
            "targets": list(inspection.targets.values_list("org_id", flat=True))}


@router.get("/inspections", response=list[InspectionOut])
@paginate(Pagination)
def oversight_inspections(request, filters: Query[InspectionFilters]):
    """巡查（本单位及下级开展的）。"""
    require_perm(request.user, VIEW)
    inspections = Inspection.objects.visible_to(request.user, "view", tree_order=False).order_by(
        "-year", "-half", "-started_on", "-pk")
    return filtered(InspectionFilterSet, request, inspections, filters)


@router.get("/inspections/{int:inspection_id}", response={200: InspectionDetailOut, 404: Message})
def oversight_inspection(request, inspection_id: PathId):
    """一次巡查和它的巡查对象。"""
    return _inspection_detail(_inspection(request, inspection_id))


@router.post("/inspections", response={201: InspectionDetailOut, **REFUSED})
def oversight_inspection_add(request, payload: InspectionIn):
    """开始巡查（巡查对象为本单位的下级党组织）。"""
    org = get_object_or_404(Org.objects.granting(request.user, INSPECT), pk=payload.org_id)
    data = payload.dict()
    data.pop("org_id")
    data["targets"] = selectors.orgs_named(org, " ".join(data["targets"]))
    return Status(201, _inspection_detail(services.inspection_start(actor=request.user, org=org, **data)))


@router.post("/inspections/{int:inspection_id}/items", response={201: ItemOut, **REFUSED})
def oversight_item_add(request, inspection_id: PathId, payload: ItemIn):  # type: ignore[valid-type]
    """记录巡查发现的问题，建立整改台账。"""
    inspection = _inspection(request, inspection_id, "inspect")
    if not get_scope(request.user).covers(inspection.org.path, INSPECT):
        raise NotFound
    data = payload.dict()
    target = inspection.targets.select_related("org").filter(org_id=data.pop("org_id")).first()
    if target is None:
        raise NotFound
    return Status(201, services.item_add(actor=request.user, inspection=inspection, org=target.org, **data))


def _item(request, item_id: int) -> RectificationItem:
    return get_object_or_404(RectificationItem.objects.visible_to(request.user, "view")
                             .select_related("org", "inspection__org"), pk=item_id)


def _acting(request, item_id: int, *, inspector: bool) -> RectificationItem:
    item = _item(request, item_id)
    org, perm = (item.inspection.org, INSPECT) if inspector else (item.org, CHANGE)
    if not get_scope(request.user).covers(org.path, perm):
        raise NotFound
    return item


def _item_detail(item: RectificationItem) -> dict:
    fields = ("id", "inspection_id", "org_id", "problem", "owner", "deadline", "evidence_required", "found_on",
              "state", "rounds", "escalated_to_id", "escalated_at", "closed_at")
    return {**{f: getattr(item, f) for f in fields}, "evidence": list(item.evidence.all())}


@router.get("/items", response=list[ItemOut])
@paginate(Pagination)
def oversight_items(request, filters: Query[ItemFilters]):
    """整改台账。"""
    require_perm(request.user, VIEW)
    items = RectificationItem.objects.visible_to(request.user, "view", tree_order=False).order_by("deadline", "pk")
    return filtered(ItemFilterSet, request, items, filters)


@router.get("/items/{int:item_id}", response={200: ItemDetailOut, 404: Message})
def oversight_item(request, item_id: PathId):
    """一项整改事项和每一轮提交、验收意见。"""
    return _item_detail(_item(request, item_id))


@router.post("/items/{int:item_id}/evidence", response={200: ItemDetailOut, **REFUSED})
def oversight_evidence_submit(request, item_id: PathId, payload: EvidenceIn):
    """整改单位提交整改情况（新的一轮），等待验收。"""
    evidence = services.evidence_submit(actor=request.user, item=_acting(request, item_id, inspector=False),
                                        text=payload.text)
    return _item_detail(evidence.item)


@router.post("/items/{int:item_id}/return", response={200: ItemDetailOut, **REFUSED})
def oversight_evidence_return(request, item_id: PathId, payload: EvidenceReturnIn):
    """巡查单位退回整改材料（可给出新的整改时限）。"""
    return _item_detail(services.evidence_return(actor=request.user, item=_acting(request, item_id, inspector=True),
                                                 comment=payload.comment, deadline=payload.deadline))


@router.post("/items/{int:item_id}/accept", response={200: ItemDetailOut, **REFUSED})
def oversight_evidence_accept(request, item_id: PathId, payload: AcceptIn):
    """巡查单位验收通过，整改事项销号。"""
    return _item_detail(services.evidence_accept(actor=request.user, item=_acting(request, item_id, inspector=True),
                                                 comment=payload.comment))


# --- quarterly bulletins ---------------------------------------------------------------------------------

Figure = float | None


class BulletinRowOut(Schema):
    org: int = Field(..., description="下级党组织编号")
    code: str
    name: str
    figures: dict[str, Figure]
    rank: int | None = Field(None, description="排名（并列同名次；无可比数据的不排名）")


class BulletinSectionOut(Schema):
    key: str
    title: str
    columns: list[list[str]] = Field(..., description="[指标代码, 指标名称]")
    rank_by: str | None
    higher_better: bool
    rows: list[BulletinRowOut]
    total: dict[str, Figure]
    text: str
    basis: str = Field(..., description="统计口径")


class BulletinDetailOut(BulletinOut):  # type: ignore[misc, valid-type]
    intro: str
    closing: str
    sections: list[BulletinSectionOut]


class BulletinIn(Schema):
    org_id: Id
    year: int = Field(..., ge=2000, le=2100)
    quarter: int = Field(..., ge=1, le=4)


class BulletinEditIn(Schema):
    title: str = Field(..., min_length=1, max_length=100)
    intro: str = Field("", max_length=2000)
    closing: str = Field("", max_length=2000)
    texts: dict[Annotated[str, Field(max_length=20)], Annotated[str, Field(max_length=2000)]] = Field(
        {}, max_length=20, description="各部分的文字，按部分代码（sections[].key）")


class BulletinPublishIn(Schema):
    on_portal: bool = Field(False, description="同时在门户网站“党务公开”栏目发布")


def _bulletin(request, bulletin_id: int, action: str = "view") -> Bulletin:
    return get_object_or_404(Bulletin.objects.visible_to(request.user, action).select_related("org"), pk=bulletin_id)


@router.get("/bulletins", response=list[BulletinOut])
@paginate(Pagination)
def oversight_bulletins(request, filters: Query[BulletinFilters]):
    """季度通报（本单位及下级的）。"""
    require_perm(request.user, VIEW)
    bulletins = Bulletin.objects.visible_to(request.user, "view", tree_order=False).order_by("-year", "-quarter", "pk")
    return filtered(BulletinFilterSet, request, bulletins, filters)


@router.get("/bulletins/{int:bulletin_id}", response={200: BulletinDetailOut, 404: Message})
def oversight_bulletin(request, bulletin_id: PathId):
    """一期季度通报：文字、各部分按下级单位的数据和排名、统计口径。"""
    return _bulletin(request, bulletin_id)


@router.post("/bulletins", response={201: BulletinDetailOut, **REFUSED})
def oversight_bulletin_generate(request, payload: BulletinIn):
    """按记录生成季度通报草稿；草稿已存在时按最新记录重新统计（已印发的不能重新生成）。"""
    org = get_object_or_404(Org.objects.granting(request.user, CHANGE), pk=payload.org_id)
    return Status(201, services.bulletin_generate(actor=request.user, org=org, year=payload.year,
                                                  quarter=payload.quarter))


@router.put("/bulletins/{int:bulletin_id}", response={200: BulletinDetailOut, **REFUSED})
def oversight_bulletin_edit(request, bulletin_id: PathId, payload: BulletinEditIn):
    """修改草稿的文字（标题、导语、各部分文字、下步要求）；数据不能修改。"""
    return services.bulletin_edit(actor=request.user, bulletin=_bulletin(request, bulletin_id, "change"),
                                  **payload.dict())


@router.post("/bulletins/{int:bulletin_id}/publish", response={200: BulletinDetailOut, **REFUSED})
def oversight_bulletin_publish(request, bulletin_id: PathId, payload: BulletinPublishIn):
    """印发通报（可同时在门户网站党务公开栏目发布）；印发后不再修改。"""
    return services.bulletin_publish(actor=request.user, bulletin=_bulletin(request, bulletin_id, "change"),
                                     on_portal=payload.on_portal)
