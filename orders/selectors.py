"""Ordered-service reads: a community's menu, a member's orders to take and to finish, and the
counts of a subtree and of each child from the summary rows (overdue orders are counted live:
open orders only, on the (state, due_at) index)."""

from datetime import date

from django.db.models import Count, Q, Sum
from django.utils import timezone

from community.models import CheckIn, CheckInState
from core.access import subtree_q
from core.registry import BulletinPart
from orders.models import OPEN_STATES, MenuItem, OrderMonth, OrderState, ServiceOrder
from orgs.models import Org
from orgs.selectors import rollup

FIGURES = ("ordered", "done", "rated", "stars", "closed")


def menu(community: Org, *, active_only: bool = True):
    items = MenuItem.objects.filter(community=community)
    return items.filter(active=True) if active_only else items


def offered(member_id: int):
    """Orders dispatched to the member or to the member's team, waiting for someone to accept."""
    teams = CheckIn.objects.filter(member_id=member_id, state=CheckInState.CONFIRMED,
                                   team__isnull=False).values("team_id")
    return (ServiceOrder.objects.filter(Q(member_id=member_id) | Q(team_id__in=teams), state=OrderState.DISPATCHED)
            .select_related("item", "community").order_by("due_at", "pk"))


def taken(member_id: int):
    """Orders the member accepted and has not finished."""
    return (ServiceOrder.objects.filter(accepted_by_id=member_id, state=OrderState.ACCEPTED)
            .select_related("item", "community").order_by("due_at", "pk"))


def _with_average(figures: dict) -> dict:
    figures["average"] = round(figures["stars"] / figures["rated"], 1) if figures["rated"] else None
    return figures


def counts(org: Org, start: date, end: date) -> dict:
    """Orders of ``org``'s subtree placed between two days' months, from the summary rows."""
    found = OrderMonth.objects.filter(subtree_q("org__path", org.path), month__range=(start.replace(day=1), end)
                                      ).aggregate(**{name: Sum(name) for name in FIGURES})
    return _with_average({name: found[name] or 0 for name in FIGURES})


def children_counts(orgs: list[Org], start: date, end: date) -> dict[int, dict]:
    """``counts`` for each listed org in one grouped query."""
    months = OrderMonth.objects.filter(month__range=(start.replace(day=1), end))
    found = rollup(orgs, months, "org__path", {name: Sum(name) for name in FIGURES}, group_by_prefix=True)
    return {pk: _with_average({name: figures[name] or 0 for name in FIGURES}) for pk, figures in found.items()}


def overdue_counts(user, orgs: list[Org]) -> dict[int, int]:
    """Open orders past their deadline in each listed org's subtree (one grouped query)."""
    late = ServiceOrder.objects.visible_to(user, "view").filter(state__in=OPEN_STATES, due_at__lt=timezone.now())
    return {pk: figures["overdue"] for pk, figures in
            rollup(orgs, late, "community__path", {"overdue": Count("pk")}).items()}


def open_counts(user, org: Org) -> dict:
    """Open orders of the subtree: waiting for dispatch, and overdue at any step."""
    found = ServiceOrder.objects.visible_to(user, "view").filter(
        subtree_q("community__path", org.path), state__in=OPEN_STATES).aggregate(
        waiting=Count("pk", filter=Q(state=OrderState.NEW)), overdue=Count("pk", filter=Q(due_at__lt=timezone.now())))
    return {"waiting": found["waiting"] or 0, "overdue": found["overdue"] or 0}


# --- the quarterly bulletin (oversight's 季度通报, core.registry.register_bulletin_section) -------------


def bulletin_part(root: Org, children: list[Org], start: date, end: date, as_of: date):
    """群众点单 for a bulletin, per child org: orders placed in the quarter, done, the share done,
    and the residents' average rating."""
    found = children_counts([root, *children], start, end)

    def of(figures: dict) -> dict:
        rate = round(100 * figures["done"] / figures["ordered"]) if figures["ordered"] else None
        return {"ordered": figures["ordered"], "done": figures["done"], "rate": rate, "average": figures["average"]}
    total = of(found[root.pk])
    return BulletinPart(
        columns=[("ordered", "群众点单（件）"), ("done", "办结（件）"), ("rate", "办结率（%）"), ("average", "平均评价（星）")],
        rows={child.pk: of(found[child.pk]) for child in children}, total=total, rank_by="rate", higher_better=True,
        text=(f"本季度{root.name}群众点单{total['ordered']}件，党员接单办结{total['done']}件"
              + (f"，办结率{total['rate']}%" if total["rate"] is not None else "")
              + (f"，群众平均评价{total['average']}星。" if total["average"] is not None else "。")),
        basis=(f"orders_ordermonth（点单月度汇总，随订单各环节同一事务更新）：{root.name}及其下级社区，"
               f"下单日期在{start:%Y年%m月}至{end:%Y年%m月}；办结含已评价"))
