"""Oversight reads: the checklist an org is held to, the figures of a subtree and of each child
(teams, visits, problems, items opened and closed: the summary rows), the open rectification
items counted live on the (state, deadline) index (open, overdue, escalated), a user's items to
rectify and to accept, and the city rectification plan (open problems by district and sector)."""

import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from core.access import get_scope, subtree_q
from core.registry import BulletinPart
from orgs.models import Org, Sector
from orgs.selectors import rollup
from oversight.models import (
    OPEN_STATES,
    OWED_STATES,
    ChecklistItem,
    GuidancePlan,
    InspectionNotice,
    ItemState,
    OversightMonth,
    RectificationItem,
)

FIGURES = ("teams", "visits", "problems", "opened", "closed")


def plan_for(org: Org, year: int) -> GuidancePlan | None:
    """The guidance plan ``org`` is held to: for its sector and the year, the nearest one made by
    the org itself or an org above it."""
    if not org.sector:
        return None
    return (GuidancePlan.objects.filter(sector=org.sector, year=year, org__path__in=org.ancestor_paths())
            .select_related("org").order_by("-org__depth").first())


def checklist_for(org: Org, year: int) -> list[ChecklistItem]:
    plan = plan_for(org, year)
    return list(plan.items.all()) if plan else []


def children_counts(orgs: list[Org], start: date, end: date) -> dict[int, dict]:
    """Each listed org's subtree figures between two days' months, in one grouped query."""
    months = OversightMonth.objects.filter(month__range=(start.replace(day=1), end))
    found = rollup(orgs, months, "org__path", {name: Sum(name) for name in FIGURES}, group_by_prefix=True)
    return {pk: {name: figures[name] or 0 for name in FIGURES} for pk, figures in found.items()}


def open_items(user):
    """Rectification items not closed that the user sees."""
    return RectificationItem.objects.visible_to(user, "view").filter(state__in=OPEN_STATES)


def open_counts(user, orgs: list[Org]) -> dict[int, dict]:
    """Open, overdue and escalated items in each listed org's subtree (one grouped query)."""
    today = timezone.localdate()
    aggregates = {"open": Count("pk"),
                  "overdue": Count("pk", filter=Q(state__in=OWED_STATES, deadline__lt=today)),
                  "escalated": Count("pk", filter=Q(escalated_to__isnull=False))}
    return rollup(orgs, open_items(user), "org__path", aggregates)


def to_rectify(user):
    """Open items of orgs where the user may submit evidence (oversight.change)."""
    scope = get_scope(user)
    return (open_items(user).filter(scope.org_q("org__path", "oversight.change"), state__in=OWED_STATES)
            .select_related("org", "inspection").order_by("deadline", "pk"))


def to_accept(user):
    """Submitted items of inspections the user runs (oversight.inspect on the inspecting org)."""
    scope = get_scope(user)
    return (open_items(user).filter(scope.org_q("inspection__org__path", "oversight.inspect"),
                                    state=ItemState.SUBMITTED)
            .select_related("org", "inspection").order_by("deadline", "pk"))


def escalated_to(user, org: Org):
    """Items escalated to ``org`` (督办) and still open."""
    return (open_items(user).filter(escalated_to=org).select_related("org", "inspection")
            .order_by("deadline", "pk"))


def rectification_plan(user, root: Org) -> dict:
    """The rectification plan of ``root``'s subtree: open items per child org of ``root`` (for the
    city, its districts; ``root`` itself for items at its own level) and per sector of the
    rectifying org (系统), each with the overdue among them. One grouped query."""
    late = Q(state__in=OWED_STATES, deadline__lt=timezone.localdate())
    width = len(root.path) + Org.steplen
    rows = list(open_items(user).filter(subtree_q("org__path", root.path)).order_by()
                .annotate(prefix=Substr("org__path", 1, width)).values("prefix", "org__sector")
                .annotate(open=Count("pk"), overdue=Count("pk", filter=late)))
    by_path: dict[str, dict] = defaultdict(lambda: {"open": 0, "overdue": 0})
    by_sector: dict[str, dict] = defaultdict(lambda: {"open": 0, "overdue": 0})
    for row in rows:
        for figures in (by_path[row["prefix"]], by_sector[row["org__sector"]]):
            figures["open"] += row["open"]
            figures["overdue"] += row["overdue"]
    orgs = Org.objects.filter(path__in=list(by_path)).order_by("path")
    sectors = dict(Sector.choices)
    return {"children": [(org, by_path[org.path]) for org in orgs],
            "sectors": sorted(((sectors.get(key, "未设领域"), figures) for key, figures in by_sector.items()),
                              key=lambda pair: -pair[1]["open"]),
            "total": {"open": sum(f["open"] for f in by_path.values()),
                      "overdue": sum(f["overdue"] for f in by_path.values())}}


def orgs_named(root: Org, text: str) -> list[Org]:
    """The orgs of ``root``'s subtree named in ``text`` by code or by exact name (one per line, or
    separated by commas or spaces); unknown names are refused by name."""
    names = [name for name in re.split(r"[\s,，、;；]+", text or "") if name]
    if len(names) > 500:
        raise ValidationError({"targets": "一次最多填写500个党组织"})
    found = {o.code: o for o in Org.objects.subtree(root).filter(code__in=[n.upper() for n in names])}
    by_name = {o.name: o for o in Org.objects.subtree(root).filter(name__in=names)}
    orgs: list[Org] = []
    unknown: list[str] = []
    for name in names:
        org = found.get(name.upper()) or by_name.get(name)
        if org is None:
            unknown.append(name)
        else:
            orgs.append(org)
    if unknown:
        raise ValidationError({"targets": f"{root.name}的下级中没有这些党组织：{'、'.join(unknown[:10])}"})
    return orgs


# --- the quarterly bulletin's rectification section (core.registry.register_bulletin_section) --------


def bulletin_part(root: Org, children: list[Org], start: date, end: date, as_of: date):
    """巡查整改 for a bulletin, per child org: items opened and closed in the quarter (the summary),
    and items open and overdue as of ``as_of`` — of inspections at or below ``root`` or announced
    ones (an unannounced inspection from above stays with those who made it)."""
    orgs = [root, *children]
    months = children_counts(orgs, start, end)
    closed_after = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))
    still_open = Q(found_on__lte=as_of) & (Q(closed_at__isnull=True) | Q(closed_at__gte=closed_after))
    items = RectificationItem.objects.filter(subtree_q("inspection__org__path", root.path)
                                             | Q(inspection__notice=InspectionNotice.ANNOUNCED))
    now = rollup(orgs, items.filter(still_open), "org__path",
                 {"open": Count("pk"), "overdue": Count("pk", filter=Q(deadline__lt=as_of))})

    def of(org: Org) -> dict:
        return {"opened": months[org.pk]["opened"], "closed": months[org.pk]["closed"],
                "open": now[org.pk]["open"], "overdue": now[org.pk]["overdue"]}
    total = of(root)
    return BulletinPart(
        columns=[("opened", "本季度新增问题"), ("closed", "本季度整改销号"), ("open", "未销号"), ("overdue", "逾期未整改")],
        rows={child.pk: of(child) for child in children}, total=total, rank_by="overdue", higher_better=False,
        text=(f"本季度{root.name}巡查发现问题{total['opened']}个、整改销号{total['closed']}个；截至{as_of:%Y年%m月%d日}，"
              f"尚未销号{total['open']}个，其中逾期未整改{total['overdue']}个。"),
        basis=(f"oversight_oversightmonth（督导整改月度汇总，随整改台账同一事务更新）与 oversight_rectificationitem："
               f"{root.name}及其下级党组织的整改问题，新增按发现日期、销号按销号日期在本季度内；未销号、逾期按"
               f"{as_of:%Y年%m月%d日}判定（本级及下级巡查的问题和上级明察的问题）"))
