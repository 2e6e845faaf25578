"""`dangjian demo --scale city`: this year's care visits to part of the members due care (old
members, long standing), inserted in bulk with a member event each, as care.demo does."""

import random
from datetime import date, timedelta

from django.utils import timezone

from care import selectors
from care.demo import GIFTS, VISITORS
from care.models import CareVisit, Occasion
from core.bulk import insert_many
from members.models import ACTIVE_STATUSES, Member, MemberEvent


def load(rng: random.Random, *, visited_share: float = 0.3) -> int:
    today = timezone.localdate()
    reasons = selectors.reason_qs(today)
    due = list(Member.objects.filter(status__in=ACTIVE_STATUSES).filter(reasons["standing"] | reasons["age"])
               .values_list("pk", flat=True))
    start = date(today.year, 1, 1)
    visits, events = [], []
    for pk in rng.sample(due, k=int(len(due) * visited_share)):
        visited = start + timedelta(days=rng.randrange(0, (today - start).days + 1))
        occasion = Occasion.SPRING_FESTIVAL if visited.month <= 2 else rng.choice(
            [Occasion.JULY_FIRST, Occasion.DAILY, Occasion.DOUBLE_NINTH])
        amount = rng.choice([None, 200, 300, 500])
        gifts, visitors = rng.choice(GIFTS), rng.choice(VISITORS)
        visits.append({"member_id": pk, "visited": visited, "visitors": visitors, "occasion": occasion,
                       "gifts": gifts, "amount": amount})
        money = f"，慰问金{amount}元" if amount else ""
        events.append({"member_id": pk, "occurred": visited, "kind": "care_visit",
                       "summary": f"{occasion.label}走访慰问（走访人：{visitors}，慰问：{gifts}{money}）"})
    insert_many(MemberEvent, events)
    return insert_many(CareVisit, visits)
