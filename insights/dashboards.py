"""The dashboards (数据看板) of one org's subtree, and the city's big screen (大屏): figures read from
the summary tables (members' MemberCount and MemberProfile, recruitment's CaseStep, orglife's
MeetingPeriods), never by counting records per member or per meeting. Each figure carries the
address of the filtered list of the records it counts; each child org's bar the address of that
child's dashboard (the drill-down). The caller has found ``root`` through the user's scope.

Ages and 党龄 are read from year counts (``MemberProfile`` holds birth years and years joined): a
member's age is this year minus their birth year, their 党龄 this year minus the year they joined —
whole calendar years, the same arithmetic the member list's year filters apply, so the figure and
the list it opens agree on any day of the year."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from care.models import VisitMonth
from core.access import subtree_q
from insights.cached import for_a_minute
from members.filters import NOT_FILLED
from members.models import Education, Gender, MemberProfile
from orglife import selectors as orglife_selectors
from orgs import selectors as org_selectors
from orgs.models import Org, OrgKind
from recruitment import rules as recruitment_rules
from recruitment.filters import IN_PROGRESS
from recruitment.models import Stage
from recruitment.selectors import step_rollup, warning_rollup
from transfers.models import LetterMonth

# Age bands (years, inclusive; None: open) and 党龄 bands, as the organization departments' tables
# group them (党内统计年报: 30岁及以下 … 61岁及以上; 党龄 5年以下 …).
AGE_BANDS = ((None, 30, "30岁及以下"), (31, 40, "31至40岁"), (41, 50, "41至50岁"), (51, 60, "51至60岁"),
             (61, None, "61岁及以上"))
STANDING_BANDS = ((None, 4, "5年以下"), (5, 9, "5至9年"), (10, 19, "10至19年"), (20, 29, "20至29年"),
                  (30, 49, "30至49年"), (50, None, "50年及以上"))
OCCUPATIONS_SHOWN = 12  # the most frequent occupations listed one by one; the rest as 其他
HEAT_MONTHS = 6  # the compliance heat map's months, ending with this one


@dataclass
class Figure:
    """One number of a chart: its label, value and the list of the records it counts (``url``;
    empty where no one list holds them); ``drill`` the child org's dashboard."""

    label: str
    value: int
    url: str = ""
    drill: str = ""


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # bar, pie, funnel
    figures: list[Figure]
    note: str = ""
    summable: bool = True  # False where the figures overlap (the deadlines: overdue is also due)

    @property
    def total(self) -> int | None:
        return sum(f.value for f in self.figures) if self.summable else None


@dataclass
class HeatMap:
    """三会一课 compliance per child org and month: the share of the requirements due that were met
    (percent; None where none was due), each cell linked to the compliance page of that org and month."""

    months: list[date]
    rows: list[tuple[Org, list[tuple[int | None, str]]]]


@dataclass
class Dashboard:
    org: Org
    today: date
    members: int
    charts: list[Chart] = field(default_factory=list)
    heat: HeatMap | None = None

    def chart(self, key: str) -> Chart:
        return next(c for c in self.charts if c.key == key)


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode({k: v for k, v in params.items() if v not in (None, '')})}"


def dashboard_url(org: Org) -> str:
    return _url("insights:dashboard", org=org.pk)


def members_url(org: Org, **params) -> str:
    return _url("members:list", org=org.pk, **params)


def _band_years(low, high, this_year: int) -> tuple[int | None, int | None]:
    """An age (or 党龄) band as the birth (or joining) years it covers: (from, to), None open."""
    return (None if high is None else this_year - high, None if low is None else this_year - low)


def profile(root: Org) -> dict[str, Counter]:
    """The subtree's members in good standing per dimension and value: the root's own rows of the
    member profile (a tree summary: an org's rows count its whole subtree), a few hundred rows
    whatever the subtree's size."""
    found: dict[str, Counter] = {}
    for dimension, value, n in MemberProfile.objects.filter(org=root).values_list("dimension", "value", "total"):
        if n:
            found.setdefault(dimension, Counter())[value] += n
    return found


def _banded(counts: Counter, bands, this_year: int, org: Org, params: tuple[str, str]) -> list[Figure]:
    figures = []
    for low, high, label in bands:
        first, last = _band_years(low, high, this_year)
        n = sum(v for year, v in counts.items()
                if (first is None or int(year) >= first) and (last is None or int(year) <= last))
        figures.append(Figure(label, n, members_url(org, **{params[0]: first, params[1]: last})))
    return figures


def member_charts(root: Org, today: date) -> list[Chart]:
    counts = profile(root)
    year = today.year
    gender = counts.get("gender", Counter())
    education = counts.get("education", Counter())
    occupation = counts.get("occupation", Counter())
    listed = occupation.most_common(OCCUPATIONS_SHOWN)
    others = sum(occupation.values()) - sum(n for _v, n in listed)
    occupations = [Figure(value or NOT_FILLED, n, members_url(root, occupation=value or NOT_FILLED))
                   for value, n in listed]
    if others:
        occupations.append(Figure("其他", others))
    return [
        Chart("age", "党员年龄", "bar", _banded(counts.get("birth_year", Counter()), AGE_BANDS, year, root,
                                                ("born_from", "born_to")),
              note=f"年龄按出生年份计算（{year}年减出生年份）"),
        Chart("gender", "党员性别", "pie", [Figure(label, gender[value], members_url(root, gender=value))
                                          for value, label in Gender.choices]),
        Chart("education", "党员学历", "bar",
              [Figure(label, education[value], members_url(root, education=value)) for value, label in Education.choices]
              + ([Figure(NOT_FILLED, education[""], members_url(root, education=NOT_FILLED))] if education[""] else [])),
        Chart("occupation", "党员职业", "bar", occupations,
              note=f"按档案所填职业，列出人数最多的 {OCCUPATIONS_SHOWN} 种" if others else ""),
        Chart("standing", "党龄", "bar", _banded(counts.get("joined_year", Counter()), STANDING_BANDS, year, root,
                                                ("joined_from", "joined_to")),
              note=f"党龄按入党年份计算（{year}年减入党年份）"),
    ]


def child_orgs(root: Org, user) -> list[Org]:
    """The child orgs a dashboard compares: not a branch's groups (their members are the branch's)."""
    return list(Org.objects.visible_to(user).filter(subtree_q("path", root.path), depth=root.depth + 1)
                .exclude(kind=OrgKind.GROUP).order_by("path"))


def short_name(org: Org) -> str:
    """A district committee as the screen's tile names it: 中共天津市和平区委员会 → 和平区."""
    return next((name for name in TILES if name in org.name), org.name)


def members_of(orgs) -> dict[int, int]:
    """Members in good standing of each org's subtree: the sum of its own profile rows of one
    dimension (sex: every member has one) — two rows per org whatever the subtree's size (the member
    profile is a tree summary). The orgs were found through the user's scope, as the profile's
    charts are read."""
    orgs = list(orgs)
    found = dict(MemberProfile.objects.filter(org__in=orgs, dimension="gender").order_by().values("org")
                 .annotate(n=Sum("total")).values_list("org", "n"))
    return {org.pk: found.get(org.pk) or 0 for org in orgs}


def children_chart(root: Org, user, counts: dict | None = None) -> Chart:
    """Members of each child org's subtree: a bar per child, opening its dashboard. ``counts``:
    ``members_of`` the children, where the caller has read them with the root's."""
    children = child_orgs(root, user)
    if counts is None:
        counts = members_of(children)
    return Chart("children", "下级党组织党员人数", "bar",
                 [Figure(c.name, counts[c.pk], members_url(c), dashboard_url(c)) for c in children])


def recruitment_charts(root: Org, user, today: date) -> list[Chart]:
    """Cases in progress by stage (CaseStep: the stage of the last step done) and the cases with a
    step overdue or due (the cases' stored days, one grouped query)."""
    # The cases' figures change with the day (deadlines): the city's and a district's counted at
    # most once a minute (insights.cached), a street's and below now.
    steps, colours = for_a_minute("recruitment", root, user, "recruitment.view",
                                  lambda: (step_rollup(root, user), warning_rollup(root, user, today)))
    by_stage: Counter = Counter()
    for figures in [steps["own"], *(f for _c, f in steps["children"])]:
        for step, n in figures.items():
            by_stage[recruitment_rules.STEP[step].stage] += n
    funnel = [Figure(label, by_stage[value], _url("recruitment:list", org=root.pk, status=IN_PROGRESS, stage=value))
              for value, label in Stage.choices]
    red = sum(c.get("red", 0) for c in [colours["own"], *(c for _o, c in colours["children"])])
    yellow = sum(c.get("yellow", 0) for c in [colours["own"], *(c for _o, c in colours["children"])])
    deadlines = [Figure("已逾期", red, _url("recruitment:list", org=root.pk, warning="red")),
                 Figure("已到提醒日（含逾期）", red + yellow, _url("recruitment:list", org=root.pk, warning="yellow"))]
    return [Chart("funnel", "发展党员（在办，按阶段）", "funnel", funnel),
            Chart("deadlines", "发展党员步骤时限", "bar", deadlines, summable=False,
                  note="在办案例中，某一步骤已过最后期限（已逾期），或已到提醒日（含已逾期）的案例数")]


ACTIVITY_MONTHS = 12  # the transfers' and care's monthly charts: this month and the eleven before


def activity_charts(root: Org, today: date) -> list[Chart]:
    """Letters issued and received (transfers' LetterMonth) and care visits (care's VisitMonth) per
    month of the last year, in the subtree: one grouped read of each summary; each month opens the
    list of its letters or visits."""
    months = months_ending(today, ACTIVITY_MONTHS)
    # The tree's only root (the city) is every row: no path range, the month index alone.
    within = Q() if org_selectors.is_only_root(root) else subtree_q("org__path", root.path)
    letters = {month: (issued, received) for month, issued, received in (
        LetterMonth.objects.filter(within, month__gte=months[0]).order_by().values("month")
        .annotate(i=Sum("issued"), r=Sum("received")).values_list("month", "i", "r"))}
    visits = dict(VisitMonth.objects.filter(within, month__gte=months[0]).order_by().values("month")
                  .annotate(n=Sum("visits")).values_list("month", "n"))

    def label(month: date) -> str:
        return f"{month:%Y-%m}"
    return [
        Chart("letters_out", "组织关系转出（开具介绍信，按月）", "bar",
              [Figure(label(m), letters.get(m, (0, 0))[0],
                      _url("transfers:list", from_org=root.pk, issued_month=label(m))) for m in months],
              note="按开具日期计数，含其后被退回、撤销或过期的介绍信"),
        Chart("letters_in", "组织关系转入（接收，按月）", "bar",
              [Figure(label(m), letters.get(m, (0, 0))[1],
                      _url("transfers:list", to_org=root.pk, received_month=label(m))) for m in months],
              note="按接收日期计数，含平台外转入"),
        Chart("care_visits", "走访慰问（人次，按月）", "bar",
              [Figure(label(m), visits.get(m, 0), _url("care:visits", org=root.pk, month=label(m)))
               for m in months],
              note="按党员现所在党组织计数"),
    ]


def months_ending(today: date, n: int) -> list[date]:
    months = [today.replace(day=1)]
    while len(months) < n:
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    return months


def heat_map(root: Org, today: date) -> HeatMap:
    """三会一课 compliance of each child org in each of the last months (MeetingPeriods, one read per
    two months: orglife.selectors.rollups packs each holder's figures of the months it reads into
    one integer, which holds two months' but not six)."""
    months = months_ending(today, HEAT_MONTHS)
    results = [result for i in range(0, len(months), 2)
               for result in orglife_selectors.rollups(root, months=months[i:i + 2], today=today, worst=0)]
    by_org: dict[int, dict[date, int | None]] = {}
    orgs: dict[int, Org] = {}
    for result in results:
        for tally in result.children:
            orgs[tally.org.pk] = tally.org
            by_org.setdefault(tally.org.pk, {})[result.month] = tally.rate
    if not orgs:  # a branch: its own items
        for result in results:
            orgs[root.pk] = root
            by_org.setdefault(root.pk, {})[result.month] = result.total.rate
    compliance = reverse("orglife:compliance")
    rows = [(org, [(by_org[pk].get(m), f"{compliance}?{urlencode({'org': pk, 'month': f'{m:%Y-%m}'})}")
                   for m in months]) for pk, org in sorted(orgs.items(), key=lambda item: item[1].path)]
    return HeatMap(months, rows)


def dashboard(root: Org, user, today: date) -> Dashboard:
    counts = members_of([root, *child_orgs(root, user)])  # one read of two rows per org
    board = Dashboard(root, today, counts[root.pk])
    children = children_chart(root, user, counts)
    if children.figures:
        board.charts.append(children)
    board.charts += member_charts(root, today)
    board.charts += recruitment_charts(root, user, today)
    board.charts += activity_charts(root, today)
    board.heat = heat_map(root, today)
    return board


# --- the big screen ------------------------------------------------------------------------------

# The 16 districts of Tianjin as a tile grid (column, row), roughly where they lie: 蓟州 at the top,
# 静海 bottom left, 滨海新区 along the sea. A schematic, not a map: no outside map data.
TILES = {"蓟州区": (3, 0), "宝坻区": (3, 1), "武清区": (1, 2), "宁河区": (4, 2), "北辰区": (2, 2),
         "红桥区": (1, 3), "河北区": (2, 3), "东丽区": (3, 3), "滨海新区": (4, 3), "南开区": (1, 4),
         "和平区": (2, 4), "河东区": (3, 4), "西青区": (0, 4), "河西区": (2, 5), "津南区": (3, 5),
         "静海区": (0, 5)}
SCREEN_REFRESH_SECONDS = 60
INDICATORS = {"members": "党员人数", "compliance": "三会一课完成率（上月）", "overdue": "发展党员逾期案例"}


@dataclass
class Tile:
    org: Org
    column: int
    row: int
    members: int
    compliance: int | None
    overdue: int

    def value(self, indicator: str) -> int | None:
        return getattr(self, indicator)


def screen_tiles(root: Org, user, today: date) -> list[Tile]:
    """Each child org of ``root`` (the city's districts) with the screen's indicators: members
    (MemberCount), last month's compliance (MeetingPeriods) and overdue cases (one grouped query).
    Children naming no district of ``TILES`` fill the rows below."""
    children = child_orgs(root, user)
    counts = members_of(children)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    compliance = {t.org.pk: t.rate for t in orglife_selectors.rollup(root, month=last_month, today=today,
                                                                      worst=0).children}
    overdue = {c.pk: figures.get("red", 0) for c, figures in warning_rollup(root, user, today)["children"]}
    tiles, spare = [], 0
    for child in children:
        # A district committee's name holds its district's ("中共天津市和平区委员会").
        column, row = next((place for name, place in TILES.items() if name in child.name), (None, None))
        if column is None:
            column, row = spare % 5, 6 + spare // 5
            spare += 1
        tiles.append(Tile(child, column, row, counts[child.pk], compliance.get(child.pk),
                          overdue.get(child.pk, 0)))
    return tiles


def chart_data(chart: Chart) -> dict:
    return {"key": chart.key, "title": chart.title, "kind": chart.kind, "total": chart.total, "note": chart.note,
            "figures": [{"label": f.label, "value": f.value, "url": f.url, "drill": f.drill} for f in chart.figures]}


def screen_data(root: Org, user, today: date) -> dict:
    """What the big screen shows, as the API and the screen's own refresh (same origin, the
    session's login) send it: the tiles and four charts."""
    tiles = screen_tiles(root, user, today)
    charts = [c for c in member_charts(root, today) if c.key in ("age", "gender", "education")]
    charts += [c for c in recruitment_charts(root, user, today) if c.key == "funnel"]
    members = members_of([root])[root.pk]
    return {"org_id": root.pk, "org_name": root.name, "updated": f"{timezone.localtime():%Y-%m-%d %H:%M}",
            "members": members, "indicators": INDICATORS,
            "tiles": [{"org_id": t.org.pk, "org_name": short_name(t.org), "column": t.column, "row": t.row,
                       "members": t.members, "compliance": t.compliance, "overdue": t.overdue,
                       "dashboard": dashboard_url(t.org)} for t in tiles],
            "charts": [chart_data(c) for c in charts]}
