"""`dangjian demo --scale city`: a year of transfers between branches, in bulk: letters already
received (the member is now in the receiving branch), and letters issued in the last weeks and
still waiting (the member is still in the issuing branch), each valid at most 3 months (组通字〔2006〕
45号), numbered by year and serial as transfers.rules.letter_number does."""

import random
from datetime import timedelta

from django.utils import timezone

from core.bulk import insert_many
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org, OrgKind
from transfers import rules
from transfers.models import Letter, LetterKind, LetterState

REASONS = ("工作调动", "居住地变更", "退休后转回居住地", "升学", "就业")


def load(rng: random.Random, *, share: float = 0.01) -> int:
    today = timezone.localdate()
    names = dict(Org.objects.filter(kind=OrgKind.BRANCH).values_list("pk", "name"))
    branch_ids = list(names)
    members = list(Member.objects.filter(status__in=ACTIVE_STATUSES).order_by("pk").values_list("pk", "org_id"))
    if len(branch_ids) < 2 or not members:
        return 0
    chosen = rng.sample(members, k=max(2, int(len(members) * share)))
    serials: dict[int, int] = {}
    rows = []
    for index, (member_id, org_id) in enumerate(chosen):
        other = rng.choice([b for b in rng.sample(branch_ids, k=min(3, len(branch_ids))) if b != org_id] or
                           [b for b in branch_ids if b != org_id])
        pending = index % 10 == 0
        issued = today - timedelta(days=rng.randrange(0, 20) if pending else rng.randrange(20, 365))
        serials[issued.year] = serials.get(issued.year, 0) + 1
        from_org, to_org = (org_id, other) if pending else (other, org_id)
        rows.append({
            "number": rules.letter_number(issued.year, serials[issued.year]), "year": issued.year,
            "serial": serials[issued.year], "kind": LetterKind.INTERNAL,
            "state": LetterState.ISSUED if pending else LetterState.RECEIVED, "member_id": member_id,
            "from_org_id": from_org, "from_org_name": names[from_org], "to_org_id": to_org,
            "to_org_name": names[to_org], "issued_on": issued, "valid_until": issued + timedelta(days=89),
            "dues_paid_until": issued.replace(day=1),
            "reason": rng.choice(REASONS),
            "received_on": None if pending else issued + timedelta(days=rng.randrange(1, 20)),
        })
    return insert_many(Letter, rows)
