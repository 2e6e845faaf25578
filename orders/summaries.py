"""orders' summary table (core.summaries, ``orders.org_month``): per community and month of the
order's day — placed, done (done or rated), rated with the stars given, and closed (rejected or
cancelled) — kept by ``orders.services``."""

from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from core import summaries
from orders.models import OrderMonth, OrderState, ServiceOrder

NAME = "orders.org_month"
VALUES = ("ordered", "done", "rated", "stars", "closed")


def rows(org_ids: list[int] | None = None):
    orders = ServiceOrder.objects.all()
    if org_ids is not None:
        orders = orders.filter(community_id__in=org_ids)
    found: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(VALUES, 0))
    grouped = (orders.order_by().annotate(m=TruncMonth("day")).values("community_id", "m").annotate(
        ordered=Count("pk"), done=Count("pk", filter=Q(state__in=[OrderState.DONE, OrderState.RATED])),
        rated=Count("pk", filter=Q(state=OrderState.RATED)), stars=Sum("stars"),
        closed=Count("pk", filter=Q(state__in=[OrderState.REJECTED, OrderState.CANCELLED]))))
    for row in grouped:
        found[(row["community_id"], row["m"])].update(
            ordered=row["ordered"], done=row["done"], rated=row["rated"], stars=row["stars"] or 0, closed=row["closed"])
    for (org_id, month), values in found.items():
        yield {"org_id": org_id, "month": month, **values}


def register() -> None:
    summaries.register(summaries.Summary(
        name=NAME, model=OrderMonth, key=("org_id", "month"), values=VALUES, compute=rows,
        label="群众点单汇总（按社区和月份）"))
