"""community's summary table (core.summaries, ``community.org_month``): per org, role and month —
check-ins confirmed and service records and hours, counted at the community ("community") and at
the member's unit ("unit") — kept by ``community.services``."""

from collections import defaultdict

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from community.models import CheckIn, CheckInState, CommunityMonth, ServiceRecord
from core import summaries

NAME = "community.org_month"
VALUES = ("checkins", "records", "tenths")


def rows(org_ids: list[int] | None = None):
    found: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(VALUES, 0))
    confirmed = CheckIn.objects.filter(decided_on__isnull=False).exclude(state=CheckInState.REFUSED)
    for role in ("community", "unit"):
        checkins, records = confirmed, ServiceRecord.objects.all()
        if org_ids is not None:
            checkins = checkins.filter(**{f"{role}_id__in": org_ids})
            records = records.filter(**{f"{role}_id__in": org_ids})
        for org_id, month, n in (checkins.order_by().annotate(m=TruncMonth("decided_on")).values(f"{role}_id", "m")
                                 .annotate(n=Count("pk")).values_list(f"{role}_id", "m", "n")):
            found[(org_id, role, month)]["checkins"] += n
        for org_id, month, n, hours in (records.order_by().annotate(m=TruncMonth("day")).values(f"{role}_id", "m")
                                        .annotate(n=Count("pk"), h=Sum("hours"))
                                        .values_list(f"{role}_id", "m", "n", "h")):
            found[(org_id, role, month)].update(records=n, tenths=int(hours * 10))
    for (org_id, role, month), values in found.items():
        yield {"org_id": org_id, "role": role, "month": month, **values}


def register() -> None:
    summaries.register(summaries.Summary(
        name=NAME, model=CommunityMonth, key=("org_id", "role", "month"), values=VALUES, compute=rows,
        label="社区报到与服务汇总（按组织和月份）"))
