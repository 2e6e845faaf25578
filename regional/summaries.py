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


def village_rows(org_ids: list[int] | None):
    from regional.models import Pairing, Village, VillageAssessment

    villages = Village.objects.all()
    assessments = VillageAssessment.objects.all()
    if org_ids is not None:
        villages = villages.filter(org_id__in=org_ids)
        assessments = assessments.filter(village__org_id__in=org_ids)
    paired = set(Pairing.objects.values_list("village_id", flat=True))
    for pk, org_id in villages.values_list("pk", "org_id"):
        yield {"org_id": org_id, "year": 0, "grade": "", "villages": 1, "paired": int(pk in paired)}
    for org_id, year, grade in assessments.values_list("village__org_id", "year", "grade"):
        yield {"org_id": org_id, "year": year, "grade": grade, "villages": 1, "paired": 0}


def register_villages() -> None:
    from regional.models import VillageYear

    summaries.register(summaries.Summary(
        name="regional.village_year", model=VillageYear, key=("org_id", "year", "grade"),
        values=("villages", "paired"), compute=village_rows, label="困难村结对与考核汇总"))


def cobuilding_rows(org_ids: list[int] | None):
    from regional.models import CoBuildItem, CommitteeSeat, JointMeeting

    rows: dict[int, dict] = defaultdict(lambda: dict.fromkeys(COBUILDING, 0))

    def scoped(qs):
        return qs if org_ids is None else qs.filter(org_id__in=org_ids)

    for org_id in scoped(CommitteeSeat.objects.all()).values_list("org_id", flat=True):
        rows[org_id]["seats"] += 1
    for org_id in scoped(JointMeeting.objects.all()).values_list("org_id", flat=True):
        rows[org_id]["meetings"] += 1
    names = {"need": "needs", "resource": "resources", "project": "projects"}
    for org_id, kind, done_on in scoped(CoBuildItem.objects.all()).values_list("org_id", "kind", "done_on"):
        rows[org_id][names[kind]] += 1
        rows[org_id]["projects_done"] += int(kind == "project" and done_on is not None)
    for org_id, row in rows.items():
        yield {"org_id": org_id, **row}


COBUILDING = ("seats", "meetings", "needs", "resources", "projects", "projects_done")


def register_cobuilding() -> None:
    from regional.models import CoBuildingCount

    summaries.register(summaries.Summary(
        name="regional.cobuilding", model=CoBuildingCount, key=("org_id",), values=COBUILDING,
        compute=cobuilding_rows, label="共驻共建汇总"))
