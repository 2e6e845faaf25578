"""Demo transfers: a few letters in every state between the demo's branches, one to and one from
outside the platform, and mobile members' certificates (some expired)."""

import random
from datetime import timedelta

from django.db.models import Max
from django.utils import timezone

from core.dates import add_months
from members.models import ACTIVE_STATUSES, Member, MemberCategory
from orgs.models import MEMBERSHIP_KINDS, Org
from transfers import rules
from transfers.models import Letter, LetterKind, LetterState, MobileCertificate

REASONS = ("工作调动", "迁居", "毕业分配", "退休回原籍", "随迁")
CITIES = ("北京", "上海", "深圳", "苏州", "石家庄", "雄安新区")


def load(rng: random.Random) -> None:
    """Rows written directly (the demo builds history, not workflows), numbered like the service."""
    branches = list(Org.objects.filter(kind__in=MEMBERSHIP_KINDS).only("pk", "name", "path"))
    if len(branches) < 2:
        return
    members = list(Member.objects.filter(status__in=ACTIVE_STATUSES).select_related("org").order_by("pk")[:4000])
    chosen = rng.sample(members, min(40, len(members)))
    today = timezone.localdate()
    serial = Letter.objects.filter(year=today.year).aggregate(n=Max("serial"))["n"] or 0
    plan = ([LetterState.ISSUED] * 12 + [LetterState.RECEIVED] * 10 + [LetterState.RETURNED] * 4
            + [LetterState.CANCELLED] * 3 + [LetterState.EXPIRED] * 4 + ["overdue"] * 3
            + ["outgoing"] * 2 + ["not_reported"] * 2)
    letters = []
    for member, state in zip(chosen, plan, strict=False):
        to_org = rng.choice([b for b in branches if b.pk != member.org_id])
        age = {"not_reported": rng.randint(190, 260), "overdue": rng.randint(100, 150),
               LetterState.EXPIRED: rng.randint(100, 170)}.get(state, rng.randint(1, 80))
        issued = today - timedelta(days=age)
        serial += 1
        year = issued.year
        outgoing = state == "outgoing"
        letter = Letter(
            number=rules.letter_number(year, serial), year=year, serial=serial,
            kind=LetterKind.OUTGOING if outgoing else LetterKind.INTERNAL,
            state=LetterState.ISSUED if state in ("overdue", "outgoing", "not_reported") else state,
            member=member, from_org=member.org, from_org_name=member.org.name,
            to_org=None if outgoing else to_org,
            to_org_name="中共北京市海淀区某街道工作委员会" if outgoing else to_org.name,
            issued_on=issued, valid_until=add_months(issued, rng.choice((1, 2, 3))),
            dues_paid_until=issued.replace(day=1), reason=rng.choice(REASONS),
        )
        if state == LetterState.EXPIRED:
            letter.closed_on = letter.valid_until + timedelta(days=1)
        if state in (LetterState.RETURNED, LetterState.CANCELLED):
            letter.closed_on = min(today, issued + timedelta(days=rng.randint(1, 20)))
            letter.close_reason = "材料不全" if state == LetterState.RETURNED else "党员暂缓转出"
        if state == LetterState.RECEIVED:
            letter.received_on = letter.receipt_returned = min(today, issued + timedelta(days=rng.randint(1, 20)))
            member.org_id = to_org.pk
            member.group_id = None
            member.save(update_fields=["org", "group", "updated"])
        letters.append(letter)
    Letter.objects.bulk_create(letters)
    mobile = [m for m in members if m.category == MemberCategory.MOBILE][:30]
    certificates = []
    for i, member in enumerate(mobile):
        issued = today - timedelta(days=rng.randint(30, 700))
        certificate = MobileCertificate(
            member=member, number=f"津流{today.year}{i + 1:05d}", issued_on=issued,
            valid_until=issued + timedelta(days=365 * rng.choice((1, 2))), city=rng.choice(CITIES),
            unit=rng.choice(("某科技有限公司", "某建筑工程公司", "某物流公司", "")))
        certificate.set_contact(f"1{rng.choice('3578')}{rng.randrange(10**9):09d}")
        certificates.append(certificate)
    MobileCertificate.objects.bulk_create(certificates)
