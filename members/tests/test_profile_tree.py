"""The member profile is a tree summary: an org's rows count its whole subtree (a member counts in
their org's rows and in each ancestor's), kept by the services, moved with an org that moves; the
dashboards read one org's rows (insights.dashboards.profile)."""

from collections import Counter
from datetime import date

from core import summaries
from insights import dashboards
from members import services as member_services
from members import summaries as member_counts
from members.models import Member, MemberProfile, MemberStatus
from orgs import services as org_services
from orgs.models import Org
from recruitment.tests.helpers import id_number


def _direct(org: Org, dimension: str) -> Counter:
    """The subtree's members in good standing by one dimension, counted from the archive."""
    members = Member.objects.filter(org__path__startswith=org.path, status__in=member_counts.PROFILED)
    if dimension == "birth_year":
        return Counter(str(m.birth_date.year) for m in members)
    return Counter(getattr(m, dimension) or "" for m in members)


def _profile(org: Org, dimension: str) -> Counter:
    return Counter({k: v for k, v in dashboards.profile(Org.objects.get(pk=org.pk)).get(dimension, {}).items() if v})


def _clean() -> bool:
    return not any(summaries.check([member_counts.PROFILE_NAME]))


def test_each_org_s_rows_count_its_whole_subtree(world):
    for org in (world.city, world.district_a, world.street_a, world.branch_a1, world.district_b):
        assert _profile(org, "gender") == _direct(org, "gender"), org.code
    assert sum(_profile(world.city, "gender").values()) > sum(_profile(world.branch_a1, "gender").values()) > 0


def test_a_new_member_counts_at_once_in_the_branch_and_every_ancestor_and_nowhere_else(world):
    before = {org.code: sum(_profile(org, "birth_year").values())
              for org in (world.city, world.district_a, world.street_a, world.branch_a1, world.branch_a2,
                          world.district_b)}
    member_services.member_create(actor=world.users["city_admin"], org=world.branch_a1, name="新党员",
                                  id_number=id_number(date(1990, 5, 1), 777), status=MemberStatus.FULL,
                                  joined=date(2015, 7, 1))
    after = {org.code: sum(_profile(org, "birth_year").values())
             for org in (world.city, world.district_a, world.street_a, world.branch_a1, world.branch_a2,
                         world.district_b)}
    assert {code: after[code] - before[code] for code in before} == {
        "TJ": 1, "HP": 1, "HP01": 1, "HP01B01": 1, "HP01B02": 0, "HX": 0}
    assert _profile(world.city, "birth_year")["1990"] == _direct(world.city, "birth_year")["1990"]
    assert _clean()


def test_an_org_moved_with_its_members_takes_its_figures_to_the_new_ancestors(world):
    city_before = _profile(world.city, "gender")
    street = sum(_profile(world.street_a, "gender").values())
    a_before, b_before = (sum(_profile(o, "gender").values()) for o in (world.district_a, world.district_b))
    assert street > 0
    org_services.org_move(actor=world.users["city_admin"], org=world.street_a, new_parent=world.district_b,
                          reason="区划调整")
    assert sum(_profile(world.district_a, "gender").values()) == a_before - street
    assert sum(_profile(world.district_b, "gender").values()) == b_before + street
    assert _profile(world.city, "gender") == city_before  # an ancestor of both keeps its figures
    assert _clean()


def test_rows_written_past_the_services_are_seen_and_rebuilt_for_the_listed_orgs(world):
    MemberProfile.objects.filter(org=world.district_a, dimension="gender").update(total=0)
    difference = summaries.compare(summaries.registered([member_counts.PROFILE_NAME])[0], [world.district_a.pk])
    assert difference and all(key[0] == world.district_a.pk for key, _s, _e in difference.missing)
    summaries.rebuild([member_counts.PROFILE_NAME], org_ids=[world.district_a.pk])
    assert _profile(world.district_a, "gender") == _direct(world.district_a, "gender")
    assert _clean()
