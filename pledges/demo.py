"""Demo pledges and duty posts: this year's pledges of about 40 % of the active members (one to
three each, most approved, some waiting, a few returned with a reason), fulfilment records on
the approved ones (most accepted, some waiting), and duty posts in a fifth of the branches, the
demo member holding one. Rows go in bulk; ``summaries.rebuild()`` (the demo command) fills the
org-year summary."""

import random
from datetime import date, timedelta

from django.utils import timezone

from core.bulk import insert_many
from members.models import ACTIVE_STATUSES, Member
from orgs.models import BRANCH_KINDS, Org
from pledges.models import DutyPost, Pledge, PledgeRecord, PostKind, ReviewState, badge_token

PLEDGES = ["每月走访联系户不少于2户", "每季度参加一次社区志愿服务", "带头参加垃圾分类宣传", "每月按时足额交纳党费",
           "全年参加集中学习不少于12次", "帮助一名困难群众解决实际问题", "带头遵守楼道文明公约", "结对帮扶一名青年职工"]
RECORDS = ["走访联系户，了解生活情况并帮助反映诉求", "参加社区环境整治志愿服务半天", "在小区开展垃圾分类宣传",
           "参加支部集中学习并作交流发言", "为困难群众代办医保手续"]
POSTS = [(PostKind.VANGUARD, "环境整治先锋岗", "负责组织党员参加小区环境整治，发现问题及时报告"),
         (PostKind.ZONE, "楼栋责任区", "联系责任区内住户，收集意见建议，协助化解矛盾"),
         (PostKind.MODEL, "便民服务示范岗", "为居民提供政策咨询和代办服务")]


def load(rng: random.Random, *, share: float = 0.4, post_share: float = 0.2) -> int:
    """Returns the number of pledges."""
    today = timezone.localdate()
    year_start = date(today.year, 1, 1)
    span = max((today - year_start).days, 1)
    members = list(Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("pk", "org_id", "user_id"))
    pledges: list[Pledge] = []
    for member_id, org_id, user_id in members:
        if not user_id and rng.random() >= share:
            continue
        for text in rng.sample(PLEDGES, k=rng.randint(1, 3)):
            roll = rng.random()
            state = ReviewState.APPROVED if roll < 0.8 else ReviewState.PENDING if roll < 0.95 else ReviewState.RETURNED
            reviewed = year_start + timedelta(days=rng.randrange(0, min(span, 60) + 1))
            pledges.append(Pledge(member_id=member_id, org_id=org_id, year=today.year, text=text, state=state,
                                  review_note="请写明具体次数和时间" if state == ReviewState.RETURNED else "",
                                  reviewed_on=None if state == ReviewState.PENDING else reviewed))
    Pledge.objects.bulk_create(pledges, batch_size=1000)
    records = []
    for pledge in pledges:
        if pledge.state != ReviewState.APPROVED:
            continue
        for _ in range(rng.randint(0, 3)):
            day = pledge.reviewed_on + timedelta(days=rng.randrange(0, max((today - pledge.reviewed_on).days, 0) + 1))
            state = ReviewState.APPROVED if rng.random() < 0.85 else ReviewState.PENDING
            records.append({"pledge_id": pledge.pk, "day": day, "text": rng.choice(RECORDS), "state": state,
                            "reviewed_on": day if state == ReviewState.APPROVED else None, "evidence": ""})
    insert_many(PledgeRecord, records)
    posts = []
    by_org: dict[int, list[int]] = {}
    for member_id, org_id, _ in members:
        by_org.setdefault(org_id, []).append(member_id)
    demo_member = next(((m, o) for m, o, u in members if u), None)
    for org_id in Org.objects.filter(kind__in=BRANCH_KINDS, pk__in=list(by_org)).values_list("pk", flat=True):
        if rng.random() >= post_share and not (demo_member and demo_member[1] == org_id):
            continue
        for kind, name, duties in rng.sample(POSTS, k=rng.randint(1, 2)):
            holder = demo_member[0] if demo_member and demo_member[1] == org_id and not posts_of(posts, org_id) \
                else rng.choice(by_org[org_id])
            posts.append({"org_id": org_id, "kind": kind, "name": name, "duties": duties, "holder_id": holder,
                          "started_on": year_start + timedelta(days=rng.randrange(0, span)), "token": badge_token()})
    insert_many(DutyPost, posts)
    return len(pledges)


def posts_of(posts: list[dict], org_id: int) -> bool:
    return any(p["org_id"] == org_id for p in posts)
