"""learning's summary table (core.summaries): online study seconds per org and year
(``StudyOrgYear``), kept by ``services.heartbeat`` in its transaction; the roll-ups per branch,
street, district and city read it (``selectors.org_year_hours``), never the study rows."""

from django.db.models import Sum
from django.db.models.functions import ExtractYear

from core import summaries
from learning.models import StudyDay, StudyOrgYear

NAME = "learning.study_org_year"


def rows(org_ids: list[int] | None = None):
    """The table's rows recomputed from the study rows (all orgs, or the listed ones)."""
    days = StudyDay.objects.all()
    if org_ids is not None:
        days = days.filter(org_id__in=org_ids)
    return (days.order_by().annotate(year=ExtractYear("day")).values("org_id", "year")
            .annotate(seconds=Sum("seconds")))


def register() -> None:
    """Called from the app config."""
    summaries.register(summaries.Summary(
        name=NAME, model=StudyOrgYear, key=("org_id", "year"), values=("seconds",),
        compute=rows, label="在线学习时长汇总（按组织和年度）"))
