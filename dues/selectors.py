"""Dues reads: the amounts that differ from last year, who is behind (a branch's list from its
members' standings; counts up the tree from the DuesPaidCount summary rows), the money received
per org and month (DuesMonth), a member's own dues."""

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Q, Subquery, Sum

from core.access import subtree_q
from dues import rules
from dues.models import DuesMonth, DuesPaidCount, DuesPayment, DuesStanding, DuesYear
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org


def differing(org: Org, year: int) -> list[DuesYear]:
    """The members of ``org`` whose amount for ``year`` differs from last year's (what the
    secretary looks at before confirming); ``previous_fen`` is last year's amount as paid."""
    last = DuesYear.objects.filter(member=OuterRef("member"), year=year - 1)
    rows = (DuesYear.objects.filter(member__org=org, year=year).select_related("member")
            .annotate(previous_amount=Subquery(last.values("amount_fen")),
                      previous_adjusted=Subquery(last.values("adjusted_fen")))
            .order_by("member__name_pinyin", "pk"))
    changed: list[DuesYear] = []
    for row in rows:
        previous = row.previous_amount if row.previous_adjusted is None else row.previous_adjusted
        row.previous_fen = previous  # type: ignore[attr-defined]
        if previous is not None and previous != row.amount_fen:
            changed.append(row)
    return changed


def thresholds(org: Org) -> tuple[int, int]:
    return rules.local(org, "dues_warn_yellow_months"), rules.local(org, "dues_warn_red_months")


def behind_counts(org: Org, *, today: date) -> dict[str, int]:
    """How many members of ``org``'s subtree are behind by the yellow and red thresholds (the
    thresholds of ``org``): from the summary rows, never the members."""
    yellow, red = thresholds(org)
    owed_through = rules.month_index(today) - 1
    rows = DuesPaidCount.objects.filter(subtree_q("org__path", org.path), members__gt=0)
    red_count = rows.filter(paid_up_to__lte=owed_through - red).aggregate(n=Sum("members"))["n"] or 0
    yellow_all = rows.filter(paid_up_to__lte=owed_through - yellow).aggregate(n=Sum("members"))["n"] or 0
    return {"yellow": yellow_all - red_count, "red": red_count}


@dataclass
class Behind:
    member: Member
    paid_up_to: int | None
    behind: int
    level: str

    @property
    def paid_up_to_label(self) -> str:
        return rules.month_label(self.paid_up_to) if self.paid_up_to is not None else "未缴纳"


def arrears(org: Org, *, today: date, minimum: int = 1) -> list[Behind]:
    """The members of ``org`` (the branch itself) behind by ``minimum`` months or more, longest first."""
    yellow, red = thresholds(org)
    standings = (DuesStanding.objects.filter(member__org=org, member__status__in=ACTIVE_STATUSES)
                 .select_related("member"))
    listed = []
    for standing in standings:
        behind = rules.months_behind(paid_up_to=standing.paid_up_to, first_due=standing.first_due, today=today)
        if behind >= minimum:
            listed.append(Behind(standing.member, standing.paid_up_to, behind,
                                 rules.warning_level(behind, yellow=yellow, red=red)))
    return sorted(listed, key=lambda row: (-row.behind, row.member.name_pinyin))


def behind_in_subtree(root: Org, *, today: date, limit: int) -> list[Behind]:
    """For the secretary's workbench: members of ``root``'s subtree (a branch, or a general branch
    with its few branches) behind by the yellow threshold or more, longest first, at most ``limit``."""
    yellow, red = thresholds(root)
    owed_through = rules.month_index(today) - 1
    standings = (DuesStanding.objects.filter(subtree_q("member__org__path", root.path), member__status__in=ACTIVE_STATUSES)
                 .filter(Q(paid_up_to__lte=owed_through - yellow)
                         | Q(paid_up_to__isnull=True, first_due__lte=owed_through - yellow + 1))
                 .select_related("member").order_by("paid_up_to", "pk")[:limit])
    listed = []
    for standing in standings:
        behind = rules.months_behind(paid_up_to=standing.paid_up_to, first_due=standing.first_due, today=today)
        listed.append(Behind(standing.member, standing.paid_up_to, behind, rules.warning_level(behind, yellow=yellow, red=red)))
    return sorted(listed, key=lambda row: -row.behind)


def month_totals(org: Org, year: int) -> list[dict]:
    """The money ``org``'s subtree received per month of ``year`` (from DuesMonth)."""
    rows = (DuesMonth.objects.filter(subtree_q("org__path", org.path), month__year=year)
            .values("month").annotate(payments=Sum("payments"), amount_fen=Sum("amount_fen")).order_by("month"))
    return [dict(row) for row in rows]


def member_dues(member: Member) -> dict:
    """A member's own dues: this year's amount and how it was computed, the payments, paid up to."""
    standing = DuesStanding.objects.filter(member=member).first()
    return {
        "years": list(DuesYear.objects.filter(member=member).order_by("-year")[:3]),
        "payments": list(DuesPayment.objects.filter(member=member).order_by("-first_month", "-pk")[:24]),
        "standing": standing,
    }
