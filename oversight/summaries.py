"""oversight's summary table (core.summaries, ``oversight.org_month``): per org and month — teams
formed (forming org, month formed), visits and problems (visited org, month of the visit),
rectification items opened (rectifying org, month found) and closed (month closed) — kept by
``oversight.services``."""

from collections import defaultdict

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from core import summaries
from oversight.models import ItemState, OversightMonth, RectificationItem, SupervisionTeam, Visit

NAME = "oversight.org_month"
VALUES = ("teams", "visits", "problems", "opened", "closed")


def _grouped(queryset, org_field: str, day_field: str, org_ids, **aggregates):
    if org_ids is not None:
        queryset = queryset.filter(**{f"{org_field}__in": org_ids})
    # A datetime's month is the local one (TruncMonth uses the current time zone, Asia/Shanghai).
    return (queryset.order_by().annotate(m=TruncMonth(day_field)).values(org_field, "m")
            .annotate(**aggregates).values(org_field, "m", *aggregates))


def rows(org_ids: list[int] | None = None):
    found: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(VALUES, 0))
    for row in _grouped(SupervisionTeam.objects.all(), "org_id", "formed_on", org_ids, teams=Count("pk")):
        found[(row["org_id"], row["m"])]["teams"] += row["teams"]
    for row in _grouped(Visit.objects.all(), "org_id", "day", org_ids, visits=Count("pk"), problems=Sum("problems")):
        found[(row["org_id"], row["m"])].update(visits=row["visits"], problems=row["problems"] or 0)
    for row in _grouped(RectificationItem.objects.all(), "org_id", "found_on", org_ids, opened=Count("pk")):
        found[(row["org_id"], row["m"])]["opened"] += row["opened"]
    closed = RectificationItem.objects.filter(state=ItemState.CLOSED)
    for row in _grouped(closed, "org_id", "closed_at", org_ids, closed=Count("pk")):
        found[(row["org_id"], row["m"].date())]["closed"] += row["closed"]
    for (org_id, month), values in found.items():
        yield {"org_id": org_id, "month": month, **values}


def register() -> None:
    summaries.register(summaries.Summary(
        name=NAME, model=OversightMonth, key=("org_id", "month"), values=VALUES, compute=rows,
        label="督导考核汇总（按组织和月份）"))
