"""training's summary table (core.summaries, ``training.org_month``): per org and month, the group
studies it held, its members' group study attendances, enrolments (training person-times, 培训人次),
completions and session attendances (``TrainingOrgMonth``), kept by ``training.services`` in their
transactions; the pages' counts for a subtree read it (``selectors.counts``), never the rows."""

from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import TruncMonth

from core import summaries
from training.models import (
    Enrolment,
    GroupStudy,
    GroupStudyAttendance,
    TrainingAttendance,
    TrainingOrgMonth,
)

NAME = "training.org_month"
VALUES = ("group_studies", "group_attendances", "enrolments", "completions", "session_attendances")


def rows(org_ids: list[int] | None = None):
    """The table's rows recomputed from the records (all orgs, or the listed ones)."""
    sources = (
        ("group_studies", GroupStudy.objects.all(), "held_on"),
        ("group_attendances", GroupStudyAttendance.objects.all(), "day"),
        ("enrolments", Enrolment.objects.all(), "enrolled_on"),
        ("completions", Enrolment.objects.filter(completed=True), "completed_on"),
        ("session_attendances", TrainingAttendance.objects.all(), "day"),
    )
    found: dict[tuple[int, object], dict] = defaultdict(lambda: dict.fromkeys(VALUES, 0))
    for name, queryset, day in sources:
        if org_ids is not None:
            queryset = queryset.filter(org_id__in=org_ids)
        grouped = (queryset.order_by().annotate(month=TruncMonth(day)).values("org_id", "month")
                   .annotate(n=Count("pk")).values_list("org_id", "month", "n"))
        for org_id, month, n in grouped:
            found[(org_id, month)][name] += n
    for (org_id, month), values in found.items():
        yield {"org_id": org_id, "month": month, **values}


def register() -> None:
    """Called from the app config."""
    summaries.register(summaries.Summary(
        name=NAME, model=TrainingOrgMonth, key=("org_id", "month"), values=VALUES, compute=rows,
        label="集中学习与培训汇总（按组织和月份）"))
