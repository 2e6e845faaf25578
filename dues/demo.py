"""Demo dues: last year's and this year's bases and amounts for every member on the roll (both
confirmed), a year of monthly payments, a few members behind by 3–4 months and a few by 5 or more
(the demo branch among them), one reduction approved by the district, and the transfer letters'
"paid up to" taken from the payments. Inserted in bulk; the demo command rebuilds the summaries."""

import random
from collections import Counter
from datetime import date

from django.utils import timezone

from dues import rules
from dues.models import DuesPayment, DuesStanding, DuesYear, Method
from dues.rules import Category
from members.models import ACTIVE_STATUSES, Member
from transfers.models import Letter

DEMO_BRANCH = "HP01C01B01"  # the demo secretary's branch (members.demo.load_accounts)
REDUCTION_APPROVAL = "和平区委组织部党费减免批复〔{year}〕3号"


def _category(rng: random.Random, age: int) -> tuple[str, int | None]:
    if age >= 60:
        return Category.RETIRED, rng.randrange(3000, 9000) * 100
    roll = rng.random()
    if age < 24 and roll < 0.5:
        return Category.STUDENT, None
    if roll < 0.06:
        return Category.FARMER, None
    if roll < 0.08:
        return Category.UNEMPLOYED, None
    return Category.EMPLOYED, rng.randrange(2500, 16000) * 100


def load(rng: random.Random, *, behind_share: float = 0.03, far_behind_share: float = 0.01) -> int:
    """Returns the number of payments made."""
    today = timezone.localdate()
    now = rules.month_index(today)
    farmer_fen = rules.LOCAL_DEFAULTS["dues_farmer_fen"]
    members = list(Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("pk", "org_id", "org__code", "birth_date", "joined"))
    years, standings, payments = [], [], []
    serials: Counter = Counter()
    demo_branch = [m for m in members if m[2] == DEMO_BRANCH]
    forced_behind = {m[0]: 3 + i * 2 for i, m in enumerate(demo_branch[2:4])}  # the branch sees 3 and 5 months
    for pk, org_id, _code, birth_date, joined in members:
        category, base = _category(rng, today.year - birth_date.year)
        amount = rules.monthly_amount(category, base, farmer_fen=farmer_fen)
        for year in (today.year - 1, today.year):
            years.append(DuesYear(member_id=pk, year=year, category=category, base_fen=base, rate_bp=amount.rate_bp,
                                  amount_fen=amount.fen, confirmed_on=date(year, 1, 5)))
        first_due = rules.month_index(joined)
        roll = rng.random()
        behind = forced_behind.get(pk)
        if behind is None:
            behind = rng.randint(5, 7) if roll < far_behind_share else rng.randint(3, 4) if roll < behind_share + far_behind_share else 0
        paid_up_to = now - 1 - behind if behind else now - rng.randint(0, 1) + (1 if rng.random() < 0.1 else 0)
        start = max(first_due, rules.month_index(date(today.year - 1, 1, 1)))
        for month in range(start, paid_up_to + 1):
            paid_on = rules.month_date(month).replace(day=rng.randint(3, 25))
            if paid_on > today:
                paid_on = today
            serials[(paid_on.year, org_id)] += 1
            payments.append(DuesPayment(
                member_id=pk, org_id=org_id, first_month=month, months=1, amount_fen=amount.fen, paid_up_to_before=month - 1,
                method=Method.TRANSFER if rng.random() < 0.4 else Method.CASH, paid_on=paid_on,
                receipt=f"DF{paid_on.year}-{org_id:06d}-{serials[(paid_on.year, org_id)]:05d}"))
        standings.append(DuesStanding(member_id=pk, org_id=org_id, first_due=first_due,
                                      paid_up_to=paid_up_to if paid_up_to >= start else None))
    DuesYear.objects.bulk_create(years, batch_size=2000)
    DuesStanding.objects.bulk_create(standings, batch_size=2000)
    DuesPayment.objects.bulk_create(payments, batch_size=2000)
    _reduction(today)
    _letters()
    return len(payments)


def _reduction(today: date) -> None:
    """One employed member of the demo branch whose dues the district reduced for hardship."""
    reduced = (DuesYear.objects.filter(member__org__code=DEMO_BRANCH, year=today.year, category=Category.EMPLOYED)
               .order_by("-member_id").first())
    if reduced is not None:
        DuesYear.objects.filter(pk=reduced.pk).update(adjusted_fen=rules.FIXED_FEN,
                                                      adjustment_approval=REDUCTION_APPROVAL.format(year=today.year))


def _letters() -> None:
    """A letter carries the month the member's dues were paid up to when it was issued."""
    paid = dict(DuesStanding.objects.filter(paid_up_to__isnull=False).values_list("member_id", "paid_up_to"))
    for letter in Letter.objects.filter(member_id__in=paid).only("pk", "member_id", "issued_on"):
        month = min(paid[letter.member_id], rules.month_index(letter.issued_on))
        Letter.objects.filter(pk=letter.pk).update(dues_paid_until=rules.month_date(month))
