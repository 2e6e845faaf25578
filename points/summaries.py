"""points' summary tables (core.summaries): per org, member and year (``points.member_year``, the
branch ranking) and per org and year (``points.org_year``, the totals up the tree), both kept by
``points.services.award`` in the transaction that writes the day's row."""

from django.db.models import Sum
from django.db.models.functions import ExtractYear

from core import summaries
from points.models import PointDay, PointMemberYear, PointOrgYear


def _days(org_ids):
    days = PointDay.objects.all()
    if org_ids is not None:
        days = days.filter(org_id__in=org_ids)
    return days.order_by().annotate(year=ExtractYear("day"))


def member_year_rows(org_ids: list[int] | None = None):
    return _days(org_ids).values("org_id", "member_id", "year").annotate(points=Sum("points"))


def org_year_rows(org_ids: list[int] | None = None):
    return _days(org_ids).values("org_id", "year").annotate(points=Sum("points"))


def register() -> None:
    summaries.register(summaries.Summary(
        name="points.member_year", model=PointMemberYear, key=("org_id", "member_id", "year"), values=("points",),
        compute=member_year_rows, label="学习积分汇总（按组织、党员和年度）"))
    summaries.register(summaries.Summary(
        name="points.org_year", model=PointOrgYear, key=("org_id", "year"), values=("points",),
        compute=org_year_rows, label="学习积分汇总（按组织和年度）"))
