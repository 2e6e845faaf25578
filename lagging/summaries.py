"""lagging's summary table (core.summaries, ``lagging.org_year``): per org and year — cases found
(by the year found), closed (by the year closed) and of those closed to 较好 or 先进 (upgraded) —
kept by ``lagging.services`` (``case_open``, ``case_close``)."""

from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from core import summaries
from lagging.models import CaseState, Grade, LaggingCase, LaggingYear

NAME = "lagging.org_year"
VALUES = ("found", "closed", "upgraded")


def rows(org_ids: list[int] | None = None):
    found: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(VALUES, 0))
    cases = LaggingCase.objects.all()
    if org_ids is not None:
        cases = cases.filter(org_id__in=org_ids)
    for row in cases.order_by().values("org_id", "year").annotate(n=Count("pk")):
        found[(row["org_id"], row["year"])]["found"] += row["n"]
    closed = (cases.filter(state=CaseState.CLOSED).order_by().annotate(y=ExtractYear("closed_on"))
              .values("org_id", "y").annotate(n=Count("pk"), up=Count("pk", filter=Q(
                  grade_after__in=[Grade.GOOD, Grade.ADVANCED]))))
    for row in closed:
        found[(row["org_id"], row["y"])].update(closed=row["n"], upgraded=row["up"])
    for (org_id, year), values in found.items():
        yield {"org_id": org_id, "year": year, **values}


def register() -> None:
    summaries.register(summaries.Summary(
        name=NAME, model=LaggingYear, key=("org_id", "year"), values=VALUES, compute=rows,
        label="后进整顿汇总（按组织和年度）"))
