"""Demo community check-ins: in-service members (of organs, institutions, SOEs, schools, hospitals)
check in with a community of their district — most confirmed and in a service team, some waiting,
a few refused with a reason or ended — over the last twelve months, with service records since
and this year's ratings for some. Rows go in bulk; ``summaries.rebuild()`` (the demo command)
fills the summary. ``target`` (the city data set) sets how many check in: the article's 14.4万."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from community.models import CheckIn, CheckInRating, CheckInState, ServiceRecord, ServiceTeam
from community.rules import IN_SERVICE_SECTORS, RATINGS
from core.bulk import insert_many
from core.dates import add_months
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org, OrgLevel, Sector

TEAMS = ["环境整治服务队", "助老助残服务队", "政策宣讲服务队", "平安巡逻服务队"]
SERVICES = ["清理楼道杂物", "陪同老人就医", "宣讲惠民政策", "夜间平安巡逻", "协助核酸检测点秩序维护", "辅导学生作业",
            "走访困难家庭", "垃圾分类宣传"]
STREETS = ["朝阳里", "新华里", "光明里", "和平里", "胜利里"]


def load(rng: random.Random, *, share: float = 0.6, target: int | None = None, max_records: int = 6) -> int:
    """Returns the number of check-ins."""
    today = timezone.localdate()
    # A rolling year, not the calendar year: orders go to check-ins confirmed a month before
    # (orders/demo.py), and in January this year's check-ins would be too new for any.
    start = add_months(today, -12)
    span = (today - start).days
    communities: dict[str, list[int]] = {}
    for pk, path in Org.objects.filter(level=OrgLevel.COMMUNITY, sector=Sector.COMMUNITY).values_list("pk", "path"):
        communities.setdefault(path[:Org.steplen * 2], []).append(pk)
    if not communities:
        return 0
    members = list(Member.objects.filter(status__in=ACTIVE_STATUSES, org__sector__in=IN_SERVICE_SECTORS)
                   .values_list("pk", "org_id", "org__path"))
    if target is not None:
        share = min(1.0, target / max(len(members), 1))
    teams = {}
    for pks in communities.values():
        for pk in pks:
            for name in rng.sample(TEAMS, k=2):
                teams.setdefault(pk, []).append(ServiceTeam(community_id=pk, name=name))
    ServiceTeam.objects.bulk_create([t for ts in teams.values() for t in ts], batch_size=1000)
    every = [pk for pks in communities.values() for pk in pks]
    checkins = []
    for member_id, org_id, path in members:
        if rng.random() >= share:
            continue
        community = rng.choice(communities.get(path[:Org.steplen * 2]) or every)
        requested = start + timedelta(days=rng.randrange(span))
        roll = rng.random()
        state = (CheckInState.CONFIRMED if roll < 0.85 else CheckInState.REQUESTED if roll < 0.93
                 else CheckInState.REFUSED if roll < 0.97 else CheckInState.ENDED)
        decided = None if state == CheckInState.REQUESTED else min(requested + timedelta(days=rng.randint(1, 5)), today)
        team = rng.choice(teams[community]) if state == CheckInState.CONFIRMED and rng.random() < 0.8 else None
        checkins.append(CheckIn(member_id=member_id, unit_id=org_id, community_id=community,
                                address=f"{rng.choice(STREETS)}{rng.randint(1, 30)}号楼{rng.randint(1, 6)}门",
                                state=state, requested_on=requested, decided_on=decided, team=team,
                                note="居住地址不在本社区，请到居住地社区报到" if state == CheckInState.REFUSED else ""))
    CheckIn.objects.bulk_create(checkins, batch_size=2000)
    records, ratings = [], []
    for checkin in checkins:
        if checkin.state not in (CheckInState.CONFIRMED, CheckInState.ENDED):
            continue
        for _ in range(rng.randint(0, max_records)):
            day = checkin.decided_on + timedelta(days=rng.randrange(max((today - checkin.decided_on).days, 0) + 1))
            records.append({"checkin_id": checkin.pk, "member_id": checkin.member_id, "community_id": checkin.community_id,
                            "unit_id": checkin.unit_id, "day": day, "hours": Decimal(rng.choice([1, 1.5, 2, 3, 4])),
                            "content": rng.choice(SERVICES)})
        if checkin.state == CheckInState.CONFIRMED and rng.random() < 0.3:
            ratings.append({"checkin_id": checkin.pk, "year": today.year,
                            "grade": rng.choices([g for g, _ in RATINGS], weights=[3, 6, 1, 0.2])[0], "comment": ""})
    insert_many(ServiceRecord, records)
    insert_many(CheckInRating, ratings)
    return len(checkins)
