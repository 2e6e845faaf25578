"""Demo learning data: the city's required course and a district's course (articles, with their
reading times), and a year of online study for every active member — most on track for their 32
class hours by now, some behind — plus refused heartbeats in a few branches (suspicious patterns).
Rows go in bulk; ``summaries.rebuild()`` (the demo command) fills the org-year summary."""

import random
from datetime import date, timedelta

from django.utils import timezone

from core.bulk import insert_many
from learning import rules
from learning.models import Channel, Course, ItemKind, RefusedBeat, StudyDay, StudyItem, TargetGroup
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org, OrgLevel

LESSONS = ["新时代中国特色社会主义思想概论", "党章党规党纪学习", "党的二十大报告精神解读", "党史学习：百年奋斗重大成就",
           "基层党组织建设实务", "全面从严治党新要求", "社区治理与党建引领", "学习贯彻党内法规"]
BODY = "本讲围绕{title}展开，结合基层工作实际，分三个部分进行学习。\n一、基本内容。\n二、重点要求。\n三、联系实际谈体会。"


def library(year: int) -> list[StudyItem]:
    """The city's required course for every member this year, and one course of a district."""
    city = Org.objects.get(depth=1)
    theory = Channel.objects.create(org=city, name="理论学习")
    Channel.objects.create(org=city, parent=theory, name="党史学习", depth=2)
    innovation = Channel.objects.create(org=city, parent=theory, name="党的创新理论", depth=2)
    business = Channel.objects.create(org=city, name="业务培训")
    cases = Channel.objects.create(org=city, name="案例学习")
    required = Course.objects.create(org=city, title=f"{year}年度党员必学课程", channel=innovation,
                                     summary="全市党员本年度必学内容", required_for=TargetGroup.ALL, year=year)
    secretaries = Course.objects.create(org=city, title=f"{year}年度党支部书记必修课", channel=business,
                                        required_for=TargetGroup.SECRETARIES, year=year)
    items = [StudyItem.objects.create(course=required, kind=ItemKind.ARTICLE, title=f"第{n + 1}讲 {title}（{part}）",
                                      body=BODY.format(title=title), seconds=7200, position=2 * n + p)
             for n, title in enumerate(LESSONS) for p, part in enumerate(("上", "下"))]
    items.append(StudyItem.objects.create(course=secretaries, kind=ItemKind.ARTICLE, title="如何开好三会一课",
                                          body=BODY.format(title="三会一课"), seconds=2700))
    district = Org.objects.filter(level=OrgLevel.DISTRICT).order_by("path").first()
    if district:
        local = Course.objects.create(org=district, title=f"{district.name}基层党建案例", channel=cases)
        items.append(StudyItem.objects.create(course=local, kind=ItemKind.ARTICLE, title="社区党建引领基层治理案例",
                                              body=BODY.format(title="社区党建案例"), seconds=1800))
    return items


def rows_for(rng: random.Random, member_id: int, org_id: int, items: list[StudyItem], today: date,
             behind: bool) -> list[dict]:
    """One member's study rows of the year: on track, about a year's share of the 32 hours already
    (up to the items' caps); behind, a fraction of it."""
    start = date(today.year, 1, 1)
    share = (today - start).days / 365
    hours = rng.uniform(0.1, 0.5) * 32 * share if behind else rng.uniform(1.0, 1.3) * 32 * share
    left = int(hours * rules.SECONDS_PER_HOUR)
    rows = []
    for item in rng.sample(items, k=len(items)):
        if left <= 0:
            break
        total = min(left, rules.item_cap(item.seconds))
        left -= total
        day = start + timedelta(days=rng.randrange(0, max((today - start).days, 1)))
        # A day's study stays under the daily cap: a long item is studied over consecutive days.
        for part in _split(total, rules.LOCAL_RULES["learning_daily_cap_minutes"] * 60):
            if day > today:
                break
            rows.append({"member_id": member_id, "item_id": item.pk, "org_id": org_id, "day": day,
                         "seconds": part, "completed": total >= item.seconds * rules.COMPLETE_AT})
            day += timedelta(days=1)
    return rows


def _split(total: int, cap: int) -> list[int]:
    parts = []
    while total > 0:
        parts.append(min(total, cap))
        total -= cap
    return parts


def load(rng: random.Random, *, behind_share: float = 0.15) -> int:
    """Returns the number of study rows."""
    today = timezone.localdate()
    items = library(today.year)
    study_items = items[:2 * len(LESSONS)]  # the required course's lessons
    rows: list[dict] = []
    seen: set[tuple] = set()
    for member_id, org_id in Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("pk", "org_id"):
        for row in rows_for(rng, member_id, org_id, study_items, today, rng.random() < behind_share):
            key = (row["member_id"], row["item_id"], row["day"])
            if key not in seen:
                seen.add(key)
                rows.append(row)
    count = insert_many(StudyDay, rows)
    refused = []
    branches = list(Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("org_id", flat=True).distinct())
    for org_id in rng.sample(branches, k=min(3, len(branches))):
        for member_id in Member.objects.filter(org_id=org_id).values_list("pk", flat=True)[:5]:
            for _ in range(rng.randrange(5, 30)):
                refused.append({"member_id": member_id, "org_id": org_id, "item_id": rng.choice(study_items).pk,
                                "day": today - timedelta(days=rng.randrange(0, 60)),
                                "reason": rng.choice(["too_fast", "forged", "replayed", "closed"])})
    insert_many(RefusedBeat, refused)
    return count
