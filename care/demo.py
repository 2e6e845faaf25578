"""Demo care data: hardship records for a few members, and visits this year to part of the
members due care, so that the list of those not yet visited has something in it and something
out of it."""

import random
from datetime import date, timedelta

from django.utils import timezone

from care import selectors
from care.models import CareVisit, Occasion
from members.models import ACTIVE_STATUSES, Hardship, Member, MemberEvent

HARDSHIPS = [
    (Hardship.Kind.ILLNESS, "患慢性病，长期服药"),
    (Hardship.Kind.ILLNESS, "大病住院治疗，家庭负担较重"),
    (Hardship.Kind.DISABILITY, "肢体残疾，行动不便"),
    (Hardship.Kind.INCOME, "家庭收入低，享受低保"),
    (Hardship.Kind.DISASTER, "家中遭遇意外事故"),
    (Hardship.Kind.OTHER, "独居老人，子女不在身边"),
]
GIFTS = ["米、面、油", "慰问信、慰问金", "牛奶、水果", "棉被、羽绒服", "书籍《党史简明读本》"]
VISITORS = ["支部书记、组织委员", "社区党委书记", "街道党工委副书记、社区书记", "支部委员"]


def load(rng: random.Random, *, hardship_share: float = 0.03, visited_share: float = 0.45) -> int:
    """Returns the number of visits made."""
    today = timezone.localdate()
    active = list(Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("pk", flat=True))
    hardships = []
    for pk in rng.sample(active, k=int(len(active) * hardship_share)):
        kind, text = rng.choice(HARDSHIPS)
        since = today - timedelta(days=rng.randrange(60, 3000))
        resolved = since + timedelta(days=rng.randrange(30, 50)) if rng.random() < 0.15 else None
        hardships.append(Hardship(member_id=pk, kind=kind, description=text, since=since, resolved=resolved))
    Hardship.objects.bulk_create(hardships, batch_size=1000)

    reasons = selectors.reason_qs(today)
    flagged = list(
        Member.objects.filter(status__in=ACTIVE_STATUSES)
        .filter(reasons["hardship"] | reasons["standing"] | reasons["age"]).values_list("pk", flat=True)
    )
    visits, events = [], []
    start = date(today.year, 1, 1)
    for pk in rng.sample(flagged, k=int(len(flagged) * visited_share)):
        visited = start + timedelta(days=rng.randrange(0, (today - start).days + 1))
        occasion = Occasion.SPRING_FESTIVAL if visited.month <= 2 else rng.choice(
            [Occasion.JULY_FIRST, Occasion.DAILY, Occasion.ILLNESS, Occasion.DOUBLE_NINTH])
        amount = rng.choice([None, 200, 300, 500, 1000])
        gifts = rng.choice(GIFTS)
        visitors = rng.choice(VISITORS)
        visits.append(CareVisit(member_id=pk, visited=visited, visitors=visitors, occasion=occasion,
                                gifts=gifts, amount=amount))
        money = f"，慰问金{amount}元" if amount else ""
        events.append(MemberEvent(member_id=pk, occurred=visited, kind="care_visit",
                                  summary=f"{occasion.label}走访慰问（走访人：{visitors}，慰问：{gifts}{money}）"))
    CareVisit.objects.bulk_create(visits, batch_size=1000)
    MemberEvent.objects.bulk_create(events, batch_size=1000)
    return len(visits)
