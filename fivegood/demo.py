"""Demo 五好党支部: the city's issued standard for all sectors (five dimensions, fifteen items, 100
points) and a rural standard issued by the first district with rural branches; this year's
assessments of a share of the branches in every state — assessing themselves (one returned with a
reason), submitted, assessed with grades from the upper scores (``rules.grade_for``) and their
``GradeChange`` — and, among the 五好 ones, exemplars (up to the article's 60), most published on
the portal's 党务公开 channel. The demo secretary's branch is assessing itself; the 和平区 admin has
self-assessments to assess. Rows go in bulk; ``summaries.rebuild()`` (the demo command) fills the
summary."""

import random

from django.utils import timezone

from accounts.models import User
from core.bulk import insert_many
from fivegood import rules
from fivegood.models import (
    Assessment,
    AssessmentScore,
    AssessmentState,
    Dimension,
    Exemplar,
    ExemplarState,
    GradeChange,
    SetState,
    StandardItem,
    StandardSet,
)
from orgs.models import Org, OrgKind, Sector
from portal.models import Channel
from portal.services import publish_notice

CITY_ITEMS = {
    "支部班子好": [("支部委员会按期换届、职数配齐", 7), ("书记履行第一责任人职责", 7), ("班子团结、议事规则健全", 6)],
    "党员管理好": [("党员教育管理台账完整", 7), ("按规定发展党员、程序规范", 7), ("党费按时足额收缴", 6)],
    "制度落实好": [("三会一课按规定召开并记录", 7), ("组织生活会和民主评议党员", 7), ("主题党日每月开展", 6)],
    "思想作风好": [("理论学习计划落实", 7), ("党员在线学习达标", 7), ("无违纪违法问题", 6)],
    "作用发挥好": [("党员联系服务群众", 7), ("党员先锋岗、承诺践诺", 7), ("群众满意度测评", 6)],
}
RURAL_ITEMS = {
    "支部班子好": [("村党组织书记队伍建设", 10), ("村两委班子结构合理", 10)],
    "党员管理好": [("流动党员管理", 10), ("农村党员发展质量", 10)],
    "制度落实好": [("四议两公开落实", 10), ("三会一课和主题党日", 10)],
    "思想作风好": [("村务公开、廉洁履职", 10), ("党员学习教育", 10)],
    "作用发挥好": [("带领群众发展集体经济", 10), ("乡村治理和为民服务", 10)],
}
STATES = [(AssessmentState.SELF, 0.2), (AssessmentState.SUBMITTED, 0.15), (AssessmentState.ASSESSED, 0.65)]
EVIDENCE = ["会议记录和签到表已归档", "台账照片已上传", "按计划开展，有活动记录", "见支部工作手册"]
STORIES = ["支部把党小组建在网格上，党员包楼联户，群众的事件件有回音。",
           "支部书记带头领办合作社，党员示范户带动农户增收。",
           "支部坚持“三会一课”标准化，每月主题党日和志愿服务结合开展。"]
DEMO_BRANCH = "HP01C01B01"  # the demo secretary's branch (members/demo.py)


def _standard(org: Org, year: int, sector: str, title: str, content: dict) -> StandardSet:
    standard = StandardSet.objects.create(org=org, year=year, sector=sector, title=title, state=SetState.ISSUED,
                                          issued_at=timezone.now())
    for number, (name, items) in enumerate(content.items(), start=1):
        dimension = Dimension.objects.create(standard_set=standard, number=number, name=name)
        StandardItem.objects.bulk_create([StandardItem(dimension=dimension, number=n, text=text, points=points)
                                          for n, (text, points) in enumerate(items, start=1)])
    return standard


def load(rng: random.Random, *, share: float = 0.3) -> dict[str, int]:
    """Returns the counts of what it wrote."""
    year = timezone.localdate().year
    city = Org.objects.filter(depth=1).order_by("path").first()
    if city is None:
        return {}
    standards = {"": _standard(city, year, "", f"{year}年五好党支部创建标准", CITY_ITEMS)}
    rural = Org.objects.filter(depth__gt=2, kind=OrgKind.BRANCH, sector=Sector.RURAL).order_by("path").first()
    district = Org.objects.get(path=rural.path[:2 * Org.steplen]) if rural else None
    if district is not None:
        standards["rural"] = _standard(district, year, Sector.RURAL, f"{year}年{district.name}农村五好党支部创建标准",
                                       RURAL_ITEMS)
    items = {key: _items_of(s) for key, s in standards.items()}
    branches = list(Org.objects.filter(depth__gt=2, kind=OrgKind.BRANCH).only("pk", "path", "sector", "code", "name"))
    chosen = [b for b in branches if b.code == DEMO_BRANCH or b.path.startswith(city.path) and rng.random() < share]
    heping = Org.objects.filter(code="HP").first()
    assessor = User.objects.filter(username="heping_admin").first()
    rows, scores, changes = [], [], []
    for branch in chosen:
        key = "rural" if district and branch.sector == Sector.RURAL and branch.path.startswith(district.path) else ""
        state = _state(rng) if branch.code != DEMO_BRANCH else AssessmentState.SELF
        if heping and branch.path.startswith(heping.path) and branch.code != DEMO_BRANCH and not any(
                r[1] == AssessmentState.SUBMITTED and r[0].path.startswith(heping.path) for r in rows):
            state = AssessmentState.SUBMITTED  # the 和平区 admin has one to assess
        rows.append((branch, state, key, _scores(rng, items[key], state)))
    districts = {d.path: d for d in Org.objects.filter(depth=2)}
    assessments = Assessment.objects.bulk_create([_assessment(rng, branch, state, standards[key], year, found,
                                                              districts, assessor)
                                                  for branch, state, key, found in rows], batch_size=1000)
    for assessment, (_branch, _drawn, key, found) in zip(assessments, rows, strict=True):
        for item, (own, upper) in zip(items[key], found, strict=True):
            scores.append({"assessment_id": assessment.pk, "item_id": item.pk, "self_score": own,
                           "evidence": rng.choice(EVIDENCE) if own is not None else "", "upper_score": upper})
        if assessment.grade:
            changes.append({"org_id": assessment.org_id, "year": year, "from_grade": "", "to_grade": assessment.grade,
                            "assessment_id": assessment.pk, "by_id": assessor.pk if assessor else None})
    insert_many(AssessmentScore, scores)
    insert_many(GradeChange, changes)
    exemplars = _exemplars(rng, [a for a in assessments if a.grade == "five_good"])
    return {"standards": len(standards), "assessments": len(assessments), "exemplars": exemplars}


def _state(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for state, part in STATES:
        total += part
        if roll < total:
            return state
    return AssessmentState.ASSESSED


def _scores(rng: random.Random, items: list[StandardItem], state: str) -> list[tuple[int | None, int | None]]:
    """(self, upper) per item: the branch scores itself a little high; the upper level by a quality
    drawn per branch, so that every grade occurs."""
    quality = rng.choice([1.0, 0.97, 0.93, 0.85, 0.78, 0.65, 0.5])
    out = []
    for item in items:
        upper = max(0, min(item.points, round(item.points * quality - rng.random())))
        own = min(item.points, upper + rng.choice([0, 0, 1]))
        if state == AssessmentState.SELF and rng.random() < 0.4:
            own = None  # not yet scored
        out.append((own, upper if state == AssessmentState.ASSESSED else None))
    return out


def _assessment(rng, branch, state, standard, year, found, districts, assessor) -> Assessment:
    now = timezone.now()
    assessment = Assessment(org=branch, year=year, standard_set=standard, state=state,
                            self_total=sum(own or 0 for own, _upper in found))
    if state == AssessmentState.SELF and rng.random() < 0.2:
        assessment.return_reason = "佐证材料不全，请补充会议记录照片"
    if state != AssessmentState.SELF:
        assessment.submitted_at = now
    if state == AssessmentState.ASSESSED:
        # The grade from the upper scores, as the service computes it.
        dims: dict[int, list[int]] = {}
        points = [item.points for item in _items_of(standard)]
        dimension_ids = [item.dimension_id for item in _items_of(standard)]
        for (_own, upper), dimension_id, top in zip(found, dimension_ids, points, strict=True):
            figures = dims.setdefault(dimension_id, [0, 0])
            figures[0] += upper or 0
            figures[1] += top
        total = sum(upper or 0 for _own, upper in found)
        assessment.upper_total = total
        assessment.grade = rules.grade_for(total=total, max_total=sum(points),
                                           dimensions=[(s, p) for s, p in dims.values()])
        assessment.assessed_at = now
        assessment.assessed_by = assessor
        assessment.assessor = districts.get(branch.path[:2 * Org.steplen])  # each branch's district assesses
    return assessment


def _items_of(standard: StandardSet) -> list[StandardItem]:
    """The set's items in order (kept on the set for the loader's loop)."""
    if not hasattr(standard, "_demo_items"):
        standard._demo_items = list(StandardItem.objects.filter(dimension__standard_set=standard)  # type: ignore[attr-defined]
                                    .order_by("dimension__number", "number"))
    return standard._demo_items  # type: ignore[attr-defined]


def _exemplars(rng: random.Random, five_good: list[Assessment]) -> int:
    """Up to ``rules.EXEMPLAR_TARGET`` exemplars, selected by each branch's district; four in five
    published on the portal's 党务公开 channel when the portal has it."""
    chosen = rng.sample(five_good, k=min(len(five_good), rules.EXEMPLAR_TARGET))
    channel = Channel.objects.filter(code="disclosure").exists()
    made = 0
    for assessment in chosen:
        org = Org.objects.get(pk=assessment.org_id)
        district = Org.objects.get(path=org.path[:2 * Org.steplen])
        publish = channel and rng.random() < 0.8
        exemplar = Exemplar.objects.create(
            assessment=assessment, org=org, year=assessment.year, selected_by=district, title=f"{org.name}：五好党支部典型",
            story=rng.choice(STORIES), state=ExemplarState.PUBLISHED if publish else ExemplarState.SELECTED,
            published_at=timezone.now() if publish else None)
        if publish:
            publish_notice(channel_code="disclosure", external_key=exemplar.portal_key, title=exemplar.title,
                           body_text=exemplar.story, source_label=district.name)
        made += 1
    return made

