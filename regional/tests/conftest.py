from datetime import date

import pytest

from orgs import services as org_services
from orgs.models import OrgKind, Sector
from regional import services


@pytest.fixture
def building(world):
    """A building committee under 小白楼街道 with one enterprise branch and one joint branch."""
    admin = world.users["city_admin"]
    committee = org_services.org_create(actor=admin, parent=world.street_a, name="测试大厦党委", code="HP01CX",
                                        kind=OrgKind.COMMITTEE, founded=date(2015, 6, 1), sector=Sector.BUILDING)
    for code, kind in (("HP01CXB01", OrgKind.BRANCH), ("HP01CXJ01", OrgKind.JOINT_BRANCH)):
        org_services.org_create(actor=admin, parent=committee, name=f"测试大厦{code}", code=code, kind=kind,
                                founded=date(2016, 1, 1), sector=Sector.NON_PUBLIC)
    committee.refresh_from_db()
    return services.building_create(actor=admin, committee=committee, name="测试大厦", address="和平区测试路1号")


@pytest.fixture
def village(world):
    """A rural branch under 小白楼街道 marked difficult (by the city's admin)."""
    from regional import villages

    org = org_services.org_create(actor=world.users["city_admin"], parent=world.street_a, name="测试村党支部",
                                  code="HP01V01", kind=OrgKind.BRANCH, founded=date(2000, 1, 1), sector=Sector.RURAL)
    return villages.village_mark(actor=world.users["city_admin"], org=org, difficulty="weak_economy",
                                 goals="集体经济年收入达到10万元", marked_on=date(2023, 3, 1))
