"""`dangjian demo --scale city`: this year's confirmed amount for every member on the roll, where each
stands (paid up to last month for most; a few percent behind by 3–4 months, one percent by 5–7, a
tenth already paid for this month), and the last payment that brought them there (one row each,
a quarter's dues; earlier years are not in the data set). Inserted in bulk, a chunk of members at
a time; the city build rebuilds the summaries afterwards. `dangjian bench dues` computes next
year's amounts from these and counts the city's arrears."""

import random
from collections import Counter
from datetime import date

from django.utils import timezone

from core.bulk import insert_many
from dues import rules
from dues.demo import _category
from dues.models import DuesPayment, DuesStanding, DuesYear, Method
from members.models import ACTIVE_STATUSES, Member

CHUNK = 20_000


def load(rng: random.Random, *, behind_share: float = 0.03, far_behind_share: float = 0.01) -> int:
    """Returns the number of members given dues."""
    today = timezone.localdate()
    now = rules.month_index(today)
    farmer_fen = rules.LOCAL_DEFAULTS["dues_farmer_fen"]
    confirmed = date(today.year, 1, 5)
    serials: Counter = Counter()
    done = 0
    rows = (Member.objects.filter(status__in=ACTIVE_STATUSES).order_by("pk")
            .values_list("pk", "org_id", "birth_date", "joined"))
    chunk: list[tuple] = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            done += _write(rng, chunk, today, now, farmer_fen, confirmed, serials, behind_share, far_behind_share)
            chunk = []
    return done + _write(rng, chunk, today, now, farmer_fen, confirmed, serials, behind_share, far_behind_share)


def _write(rng, members, today, now, farmer_fen, confirmed, serials, behind_share, far_behind_share) -> int:
    years, standings, payments = [], [], []
    for pk, org_id, birth_date, joined in members:
        category, base = _category(rng, today.year - birth_date.year)
        amount = rules.monthly_amount(category, base, farmer_fen=farmer_fen)
        years.append({"member_id": pk, "year": today.year, "category": category, "base_fen": base,
                      "rate_bp": amount.rate_bp, "amount_fen": amount.fen, "confirmed_on": confirmed})
        first_due = rules.month_index(joined)
        roll = rng.random()
        behind = (rng.randint(5, 7) if roll < far_behind_share
                  else rng.randint(3, 4) if roll < behind_share + far_behind_share else 0)
        paid_up_to = now - 1 - behind if behind else now - (0 if rng.random() < 0.1 else 1)
        if paid_up_to - 2 < first_due:  # admitted lately: nothing paid yet in the data set
            standings.append({"member_id": pk, "org_id": org_id, "first_due": first_due, "paid_up_to": None})
            continue
        paid_on = min(rules.month_date(paid_up_to).replace(day=rng.randint(3, 25)), today)
        serials[(paid_on.year, org_id)] += 1
        payments.append({"member_id": pk, "org_id": org_id, "first_month": paid_up_to - 2, "months": 3,
                         "amount_fen": amount.fen * 3, "paid_on": paid_on,
                         "method": Method.TRANSFER if rng.random() < 0.4 else Method.CASH,
                         "receipt": f"DF{paid_on.year}-{org_id:06d}-{serials[(paid_on.year, org_id)]:05d}",
                         "reference": "", "paid_up_to_before": paid_up_to - 3})
        standings.append({"member_id": pk, "org_id": org_id, "first_due": first_due, "paid_up_to": paid_up_to})
    insert_many(DuesYear, years)
    insert_many(DuesStanding, standings)
    insert_many(DuesPayment, payments)
    return len(members)
