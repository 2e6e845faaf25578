"""Demo SOE ledgers: the city divides this year's five SOE party-building tasks among the SOE
party committees (up to 500 a task), each district with SOE committees one task of its own; each
committee reported its shares' progress in the quarters past (most of them) and some already in
this one; tasks due in the quarters past are mostly done, a few overdue. Rows go in bulk with the
days they were reported; the ledgers keep no summary table."""

import random
from datetime import date, timedelta

from django.utils import timezone

from orgs.models import Org, OrgKind, OrgLevel, Sector
from oversight.bulletins import quarter_bounds, quarter_of
from soe import rules
from soe.models import Progress, SoeReport, SoeShare, SoeTask

CITY_TASKS = [("推动党建工作要求写入公司章程", 1), ("落实“双向进入、交叉任职”领导体制", 2),
              ("规范党建工作台账和三会一课记录", 2), ("开展“党建+生产经营”融合项目", 3),
              ("完成基层党组织按期换届", 4)]
DISTRICT_TASK = ("推进所属企业党支部标准化规范化建设", 4)
TEXTS = ["已召开党委会专题研究，制定工作方案", "已完成所属企业摸底，正在逐户推进", "已按计划完成阶段性任务",
         "已形成制度文件并印发执行", "已组织专项检查，整改问题清单"]
PROBLEMS = ["个别子企业推进较慢", "基层党务工作力量不足", "", ""]
LEADS = ["王建华", "刘志强", "张海燕", "陈晓东", "李明", "赵淑珍"]


def load(rng: random.Random) -> dict[str, int]:
    """Returns the counts of what it wrote."""
    today = timezone.localdate()
    city = Org.objects.filter(depth=1).order_by("path").first()
    if city is None:
        return {}
    committees = list(Org.objects.filter(sector=Sector.SOE, kind=OrgKind.COMMITTEE, level=OrgLevel.UNIT)
                      .order_by("path").only("pk", "path"))
    if not committees:
        return {}
    tasks: list[tuple[SoeTask, list[Org]]] = []
    for number, (title, quarter) in enumerate(CITY_TASKS, start=1):
        tasks.append((_task(city, today.year, number, title, quarter), committees[:rules.MAX_SHARES]))
    for district in Org.objects.filter(depth=2).order_by("path"):
        own = [c for c in committees if c.path.startswith(district.path)]
        if own:
            tasks.append((_task(district, today.year, 1, DISTRICT_TASK[0], DISTRICT_TASK[1]), own[:rules.MAX_SHARES]))
    SoeTask.objects.bulk_create([task for task, _ in tasks])
    shares = SoeShare.objects.bulk_create([
        SoeShare(task=task, org=org, lead=rng.choice(LEADS), due_on=task.due_on)
        for task, orgs in tasks for org in orgs])
    reports = []
    for share in shares:
        reports.extend(_reports(rng, share, today))
    SoeReport.objects.bulk_create(reports)
    SoeShare.objects.bulk_update(shares, ["progress", "done_on"])
    return {"tasks": len(tasks), "shares": len(shares), "reports": len(reports)}


def _task(org: Org, year: int, number: int, title: str, quarter: int) -> SoeTask:
    return SoeTask(org=org, year=year, number=number, title=title, due_on=quarter_bounds(year, quarter)[1],
                   detail="各责任党组织按季度报送进展，完成后报送佐证材料")


def _reports(rng: random.Random, share: SoeShare, today: date) -> list[SoeReport]:
    """The share's reports from the year's first quarter to this one; sets its progress."""
    year, current = quarter_of(today)
    made = []
    for quarter in range(1, current + 1):
        first, last = quarter_bounds(year, quarter)
        if quarter == current:
            if rng.random() > 0.4:
                break
            day = first + timedelta(days=rng.randrange(max(1, (today - first).days + 1)))
        elif rng.random() > 0.92:
            continue  # a quarter not reported
        else:
            day = last - timedelta(days=rng.randrange(10))
        due_quarter = quarter_of(share.due_on)[1]
        progress = (Progress.DONE if quarter >= due_quarter and rng.random() < 0.75 else
                    Progress.PENDING if quarter == 1 and rng.random() < 0.3 else Progress.UNDERWAY)
        made.append(SoeReport(share=share, year=year, quarter=quarter, progress=progress, text=rng.choice(TEXTS),
                              problems=rng.choice(PROBLEMS), reported_on=day))
        share.progress = progress
        if progress == Progress.DONE:
            share.done_on = day
            break
    return made
