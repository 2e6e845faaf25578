"""Every write of regional party building: one transaction per user action, audited, the
building's coverage row (BuildingCoverage) changed in the same transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, summaries
from core.access import get_scope
from core.errors import NotFound
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org, OrgKind, Sector
from regional.models import Building, BuildingCoverage, BuildingUnit, Instructor, ServedOrg

PERM = "regional.change"


def _require(actor, org: Org, perm: str = PERM) -> None:
    if not get_scope(actor).covers(org.path, perm):
        raise NotFound


def _in_building(building: Building, org: Org) -> bool:
    return org.path.startswith(building.committee.path) and org.pk != building.committee_id


def unit_figures(unit: BuildingUnit, *, instructors: int | None = None) -> dict:
    """What one unit adds to its building's coverage row."""
    if instructors is None:
        instructors = unit.instructors.count() if unit.pk else 0
    org_covered = unit.org_covered
    return {"units": 1, "org_covered": int(org_covered), "members": unit.members, "instructors": instructors,
            "work_covered": int(org_covered or unit.reached or instructors > 0)}


def _count(building: Building, before: dict | None, after: dict | None) -> None:
    before, after = before or {}, after or {}
    deltas = {k: after.get(k, 0) - before.get(k, 0) for k in set(before) | set(after)}
    summaries.add(BuildingCoverage, {"org_id": building.committee_id}, **deltas)


def building_create(*, actor, committee: Org, name: str, address: str = "") -> Building:
    _require(actor, committee)
    if committee.sector != Sector.BUILDING:
        raise ValidationError({"committee": f"{committee.name}不是商务楼宇党组织（领域须为“商务楼宇”）"})
    if Building.objects.filter(committee=committee).exists():
        raise ValidationError({"committee": f"{committee.name}已登记楼宇"})
    with transaction.atomic():
        building = Building.objects.create(committee=committee, name=name.strip(), address=address.strip())
        audit.record("regional.building_create", obj=building, user=actor, changes={"after": building.audit_snapshot()})
    return building


def _check_orgs(actor, building: Building, members: int, party_org: Org | None, joint_branch: Org | None) -> None:
    if party_org is not None:
        _require(actor, party_org, "regional.view")
        if not _in_building(building, party_org):
            raise ValidationError({"party_org": f"{party_org.name}不是{building.committee.name}的下级党组织"})
        if members == 0:
            raise ValidationError({"party_org": "没有党员的单位没有本单位党组织，请纳入联合党支部或派驻党建指导员"})
    if joint_branch is not None:
        _require(actor, joint_branch, "regional.view")
        if joint_branch.kind != OrgKind.JOINT_BRANCH or not _in_building(building, joint_branch):
            raise ValidationError({"joint_branch": f"{joint_branch.name}不是{building.committee.name}下的联合党支部"})
    if party_org is not None and joint_branch is not None:
        raise ValidationError({"joint_branch": "已有本单位党组织的单位不再纳入联合党支部"})


def unit_add(*, actor, building: Building, name: str, kind: str, members: int = 0, party_org: Org | None = None,
             joint_branch: Org | None = None, reached: bool = False) -> BuildingUnit:
    """An enterprise or social organization of the building, with or without members or a party org."""
    _require(actor, building.committee)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写单位名称"})
    if members < 0:
        raise ValidationError({"members": "党员人数不能为负数"})
    if BuildingUnit.objects.filter(building=building, name=name).exists():
        raise ValidationError({"name": f"{building.name}已有单位“{name}”"})
    _check_orgs(actor, building, members, party_org, joint_branch)
    with transaction.atomic():
        unit = BuildingUnit.objects.create(building=building, name=name, kind=kind, members=members,
                                           party_org=party_org, joint_branch=joint_branch, reached=reached)
        _count(building, None, unit_figures(unit, instructors=0))
        audit.record("regional.unit_add", obj=unit, user=actor, changes={"after": unit.audit_snapshot()})
    return unit


def instructor_assign(*, actor, unit: BuildingUnit, member: Member, assigned_on=None) -> Instructor:
    """A 党建指导员 for a unit with no members (a unit with members has its own work)."""
    _require(actor, unit.building.committee)
    if unit.members > 0:
        raise ValidationError({"member": f"{unit.name}有党员{unit.members}名，党建指导员派驻到没有党员的单位"})
    if member.status not in ACTIVE_STATUSES:
        raise ValidationError({"member": f"{member.name}已不是在册党员"})
    if Instructor.objects.filter(unit=unit, member=member).exists():
        raise ValidationError({"member": f"{member.name}已是{unit.name}的党建指导员"})
    with transaction.atomic():
        locked = BuildingUnit.objects.select_for_update().get(pk=unit.pk)
        before = unit_figures(locked)
        instructor = Instructor.objects.create(unit=locked, member=member, assigned_by=actor,
                                               assigned_on=assigned_on or timezone.localdate())
        _count(unit.building, before, unit_figures(locked))
        audit.record("regional.instructor_assign", obj=instructor, user=actor,
                     changes={"after": instructor.audit_snapshot()})
    return instructor


def org_serve(*, actor, building: Building, org: Org, since=None) -> ServedOrg:
    """服务不转隶: the committee serves an org affiliated elsewhere; the org stays where it is."""
    _require(actor, building.committee)
    _require(actor, org, "regional.view")
    if org.path.startswith(building.committee.path):
        raise ValidationError({"org": f"{org.name}已隶属{building.committee.name}，无需服务不转隶"})
    if ServedOrg.objects.filter(building=building, org=org).exists():
        raise ValidationError({"org": f"{building.name}已在服务{org.name}"})
    members = Member.objects.filter(org=org, status__in=ACTIVE_STATUSES).count()
    with transaction.atomic():
        served = ServedOrg.objects.create(building=building, org=org, members=members,
                                          since=since or timezone.localdate())
        _count(building, None, {"served_orgs": 1, "served_members": members})
        audit.record("regional.org_serve", obj=served, user=actor, changes={"after": served.audit_snapshot()})
    return served
