"""Demo lagging orgs (后进党组织整顿, 一支一策): ``target`` branches spread over the districts, listed
by their district in the last seven months with the reasons of the records, each with its plan and
two to four tasks — a third closed with every task done, the acceptance material and the grade
moved up (一般/较好/先进), most of the rest rectifying (some tasks overdue, some plans past their
deadline), a few waiting for their plan. The demo secretary's branch is being rectified with a
task to mark done. Rows go in bulk; ``summaries.rebuild()`` (the demo command) fills the summary.
The article: "排查相对后进基层党组织1116个" — the city data set lists that many."""

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from lagging.models import (
    CaseState,
    Grade,
    GradeChange,
    LaggingCase,
    LaggingPlan,
    LaggingReason,
    LaggingTask,
    ReasonCode,
    Source,
)
from orgs.models import Org, OrgKind

DEMO_BRANCH = "HP01C01B01"  # the demo secretary's branch (members/demo.py)
CITY_TARGET, CITY_ORGS = 1116, 52_000  # 排查相对后进基层党组织1116个, of the city's 52,000 orgs
REASONS = [
    (ReasonCode.COMPLIANCE, "三会一课连续3个月红灯，未完成：主题党日、支委会"),
    (ReasonCode.NO_SECRETARY, "本届班子没有书记"),
    (ReasonCode.TERM_OVERDUE, "班子任期已届满，尚未换届"),
    (ReasonCode.RECTIFICATION_OVERDUE, "1项巡查整改事项超期未整改"),
    (ReasonCode.UNREACHED, "4名党员未留联系电话，无法联系"),
    (ReasonCode.OTHER, "排查发现支部班子软弱，群众反映较多"),
]
TASKS = ["配齐配强支部班子，选好书记", "每月按时开展主题党日和支委会", "逐一联系失联党员，更新联系方式",
         "完成换届选举", "完成巡查发现问题的整改", "上级联系领导每月到支部指导一次"]
MEASURES = "上级党组织班子成员联系包保，党建指导员驻点指导；逐项列出问题清单、任务清单、责任清单，限期整改、验收销号。"
# A third closed, half rectifying, a sixth waiting for the plan.
KINDS = ("closed", "rectifying", "rectifying", "closed", "open", "rectifying")
CLOSINGS = ["班子配齐，三会一课规范开展，党员评议满意度92%，经街道党工委验收合格。",
            "完成换届选举，失联党员全部联系上，组织生活正常，验收合格。"]


def city_target(orgs: int) -> int:
    """The lagging orgs of a city data set of ``orgs`` orgs: the article's 1,116 at full size."""
    return max(12, round(CITY_TARGET * orgs / CITY_ORGS))


def load(rng: random.Random, *, target: int = 12) -> dict[str, int]:
    """Returns the counts of what it wrote."""
    today = timezone.localdate()
    branches = list(Org.objects.filter(depth__gt=2, kind__in=[OrgKind.BRANCH, OrgKind.JOINT_BRANCH])
                    .exclude(pk__in=LaggingCase.objects.values("org_id")).order_by("path")
                    .only("pk", "path", "code"))
    if not branches:
        return {}
    demo = next((b for b in branches if b.code == DEMO_BRANCH), None)
    chosen = rng.sample(branches, k=min(target, len(branches)))
    if demo is not None and demo not in chosen:
        chosen[-1] = demo
    admin = User.objects.filter(username="heping_admin").first()
    cases, plans_of, kinds = [], [], []
    for n, org in enumerate(chosen):
        # The demo branch: rectifying, with a task to mark done.
        kind = "rectifying" if org == demo else KINDS[n % len(KINDS)]
        found_on = today - timedelta(days=rng.randint(40, 210) if kind == "closed" else rng.randint(5, 150))
        grade_after = rng.choice([Grade.FAIR, Grade.GOOD, Grade.GOOD, Grade.ADVANCED]) if kind == "closed" else ""
        closed_on = min(today, found_on + timedelta(days=rng.randint(30, 120))) if kind == "closed" else None
        cases.append(LaggingCase(
            org=org, year=found_on.year, found_on=found_on, source=Source.SUGGESTED, found_by=admin,
            state={"closed": CaseState.CLOSED, "rectifying": CaseState.RECTIFYING, "open": CaseState.OPEN}[kind],
            grade_after=grade_after, closed_on=closed_on,
            closing_text=rng.choice(CLOSINGS) if kind == "closed" else ""))
        kinds.append(kind)
    LaggingCase.objects.bulk_create(cases, batch_size=2000)
    reasons, grades = [], []
    for case in cases:
        picked = rng.sample(REASONS[:5], k=rng.randint(1, 3))
        reasons += [LaggingReason(case=case, code=code, text=text) for code, text in picked]
        grades.append(GradeChange(org=case.org, year=case.year, grade_from="", grade_to=Grade.LAGGING, case=case,
                                  by=admin, on=case.found_on))
        if case.state == CaseState.CLOSED:
            grades.append(GradeChange(org=case.org, year=case.closed_on.year, grade_from=Grade.LAGGING,
                                      grade_to=case.grade_after, case=case, by=admin, on=case.closed_on))
    LaggingReason.objects.bulk_create(reasons, batch_size=5000)
    GradeChange.objects.bulk_create(grades, batch_size=5000)
    for case, kind in zip(cases, kinds, strict=True):
        if kind == "open":
            continue
        # A rectifying plan's deadline: most ahead, one in five already past (overdue in the list).
        late = kind == "rectifying" and case.org.code != DEMO_BRANCH and rng.random() < 0.2
        if kind == "closed":
            deadline = case.closed_on
        elif late:
            deadline = today - timedelta(days=rng.randint(1, 20))
        else:
            deadline = today + timedelta(days=rng.randint(20, 120))
        plans_of.append((case, kind, LaggingPlan(
            case=case, responsible=rng.choice(["李建国", "王芳", "赵志强", "陈红"]), contact=rng.choice(["刘明", "周强"]),
            measures=MEASURES, deadline=deadline, approved_on=case.found_on + timedelta(days=3), approved_by=admin)))
    LaggingPlan.objects.bulk_create([plan for _, _, plan in plans_of], batch_size=2000)
    tasks = []
    for case, kind, plan in plans_of:
        texts = rng.sample(TASKS, k=rng.randint(2, 4))
        span = max(1, (plan.deadline - case.found_on).days)
        for number, text in enumerate(texts, start=1):
            due = case.found_on + timedelta(days=max(1, span * number // len(texts)))
            done_on = None
            if kind == "closed":
                done_on = min(due, case.closed_on)
            elif number < len(texts) and due < today and rng.random() < 0.6:
                done_on = due  # done on time; the others due before today stay overdue
            tasks.append(LaggingTask(plan=plan, number=number, text=text, responsible=plan.responsible, due=due,
                                     done_on=done_on, note="已完成" if done_on else "", done_by=None))
    LaggingTask.objects.bulk_create(tasks, batch_size=5000)
    return {"cases": len(cases), "closed": kinds.count("closed"), "tasks": len(tasks)}
