"""/api/v1/insights: the workbench, the warnings and the health index under the same scoping as
the pages (an org out of scope is 404, text that is neither an id nor a code 422 in Chinese)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from core.api import REFUSED, Message, Pagination
from insights import dashboards, report, rules, selectors

router = Router(tags=["智能分析"])

ORG_PARAM = Query(None, max_length=32, description="党组织ID或组织代码（默认本人管理范围的顶层）")


class WarningOut(Schema):
    level: str
    level_label: str
    kind: str
    kind_label: str
    org_id: int
    org_name: str
    text: str
    source: str
    url: str
    due: date | None


class HealthRowOut(Schema):
    org_id: int
    org_name: str
    index: float | None
    scores: dict[str, float | None]
    figures: dict[str, list[int]]


class HealthOut(Schema):
    org_id: int
    org_name: str
    formula: str
    weights: dict[str, int]
    rows: list[HealthRowOut]


class DueOut(Schema):
    panel: str
    text: str
    url: str
    level: str
    due: date | None


class BranchBenchOut(Schema):
    org_id: int
    org_name: str
    items: list[DueOut]


class WorstOut(Schema):
    org_id: int
    org_name: str
    red: int
    yellow: int


class SubtreeBenchOut(Schema):
    org_id: int
    org_name: str
    members: int
    orgs: int
    compliance_rate: int | None
    meeting_red: int
    meeting_yellow: int
    cases_red: int
    cases_yellow: int
    warnings: int
    cases_by_stage: dict[str, int]
    worst: list[WorstOut]


class UpcomingOut(Schema):
    meeting_id: int
    org_name: str
    kind: str
    held_on: date
    topic: str


class MemberBenchOut(Schema):
    member_id: int
    name: str
    upcoming: list[UpcomingOut]
    sign_ins: int
    attendance_rate: int | None
    pending_corrections: int


class WorkbenchOut(Schema):
    branches: list[BranchBenchOut]
    subtrees: list[SubtreeBenchOut]
    member: MemberBenchOut | None


PANELS = ("meetings", "recruitment", "returned", "corrections", "transfers", "visits", "dues", "study")


def _warning_out(w: selectors.Warning) -> dict:
    return {"level": w.level, "level_label": w.level_label, "kind": w.kind, "kind_label": selectors.KIND_LABELS[w.kind],
            "org_id": w.org.pk, "org_name": w.org.name, "text": w.text, "source": w.source, "url": w.url, "due": w.due}


@router.get("/warnings", response={200: list[WarningOut], 401: Message, **REFUSED})
@paginate(Pagination)
def insights_warnings(request, org: str | None = ORG_PARAM):
    """本组织及下级的预警：红色在前，其次按截止日期；每条注明依据（条款或本地设置）和办理页面。"""
    root = selectors.require_root(request.user, org)
    today = timezone.localdate()
    found = selectors.warnings(root, today)
    selectors.explain(found, today)
    return [_warning_out(w) for w in found]


@router.get("/health", response={200: HealthOut, 401: Message, **REFUSED})
def insights_health(request, org: str | None = ORG_PARAM):
    """下级党组织的健康指数（公式与权重见 formula、weights；权重为本地设置），最差的在前。"""
    root = selectors.require_root(request.user, org)
    weights, rows = selectors.health(root, request.user)
    return {"org_id": root.pk, "org_name": root.name, "formula": rules.FORMULA, "weights": weights,
            "rows": [{"org_id": h.org.pk, "org_name": h.org.name, "index": h.index, "scores": h.scores,
                      "figures": {k: list(v) for k, v in h.figures.items()}} for h in rows]}


@router.get("/workbench", response={200: WorkbenchOut, 401: Message})
def insights_workbench(request):
    """本人的工作台：党支部的待办与逾期事项、上级党组织的汇总数字、党员本人的事项。"""
    bench = selectors.workbench(request.user)
    member = bench.member
    return {
        "branches": [{"org_id": b.org.pk, "org_name": b.org.name,
                      "items": [{"panel": panel, "text": i.text, "url": i.url, "level": i.level, "due": i.due}
                                for panel in PANELS for i in getattr(b, panel)]} for b in bench.branches],
        "subtrees": [{"org_id": s.org.pk, "org_name": s.org.name, "members": s.members, "orgs": s.orgs,
                      "compliance_rate": s.compliance.rate, "meeting_red": s.meeting_red,
                      "meeting_yellow": s.meeting_yellow, "cases_red": s.cases_red, "cases_yellow": s.cases_yellow,
                      "warnings": s.warnings, "cases_by_stage": {str(k): v for k, v in s.by_stage.items()},
                      "worst": [{"org_id": t.org.pk, "org_name": t.org.name, "red": t.counts["red"],
                                 "yellow": t.counts["yellow"]} for t in s.worst]} for s in bench.subtrees],
        "member": None if member is None else {
            "member_id": member.member.pk, "name": member.member.name, "sign_ins": member.sign_ins,
            "attendance_rate": member.rate, "pending_corrections": len(member.corrections),
            "upcoming": [{"meeting_id": m.pk, "org_name": m.org.name, "kind": m.get_kind_display(),
                          "held_on": m.held_on, "topic": m.topic} for m in member.upcoming]},
    }


class ReportFigureOut(Schema):
    key: str
    label: str
    value: int
    basis: str = Field(..., description="统计口径：数据表与统计条件")


class ReportParagraphOut(Schema):
    heading: str
    text: str


class AnnualReportOut(Schema):
    org_id: int
    org_name: str
    year: int
    title: str
    paragraphs: list[ReportParagraphOut]
    figures: list[ReportFigureOut]


@router.get("/report", response={200: AnnualReportOut, 401: Message, **REFUSED})
def insights_report(request, org: str | None = ORG_PARAM,
                    year: int | None = Query(None, ge=2000, le=2100, description="年度（默认今年，不晚于今年）")):
    """年度党建工作统计报告：按年度统计的各项数字、中文表述和每个数字的统计口径（.docx/.xlsx 见网页）。"""
    root = selectors.require_root(request.user, org)
    this_year = timezone.localdate().year
    if year is not None and year > this_year:
        raise ValidationError(f"年度不能晚于今年（{this_year}年）")
    made = report.annual(root, year or this_year)
    return {"org_id": root.pk, "org_name": root.name, "year": made.year, "title": report.title_of(made),
            "paragraphs": [{"heading": h, "text": t} for h, t in made.paragraphs],
            "figures": [{"key": k, "label": f.label, "value": f.value, "basis": f.basis} for k, f in made.figures.items()]}
class FigureOut(Schema):
    label: str
    value: int
    url: str
    drill: str


class ChartOut(Schema):
    key: str
    title: str
    kind: str
    total: int | None
    note: str
    figures: list[FigureOut]


class HeatRowOut(Schema):
    org_id: int
    org_name: str
    rates: list[int | None]
    urls: list[str]


class DashboardOut(Schema):
    org_id: int
    org_name: str
    today: date
    members: int
    charts: list[ChartOut]
    months: list[str]
    heat: list[HeatRowOut]


class TileOut(Schema):
    org_id: int
    org_name: str
    column: int
    row: int
    members: int
    compliance: int | None
    overdue: int
    dashboard: str


class ScreenOut(Schema):
    org_id: int
    org_name: str
    updated: str
    members: int
    indicators: dict[str, str]
    tiles: list[TileOut]
    charts: list[ChartOut]


@router.get("/dashboard", response={200: DashboardOut, 401: Message, **REFUSED})
def insights_dashboard(request, org: str | None = ORG_PARAM):
    """本组织的数据看板：党员年龄、性别、学历、职业、党龄，下级党组织党员人数，发展党员各阶段与时限，
    三会一课完成率（近六个月、按下级组织）；每个数字附所统计记录的列表地址（url）、下级组织附其看板地址（drill）。"""
    root = selectors.require_root(request.user, org)
    board = dashboards.dashboard(root, request.user, timezone.localdate())
    heat = board.heat
    return {"org_id": root.pk, "org_name": root.name, "today": board.today, "members": board.members,
            "charts": [dashboards.chart_data(c) for c in board.charts],
            "months": [f"{m:%Y-%m}" for m in heat.months] if heat else [],
            "heat": [{"org_id": o.pk, "org_name": o.name, "rates": [r for r, _u in cells], "urls": [u for _r, u in cells]}
                     for o, cells in (heat.rows if heat else [])]}


@router.get("/screen", response={200: ScreenOut, 401: Message, **REFUSED})
def insights_screen(request, org: str | None = ORG_PARAM):
    """大屏的数据：各下级党组织（全市的16个区）的党员人数、上月三会一课完成率、发展党员逾期案例，及全局的党员构成与发展党员阶段。"""
    root = selectors.require_root(request.user, org)
    return dashboards.screen_data(root, request.user, timezone.localdate())
