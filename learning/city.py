"""`dangjian demo --scale city`: the study library and online study for a sample of the city's
members (the demo accounts' branch among them), inserted in bulk as learning.demo does. A full year
for every one of 1,000,000 members (about 20 million member-item-day rows) is what
`dangjian bench learning` is for (not written yet); the city's demo keeps its build time."""

import random

from django.utils import timezone

from core.bulk import insert_many
from learning import demo
from learning.models import StudyDay
from members.models import ACTIVE_STATUSES, Member


def load(rng: random.Random, *, sample: int = 20_000) -> int:
    today = timezone.localdate()
    items = demo.library(today.year)[:2 * len(demo.LESSONS)]
    members = list(Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("pk", "org_id", "user_id"))
    chosen = [m for m in members if m[2]] + rng.sample(members, k=min(sample, len(members)))
    rows, seen = [], set()
    for member_id, org_id, _ in chosen:
        if member_id in seen:
            continue
        seen.add(member_id)
        rows.extend(demo.rows_for(rng, member_id, org_id, items, today, rng.random() < 0.15))
    return insert_many(StudyDay, rows)
