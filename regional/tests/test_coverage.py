"""Coverage arithmetic on crafted buildings: organizational coverage (own org or joint branch),
work coverage (that, an instructor, or the committee's work), kept in the summary row in the same
transaction, summed per street and district; the refusals; 服务不转隶 leaves the org where it is."""

import pytest
from django.core.exceptions import ValidationError

from core import summaries
from orgs.models import Org
from regional import selectors, services
from regional.models import BuildingUnit, ServedOrg, UnitKind


def _orgs():
    return Org.objects.get(code="HP01CXB01"), Org.objects.get(code="HP01CXJ01")


def test_coverage_counts_own_orgs_joint_branches_instructors_and_reach(world, building):
    admin = world.users["city_admin"]
    branch, joint = _orgs()
    services.unit_add(actor=admin, building=building, name="甲公司", kind=UnitKind.ENTERPRISE, members=5, party_org=branch)
    services.unit_add(actor=admin, building=building, name="乙公司", kind=UnitKind.ENTERPRISE, joint_branch=joint)
    bare = services.unit_add(actor=admin, building=building, name="丙公司", kind=UnitKind.ENTERPRISE)
    services.unit_add(actor=admin, building=building, name="丁协会", kind=UnitKind.SOCIAL_ORG, reached=True)
    services.unit_add(actor=admin, building=building, name="戊公司", kind=UnitKind.ENTERPRISE)
    figures = selectors.coverage(building.committee)
    assert (figures.units, figures.org_covered, figures.work_covered, figures.members) == (5, 2, 3, 5)
    services.instructor_assign(actor=admin, unit=bare, member=world.members["a2_member"])
    figures = selectors.coverage(world.district_a)  # the street's and district's figures: the same row
    assert (figures.units, figures.org_covered, figures.work_covered, figures.instructors) == (5, 2, 4, 1)
    assert figures.org_rate == "40%" and figures.work_rate == "80%"
    assert selectors.coverage(world.district_b).units == 0
    assert not summaries.check(["regional.coverage"])[0]


def test_a_second_instructor_for_the_same_unit_adds_no_coverage(world, building):
    admin = world.users["city_admin"]
    unit = services.unit_add(actor=admin, building=building, name="丙公司", kind=UnitKind.ENTERPRISE)
    services.instructor_assign(actor=admin, unit=unit, member=world.members["a2_member"])
    services.instructor_assign(actor=admin, unit=unit, member=world.members["a1_member"])
    figures = selectors.coverage(building.committee)
    assert (figures.work_covered, figures.instructors) == (1, 2)


def test_the_refusals(world, building):
    admin = world.users["city_admin"]
    branch, joint = _orgs()
    with pytest.raises(ValidationError, match="没有党员的单位"):
        services.unit_add(actor=admin, building=building, name="甲", kind=UnitKind.ENTERPRISE, party_org=branch)
    with pytest.raises(ValidationError, match="联合党支部"):
        services.unit_add(actor=admin, building=building, name="甲", kind=UnitKind.ENTERPRISE, joint_branch=branch)
    with pytest.raises(ValidationError, match="不是测试大厦党委的下级"):
        services.unit_add(actor=admin, building=building, name="甲", kind=UnitKind.ENTERPRISE, members=3,
                          party_org=world.branch_a1)
    staffed = services.unit_add(actor=admin, building=building, name="乙", kind=UnitKind.ENTERPRISE, members=3,
                                party_org=branch)
    with pytest.raises(ValidationError, match="已有单位"):
        services.unit_add(actor=admin, building=building, name="乙", kind=UnitKind.ENTERPRISE)
    with pytest.raises(ValidationError, match="派驻到没有党员的单位"):
        services.instructor_assign(actor=admin, unit=staffed, member=world.members["a2_member"])
    with pytest.raises(ValidationError, match="无需服务不转隶"):
        services.org_serve(actor=admin, building=building, org=branch)
    assert BuildingUnit.objects.count() == 1
    assert selectors.coverage(building.committee).units == 1


def test_serving_an_org_leaves_its_affiliation_unchanged(world, building):
    admin = world.users["city_admin"]
    parent_path = world.branch_a2.path
    services.org_serve(actor=admin, building=building, org=world.branch_a2)
    world.branch_a2.refresh_from_db()
    assert world.branch_a2.path == parent_path  # 服务不转隶
    figures = selectors.coverage(world.street_a)
    assert (figures.served_orgs, figures.served_members) == (1, 1)  # 王芳
    with pytest.raises(ValidationError, match="已在服务"):
        services.org_serve(actor=admin, building=building, org=world.branch_a2)
    assert ServedOrg.objects.count() == 1


def test_an_actor_outside_the_building_is_refused(world, building):
    from core.errors import NotFound

    with pytest.raises(NotFound):
        services.unit_add(actor=world.users["b_admin"], building=building, name="甲", kind=UnitKind.ENTERPRISE)
