"""The members' profile of the city and of a district is kept in the cache for
ROLLUP_CACHE_SECONDS (insights.dashboards.profile), as the compliance roll-up is; a street's and a
branch's are always read now."""

import pytest
from django.core.cache import cache

from insights import dashboards
from members import services as member_services
from members.models import MemberStatus
from recruitment.tests.helpers import id_number


def _add_member(world):
    from datetime import date

    admin = world.users["city_admin"]
    member = member_services.member_create(actor=admin, org=world.branch_a1, name="新党员",
                                           id_number=id_number(date(1990, 5, 1), 777),
                                           status=MemberStatus.FULL, joined=date(2015, 7, 1))
    return member


def _counts(org):
    return sum(dashboards.profile(org).get("birth_year", {}).values())


@pytest.mark.parametrize("root", ["city", "district_a"])
def test_the_city_and_a_district_are_read_once_a_minute(world, settings, root):
    settings.ROLLUP_CACHE_SECONDS = 60
    org = getattr(world, root)
    before = _counts(org)
    _add_member(world)
    assert _counts(org) == before  # the cached profile
    cache.clear()  # the minute is up
    assert _counts(org) == before + 1


@pytest.mark.parametrize("root", ["street_a", "branch_a1"])
def test_a_street_and_a_branch_are_always_read_now(world, settings, root):
    settings.ROLLUP_CACHE_SECONDS = 60
    org = getattr(world, root)
    before = _counts(org)
    _add_member(world)
    assert _counts(org) == before + 1


def test_without_the_cache_the_city_is_read_now(world, settings):
    settings.ROLLUP_CACHE_SECONDS = 0
    before = _counts(world.city)
    _add_member(world)
    assert _counts(world.city) == before + 1
