"""Demo oversight: the city's guidance plans for eight sectors with their checklists; supervision
teams formed by each district and each street, with visits over the last three months checked
against the checklists; each district's inspection of a share of its branches in the half-year of
sixty days ago, and the city's of its districts, whose findings stand in every state — open (some
overdue and escalated, 督办), submitted, returned, closed after one or two rounds. The demo
secretary's branch has an item to rectify and the 和平区 admin has evidence to accept. Rows go in
bulk; ``summaries.rebuild()`` (the demo command) fills the summary."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from core.bulk import insert_many
from orgs.models import BRANCH_KINDS, Org, OrgLevel, Sector
from oversight import rules
from oversight.models import (
    ChecklistItem,
    Decision,
    Evidence,
    GuidancePlan,
    Inspection,
    InspectionTarget,
    ItemState,
    RectificationItem,
    SupervisionTeam,
    TeamTarget,
    Visit,
    VisitCheck,
)

CHECKLISTS = {
    Sector.RURAL: ["村党组织书记队伍建设", "四议两公开落实", "党员活动阵地规范使用", "发展党员质量", "三会一课和主题党日"],
    Sector.COMMUNITY: ["社区大党委运行", "在职党员到社区报到", "网格党建全覆盖", "三会一课和主题党日", "党群服务中心开放"],
    Sector.GOVERNMENT: ["模范机关创建", "支部标准化规范化", "三会一课和主题党日", "党员教育管理", "作风建设"],
    Sector.SOE: ["党建工作写入公司章程", "双向进入交叉任职", "党建工作台账", "三会一课和主题党日", "党建与生产经营融合"],
    Sector.UNIVERSITY: ["院系党组织政治功能", "教师党支部书记双带头人", "学生党员发展", "三会一课和主题党日", "思政工作"],
    Sector.HOSPITAL: ["党委领导下的院长负责制", "科室党支部设置", "三会一课和主题党日", "医德医风", "党员示范岗"],
    Sector.NON_PUBLIC: ["党组织覆盖", "党建指导员派驻", "三会一课和主题党日", "党员作用发挥", "出资人支持党建"],
    Sector.SOCIAL_ORG: ["党组织覆盖", "章程写入党建内容", "三会一课和主题党日", "党员教育管理", "活动场所"],
}
PROBLEMS = ["三会一课记录不全，有月份支委会未召开", "支部委员会未按期换届", "党员教育管理台账缺失",
            "发展党员材料不规范，缺少培养考察记录", "主题党日活动流于形式", "党费收缴不及时",
            "党员活动阵地挪作他用", "组织生活会查摆问题不具体", "党建指导员未到岗履职"]
EVIDENCE = ["已补开支委会，会议记录和签到页已归档", "已完成换届选举，上级党组织已批复", "已建立党员教育管理台账",
            "已补齐培养考察记录", "已重新组织主题党日并形成记录"]
RETURNS = ["佐证材料不完整，缺少签到页", "整改不到位，请补充说明", "材料日期与整改时限不符"]
# (state, share) of the findings as they stand now
STATES = [(ItemState.CLOSED, 0.4), (ItemState.SUBMITTED, 0.15), (ItemState.RETURNED, 0.1), (ItemState.OPEN, 0.35)]
DEMO_BRANCH = "HP01C01B01"  # the demo secretary's branch (members/demo.py)


def _at(day: date, rng: random.Random):
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 18), rng.randrange(60))))


def load(rng: random.Random, *, share: float = 0.08) -> dict[str, int]:
    """Returns the counts of what it wrote."""
    today = timezone.localdate()
    city = Org.objects.filter(depth=1).order_by("path").first()
    if city is None:
        return {}
    checklists = _plans(city, today.year)
    districts = list(Org.objects.filter(depth=2).order_by("path"))
    branches: dict[int, list[Org]] = {d.pk: [] for d in districts}
    for org in Org.objects.filter(depth__gt=2, kind__in=BRANCH_KINDS).only("pk", "path", "depth", "sector", "name",
                                                                          "code"):
        for d in districts:
            if org.path.startswith(d.path):
                branches[d.pk].append(org)
                break
    teams, visits = _teams(rng, districts, branches, checklists, today)
    items = _inspections(rng, city, districts, branches, today, share)
    return {"teams": teams, "visits": visits, "items": items}


def _plans(city: Org, year: int) -> dict[str, list[int]]:
    plans = GuidancePlan.objects.bulk_create([
        GuidancePlan(org=city, sector=sector, year=year, title=f"{year}年{Sector(sector).label}领域党建工作指导方案")
        for sector in CHECKLISTS])
    ChecklistItem.objects.bulk_create([ChecklistItem(plan=plan, number=n, text=text) for plan in plans
                                       for n, text in enumerate(CHECKLISTS[plan.sector], start=1)])
    found: dict[str, list[int]] = {}
    for sector, pk in ChecklistItem.objects.filter(plan__in=plans).order_by("plan", "number").values_list(
            "plan__sector", "pk"):
        found.setdefault(sector, []).append(pk)
    return found


def _teams(rng, districts, branches, checklists, today) -> tuple[int, int]:
    """Three teams per district, one per street, each assigned up to a dozen branches; each team
    has visited about six in ten of them over the last three months."""
    streets = list(Org.objects.filter(level=OrgLevel.STREET).only("pk", "path", "name"))
    plan = []  # (forming org, name, targets)
    for d in districts:
        pool = branches[d.pk]
        for n in range(3):
            plan.append((d, f"{d.name.removeprefix('中共天津市').removesuffix('委员会')}第{'一二三'[n]}督导组",
                         rng.sample(pool, k=min(12, len(pool)))))
    for s in streets:
        pool = [b for d in districts if s.path.startswith(d.path) for b in branches[d.pk] if b.path.startswith(s.path)]
        if pool:
            plan.append((s, f"{s.name}督导组", rng.sample(pool, k=min(12, len(pool)))))
    formed = today - timedelta(days=100)
    teams = SupervisionTeam.objects.bulk_create([
        SupervisionTeam(org=org, name=name[:50], formed_on=formed, leader=rng.choice(["刘明", "陈红", "周强", "孙丽"]),
                        members="组织部干部、党建指导员") for org, name, _ in plan])
    TeamTarget.objects.bulk_create([TeamTarget(team=team, org=target) for team, (_, _, targets) in zip(teams, plan, strict=True)
                                    for target in targets], batch_size=2000)
    visits, checks = [], []
    for team, (_, _, targets) in zip(teams, plan, strict=True):
        for target in targets:
            if rng.random() < 0.6:
                items = checklists.get(target.sector, [])
                unmet = [pk for pk in items if rng.random() < 0.12]
                visits.append(Visit(team=team, org=target, day=today - timedelta(days=rng.randrange(90)),
                                    problems=len(unmet), findings="；".join(rng.sample(PROBLEMS, k=len(unmet))) if unmet
                                    else ""))
                checks.append([(pk, pk not in unmet) for pk in items])
    Visit.objects.bulk_create(visits, batch_size=2000)
    VisitCheck.objects.bulk_create([VisitCheck(visit=visit, item_id=pk, met=met, note="" if met else "需整改")
                                    for visit, rows in zip(visits, checks, strict=True) for pk, met in rows],
                                   batch_size=5000)
    return len(teams), len(visits)


def _inspections(rng, city, districts, branches, today, share) -> int:
    started = today - timedelta(days=60)
    half = 1 if started.month <= 6 else 2
    secretary = User.objects.filter(username="secretary").first()
    rounds = [(city, f"{started.year}年{'上' if half == 1 else '下'}半年各区党建工作专项巡查", districts, "special")]
    for d in districts:
        pool = branches[d.pk]
        targets = rng.sample(pool, k=min(len(pool), max(3, round(len(pool) * share))))
        demo = next((b for b in pool if b.code == DEMO_BRANCH), None)
        if demo is not None and demo not in targets:
            targets.append(demo)
        rounds.append((d, f"{started.year}年{'上' if half == 1 else '下'}半年基层党建综合巡查", targets, "general"))
    inspections = Inspection.objects.bulk_create([
        Inspection(org=org, title=title, year=started.year, half=half, kind=kind,
                   timing=rng.choice(["scheduled", "random"]), notice=rng.choice(["announced", "unannounced"]),
                   started_on=started, focus="三会一课、换届选举、发展党员") for org, title, _, kind in rounds])
    InspectionTarget.objects.bulk_create([InspectionTarget(inspection=inspection, org=target)
                                          for inspection, (_, _, targets, _) in zip(inspections, rounds, strict=True)
                                          for target in targets], batch_size=2000)
    items = []
    for inspection, (_, _, targets, _) in zip(inspections, rounds, strict=True):
        for target in targets:
            for _ in range(rng.choice([1, 1, 2])):
                items.append(_item(rng, inspection, target, started, today))
    demo_items = [i for i in items if i.org.code == DEMO_BRANCH][:2]
    for item, state in zip(demo_items, [ItemState.OPEN, ItemState.RETURNED], strict=False):
        item.state, item.deadline = state, today + timedelta(days=20)  # the demo secretary has work to do
    waiting = next((i for i in items if i.inspection.org.code == "HP" and not any(i is d for d in demo_items)), None)
    if waiting is not None:
        waiting.state = ItemState.SUBMITTED  # and the 和平区 admin has evidence to accept
    _escalate(items, today)
    evidence = [_rounds(rng, item, today, secretary if any(item is d for d in demo_items) else None) for item in items]
    RectificationItem.objects.bulk_create(items, batch_size=2000)
    insert_many(Evidence, [{**row, "item_id": item.pk} for item, rows in zip(items, evidence, strict=True)
                           for row in rows])
    return len(items)


def _item(rng, inspection, org, started, today) -> RectificationItem:
    found = started + timedelta(days=rng.randrange(15))
    state = rng.choices([s for s, _ in STATES], weights=[w for _, w in STATES])[0]
    deadline = found + timedelta(days=rng.choice([30, 45, 60, 90]))
    return RectificationItem(inspection=inspection, org=org, problem=rng.choice(PROBLEMS),
                             owner=rng.choice(["支部书记", "组织委员", "党总支书记"]), deadline=deadline,
                             evidence_required="整改后的会议记录、照片或上级批复", found_on=found, state=state,
                             created=_at(found, rng))


def _escalate(items, today) -> None:
    """What ``services.items_escalate`` would have done by today, in bulk."""
    paths = []
    for item in items:
        if item.state in (ItemState.OPEN, ItemState.RETURNED) and item.deadline < today:
            depth = rules.escalation_depth(org_depth=item.org.depth, inspector_depth=item.inspection.org.depth,
                                           days_overdue=(today - item.deadline).days)
            paths.append((item, item.org.path[:depth * Org.steplen]))
    ids = dict(Org.objects.filter(path__in={path for _, path in paths}).values_list("path", "pk"))
    for item, path in paths:
        item.escalated_to_id = ids[path]
        item.escalated_at = timezone.make_aware(datetime.combine(item.deadline + timedelta(days=1), time(0, 30)))


def _rounds(rng, item, today, submitter) -> list[dict]:
    """The evidence rows (without the item's id) of an item in its state: none (open), a returned round (returned, and
    often before an accepted one), a pending round (submitted), an accepted round (closed)."""
    if item.state == ItemState.OPEN:
        return []
    first = item.found_on + timedelta(days=rng.randint(5, 25))
    first = min(first, today)
    decisions = {ItemState.RETURNED: [Decision.RETURNED], ItemState.SUBMITTED: [""],
                 ItemState.CLOSED: [Decision.ACCEPTED] if rng.random() < 0.7 else [Decision.RETURNED, Decision.ACCEPTED]}
    rows = []
    for n, decision in enumerate(decisions[item.state], start=1):
        day = min(first + timedelta(days=7 * (n - 1)), today)
        rows.append({"round": n, "text": rng.choice(EVIDENCE),
                     "submitted_by_id": submitter.pk if submitter else None, "decision": decision,
                     "comment": rng.choice(RETURNS) if decision == Decision.RETURNED else ("整改到位" if decision else ""),
                     "decided_at": _at(min(day + timedelta(days=2), today), rng) if decision else None,
                     "created": _at(day, rng), "updated": _at(day, rng)})
    if item.state == ItemState.CLOSED:
        item.closed_at = rows[-1]["decided_at"]
    item.rounds = len(rows)
    return rows


def load_bulletins() -> list[int]:
    """Last quarter's bulletins, through the services, after the summaries are rebuilt (they read
    them): the city's, published (and in the portal's 党务公开 when the portal has it), and the
    和平区 admin's draft. Returns the bulletins' ids; none without the demo's admin accounts."""
    from oversight import bulletins, services
    from portal.models import Channel

    year, quarter = bulletins.last_quarter(timezone.localdate())
    made = []
    for username, code, publish in (("city_admin", None, True), ("heping_admin", "HP", False)):
        user = User.objects.filter(username=username).first()
        org = Org.objects.filter(code=code).first() if code else Org.objects.filter(depth=1).order_by("path").first()
        if user is None or org is None:
            continue
        bulletin = services.bulletin_generate(actor=user, org=org, year=year, quarter=quarter)
        if publish:
            on_portal = Channel.objects.filter(code=services.PORTAL_CHANNEL).exists()
            bulletin = services.bulletin_publish(actor=user, bulletin=bulletin, on_portal=on_portal)
        made.append(bulletin.pk)
    return made
