"""Dues reads: the amounts that differ from last year, who is behind (a branch's list from its
members' standings; counts up the tree from the DuesPaidCount summary rows), the money received
per org and month (DuesMonth), a member's own dues."""

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Q, Subquery, Sum

from core.access import subtree_q
from dues import rules
from dues.models import (
    DuesMonth,
    DuesPaidCount,
    DuesPayment,
    DuesRemittance,
    DuesStanding,
    DuesYear,
)
from members.models import ACTIVE_STATUSES, Member
from orglife import absence
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
    # 党章第九条's other half: whole months without organizational life (orglife.absence), where
    # the list is a branch's own; None up the tree.
    org_life_months: int | None = None

    @property
    def org_life_level(self) -> str:
        if self.org_life_months is None or self.org_life_months < absence.WARN_MONTHS:
            return ""
        return "red" if self.org_life_months >= absence.LAPSE_MONTHS else "yellow"

    @property
    def paid_up_to_label(self) -> str:
        return rules.month_label(self.paid_up_to) if self.paid_up_to is not None else "未缴纳"


def arrears(org: Org, *, today: date, minimum: int = 1) -> list[Behind]:
    """The members of ``org`` (the branch itself) behind by ``minimum`` months or more, longest
    first, each with their months without organizational life beside (党章第九条 names both)."""
    yellow, red = thresholds(org)
    org_life = absence.months_without(org, today)
    standings = (DuesStanding.objects.filter(member__org=org, member__status__in=ACTIVE_STATUSES)
                 .select_related("member"))
    listed = []
    for standing in standings:
        behind = rules.months_behind(paid_up_to=standing.paid_up_to, first_due=standing.first_due, today=today)
        if behind >= minimum:
            without = org_life.get(standing.member_id)
            listed.append(Behind(standing.member, standing.paid_up_to, behind,
                                 rules.warning_level(behind, yellow=yellow, red=red),
                                 without.months if without is not None else None))
    return sorted(listed, key=lambda row: (-row.behind, row.member.name_pinyin))


def behind_in_subtree(root: Org, *, today: date, limit: int) -> list[Behind]:
    """For the secretary's workbench: members of ``root``'s subtree (a branch, or a general branch
    with its few branches) behind by the yellow threshold or more, longest first, at most ``limit``."""
    yellow, red = thresholds(root)
    owed_through = rules.month_index(today) - 1
    standings = (DuesStanding.objects.filter(subtree_q("member__org__path", root.path), member__status__in=ACTIVE_STATUSES)
                 .filter(Q(paid_up_to__lte=owed_through - yellow)
                         | Q(paid_up_to__isnull=True, first_due__lte=owed_through - yellow + 1))
                 .select_related("member__org").order_by("paid_up_to", "pk")[:limit])
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


@dataclass
class Reconciled:
    """One child org's year: what its subtree received from members, what it remitted up."""

    org: Org
    received_fen: int
    remitted_fen: int

    @property
    def difference_fen(self) -> int:
        return self.received_fen - self.remitted_fen


def reconciliation(org: Org, year: int) -> tuple[Reconciled, list[Reconciled]]:
    """对账: ``org`` itself (received in its subtree, remitted by it to the level above) and each of
    its children (received in the child's subtree, remitted by the child to ``org``). The received
    figures come from the DuesMonth summary rows grouped by the child's path prefix."""
    children = list(Org.objects.filter(path__startswith=org.path, depth=org.depth + 1).order_by("path"))
    received: dict[int, int] = {}
    rows = (DuesMonth.objects.filter(subtree_q("org__path", org.path), month__year=year)
            .values_list("org__path", "amount_fen"))
    by_prefix = {child.path: child.pk for child in children}
    step = len(org.path) + Org.steplen
    total = 0
    for path, amount in rows:
        total += amount
        child = by_prefix.get(path[:step])
        if child is not None:
            received[child] = received.get(child, 0) + amount
    remitted = dict(DuesRemittance.objects.filter(to_org=org, year=year).values("org_id")
                    .annotate(total=Sum("amount_fen")).values_list("org_id", "total"))
    own = DuesRemittance.objects.filter(org=org, year=year).aggregate(total=Sum("amount_fen"))["total"] or 0
    return (Reconciled(org, total, own),
            [Reconciled(child, received.get(child.pk, 0), remitted.get(child.pk, 0)) for child in children])


def member_dues(member: Member) -> dict:
    """A member's own dues: this year's amount and how it was computed, the payments, paid up to."""
    standing = DuesStanding.objects.filter(member=member).first()
    return {
        "years": list(DuesYear.objects.filter(member=member).order_by("-year")[:3]),
        "payments": list(DuesPayment.objects.filter(member=member).order_by("-first_month", "-pk")[:24]),
        "standing": standing,
    }
