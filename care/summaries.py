"""care's summary table (core.summaries): visits per org and month (``VisitMonth``), at the
member's current org. The visit services call ``moved(before, after)`` with a visit's place
(org id, month) in their transaction; a member who changes org takes their visits' counts along
(``care.services.follow_members``, the receiver of members.signals.member_moved)."""

from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth

from care.models import CareVisit, VisitMonth
from core import summaries

NAME = "care.visit_month"


def place(visit: CareVisit) -> tuple[int, date] | None:
    if visit.pk is None:
        return None
    return (visit.member.org_id, visit.visited.replace(day=1))


def moved(before: tuple | None, after: tuple | None, n: int = 1) -> None:
    if before == after:
        return
    if before is not None:
        summaries.add(VisitMonth, {"org_id": before[0], "month": before[1]}, visits=-n)
    if after is not None:
        summaries.add(VisitMonth, {"org_id": after[0], "month": after[1]}, visits=n)


def rows(org_ids: list[int] | None = None):
    visits = CareVisit.objects.all()
    if org_ids is not None:
        visits = visits.filter(member__org_id__in=org_ids)
    grouped = (visits.order_by().annotate(month=TruncMonth("visited")).values("member__org_id", "month")
               .annotate(n=Count("id")).values_list("member__org_id", "month", "n"))
    return [{"org_id": org_id, "month": month, "visits": n} for org_id, month, n in grouped]


def register() -> None:
    summaries.register(summaries.Summary(
        name=NAME, model=VisitMonth, key=("org_id", "month"), values=("visits",), compute=rows,
        label="走访慰问月度汇总"))
