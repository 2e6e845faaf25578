"""pledges' summary table (core.summaries, ``pledges.org_year``): per org and year, pledges made
and approved, fulfilment records made and accepted (``PledgeOrgYear``), kept by
``pledges.services`` in their transactions; a record counts in its pledge's org and year."""

from collections import defaultdict

from django.db.models import Count, Q

from core import summaries
from pledges.models import Pledge, PledgeOrgYear, PledgeRecord, ReviewState

NAME = "pledges.org_year"
VALUES = ("pledges", "approved", "records", "accepted")


def rows(org_ids: list[int] | None = None):
    pledges, records = Pledge.objects.all(), PledgeRecord.objects.all()
    if org_ids is not None:
        pledges, records = pledges.filter(org_id__in=org_ids), records.filter(pledge__org_id__in=org_ids)
    found: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(VALUES, 0))
    for org_id, year, n, approved in (pledges.order_by().values("org_id", "year").annotate(
            n=Count("pk"), ok=Count("pk", filter=Q(state=ReviewState.APPROVED))).values_list("org_id", "year", "n", "ok")):
        found[(org_id, year)].update(pledges=n, approved=approved)
    for org_id, year, n, accepted in (records.order_by().values("pledge__org_id", "pledge__year").annotate(
            n=Count("pk"), ok=Count("pk", filter=Q(state=ReviewState.APPROVED)))
            .values_list("pledge__org_id", "pledge__year", "n", "ok")):
        found[(org_id, year)].update(records=n, accepted=accepted)
    for (org_id, year), values in found.items():
        yield {"org_id": org_id, "year": year, **values}


def register() -> None:
    summaries.register(summaries.Summary(
        name=NAME, model=PledgeOrgYear, key=("org_id", "year"), values=VALUES, compute=rows,
        label="承诺践诺汇总（按组织和年度）"))
