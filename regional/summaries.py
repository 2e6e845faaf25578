"""The regional summaries (core.summaries): each building committee's coverage row, computed
from the records for `dangjian summaries --check | --rebuild`; regional.services keeps it."""

from collections import defaultdict

from django.db.models import Count

from core import summaries
from regional.models import BuildingCoverage, BuildingUnit, ServedOrg

FIGURES = ("units", "org_covered", "work_covered", "members", "instructors", "served_orgs", "served_members")


def coverage_rows(org_ids: list[int] | None):
    rows: dict[int, dict] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    units = BuildingUnit.objects.annotate(n=Count("instructors"))
    served = ServedOrg.objects.all()
    if org_ids is not None:
        units = units.filter(building__committee_id__in=org_ids)
        served = served.filter(building__committee_id__in=org_ids)
    for unit in units.select_related("building").order_by():
        row = rows[unit.building.committee_id]
        org_covered = unit.org_covered
        row["units"] += 1
        row["org_covered"] += int(org_covered)
        row["work_covered"] += int(org_covered or unit.reached or unit.n > 0)
        row["members"] += unit.members
        row["instructors"] += unit.n
    for org_id, members in served.values_list("building__committee_id", "members"):
        rows[org_id]["served_orgs"] += 1
        rows[org_id]["served_members"] += members
    for org_id, row in rows.items():
        yield {"org_id": org_id, **row}


def register() -> None:
    summaries.register(summaries.Summary(
        name="regional.coverage", model=BuildingCoverage, key=("org_id",), values=FIGURES,
        compute=coverage_rows, label="楼宇党建覆盖汇总"))
