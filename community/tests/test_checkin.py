"""Community check-in (issue 17.1): an in-service member checks in with a community, once at a
time; the community confirms or refuses with a reason, assigns a team, records service with hours
and rates the year once; the rating and the hours reach the member's unit (两地双向); the counts
per org and month equal the records; refusals write nothing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from community import selectors, services
from community.models import CheckIn, CheckInRating, CheckInState, ServiceRecord
from core import summaries
from core.access import Role
from core.errors import NotFound
from dangjian.bench import id_number
from dangjian.testing import make_user
from members import services as member_services
from members.models import Member, MemberStatus
from orgs import services as org_services
from orgs.models import OrgKind, OrgLevel, Sector

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def places(world):
    return make_places(world)


def make_places(world) -> dict:
    """A community under street A (its admin: a_admin) and a government branch in district B whose
    member (user "cadre") lives in street A."""
    admin = world.users["city_admin"]
    community = org_services.org_create(actor=admin, parent=world.street_a, name="朝阳里社区党委", code="HP01C01",
                                        kind=OrgKind.COMMITTEE, founded=date(2000, 1, 1), sector=Sector.COMMUNITY,
                                        level=OrgLevel.COMMUNITY)
    office = org_services.org_create(actor=admin, parent=world.district_b, name="河西区发改委机关党支部",
                                     code="HX02B01", kind=OrgKind.BRANCH, founded=date(2000, 1, 1),
                                     sector=Sector.GOVERNMENT)
    member = member_services.member_create(actor=admin, org=office, name="周建华", id_number=id_number("120103", 7),
                                           status=MemberStatus.FULL, joined=date(2012, 7, 1))
    cadre = make_user("cadre")
    Member.objects.filter(pk=member.pk).update(user=cadre)
    cadre.refresh_from_db()
    office_admin = make_user("office_admin", role=Role.SECRETARY, org=office)
    return {"community": community, "office": office, "member": member, "cadre": cadre, "office_admin": office_admin}


def confirmed(world, places):
    checkin = services.checkin_request(actor=places["cadre"], community=places["community"], address="朝阳里3号楼")
    return services.checkin_decide(actor=world.users["a_admin"], checkin=checkin, confirm=True)


def counted_equal_recount():
    assert not any(summaries.check(["community.org_month"])), "the summary rows differ from a recount"


def test_an_in_service_member_checks_in_once_and_the_community_confirms(world, places):
    checkin = services.checkin_request(actor=places["cadre"], community=places["community"], address="朝阳里3号楼")
    assert checkin.state == CheckInState.REQUESTED and checkin.unit == places["office"]
    assert list(selectors.waiting(world.users["a_admin"], places["community"])) == [checkin]
    with pytest.raises(ValidationError, match="已在一个社区报到"):
        services.checkin_request(actor=places["cadre"], community=places["community"], address="别处")
    services.checkin_decide(actor=world.users["a_admin"], checkin=checkin, confirm=True)
    with pytest.raises(ValidationError, match="不能再次确认"):
        services.checkin_decide(actor=world.users["a_admin"], checkin=checkin, confirm=True)
    assert CheckIn.objects.count() == 1
    counted_equal_recount()
    assert selectors.counts(world.street_a, "community", TODAY.replace(day=1), TODAY)["checkins"] == 1
    assert selectors.counts(world.district_b, "unit", TODAY.replace(day=1), TODAY)["checkins"] == 1
    assert selectors.counts(world.district_a, "unit", TODAY.replace(day=1), TODAY)["checkins"] == 0


def test_who_may_check_in_where(world, places):
    with pytest.raises(ValidationError, match="不是社区党组织"):  # a street is not a community
        services.checkin_request(actor=places["cadre"], community=world.street_a, address="朝阳里3号楼")
    with pytest.raises(ValidationError, match="在职党员"):  # a community branch's member is not in service
        services.checkin_request(actor=world.users["member"], community=places["community"], address="朝阳里1号楼")
    with pytest.raises(ValidationError) as info:
        services.checkin_request(actor=places["cadre"], community=places["community"], address="  ")
    assert "address" in info.value.message_dict
    with pytest.raises(NotFound):  # no member record
        services.checkin_request(actor=world.users["a_admin"], community=places["community"], address="一号")
    assert not CheckIn.objects.exists()


def test_a_refusal_needs_a_reason_and_ends_the_request(world, places):
    checkin = services.checkin_request(actor=places["cadre"], community=places["community"], address="朝阳里3号楼")
    with pytest.raises(ValidationError) as info:
        services.checkin_decide(actor=world.users["a_admin"], checkin=checkin, confirm=False)
    assert "note" in info.value.message_dict
    services.checkin_decide(actor=world.users["a_admin"], checkin=checkin, confirm=False, note="地址不在本社区")
    # Refused: the member may ask another (or the same) community again.
    assert services.checkin_request(actor=places["cadre"], community=places["community"], address="朝阳里5号楼")
    counted_equal_recount()


def test_only_the_communitys_managers_decide_record_and_rate(world, places):
    checkin = services.checkin_request(actor=places["cadre"], community=places["community"], address="朝阳里3号楼")
    for actor in ("b_admin", "member"):
        with pytest.raises(NotFound):
            services.checkin_decide(actor=world.users[actor], checkin=checkin, confirm=True)
    with pytest.raises(NotFound):  # the unit sees it but does not confirm it
        services.checkin_decide(actor=places["office_admin"], checkin=checkin, confirm=True)
    assert CheckIn.objects.get().state == CheckInState.REQUESTED


def test_service_hours_and_the_rating_reach_the_members_unit(world, places):
    checkin = confirmed(world, places)
    team = services.team_create(actor=world.users["a_admin"], community=places["community"], name="环境整治服务队")
    services.checkin_assign(actor=world.users["a_admin"], checkin=checkin, team=team)
    services.record_add(actor=world.users["a_admin"], checkin=checkin, day=TODAY, hours="2.5", content="清理楼道杂物")
    services.record_add(actor=world.users["a_admin"], checkin=checkin, day=TODAY, hours=1, content="入户走访")
    services.rating_record(actor=world.users["a_admin"], checkin=checkin, year=TODAY.year, grade="excellent",
                           comment="积极参加服务")
    with pytest.raises(ValidationError) as info:  # once a year
        services.rating_record(actor=world.users["a_admin"], checkin=checkin, year=TODAY.year, grade="good")
    assert "year" in info.value.message_dict
    feedback = selectors.unit_feedback(places["office_admin"], places["office"], TODAY.year)
    assert [(f["checkin"].member.name, str(f["hours"]), f["rating"].get_grade_display()) for f in feedback] == [
        ("周建华", "3.5", "优秀")]
    assert selectors.unit_feedback(world.users["b_admin"], places["office"], TODAY.year)[0]["hours"] == 3.5
    assert selectors.unit_feedback(world.users["secretary"], places["office"], TODAY.year) == []  # neither side
    counted_equal_recount()
    assert selectors.counts(world.district_b, "unit", TODAY.replace(day=1), TODAY)["hours"] == 3.5


@pytest.mark.parametrize("hours, day, content, field", [
    ("0", TODAY, "服务", "hours"),
    ("13", TODAY, "服务", "hours"),
    ("两小时", TODAY, "服务", "hours"),
    ("2", TODAY + timedelta(days=1), "服务", "day"),
    ("2", TODAY, "  ", "content"),
])
def test_a_malformed_service_record_is_refused_and_nothing_written(world, places, hours, day, content, field):
    checkin = confirmed(world, places)
    with pytest.raises(ValidationError) as info:
        services.record_add(actor=world.users["a_admin"], checkin=checkin, day=day, hours=hours, content=content)
    assert field in info.value.message_dict
    assert not ServiceRecord.objects.exists()
    counted_equal_recount()


def test_nothing_is_recorded_or_rated_before_the_community_confirms(world, places):
    checkin = services.checkin_request(actor=places["cadre"], community=places["community"], address="朝阳里3号楼")
    with pytest.raises(ValidationError, match="确认后"):
        services.record_add(actor=world.users["a_admin"], checkin=checkin, day=TODAY, hours=1, content="服务")
    with pytest.raises(ValidationError, match="未确认"):
        services.rating_record(actor=world.users["a_admin"], checkin=checkin, year=TODAY.year, grade="good")
    assert not ServiceRecord.objects.exists() and not CheckInRating.objects.exists()


def test_the_member_ends_a_check_in_and_may_check_in_elsewhere(world, places):
    checkin = confirmed(world, places)
    with pytest.raises(NotFound):
        services.checkin_end(actor=world.users["member"], checkin=checkin)
    services.checkin_end(actor=places["cadre"], checkin=checkin)
    with pytest.raises(ValidationError, match="已结束"):
        services.checkin_end(actor=places["cadre"], checkin=checkin)
    assert services.checkin_request(actor=places["cadre"], community=places["community"], address="新居")


def test_the_counts_of_several_orgs_in_one_query_equal_one_org_at_a_time(world, places):
    checkin = confirmed(world, places)
    services.record_add(actor=world.users["a_admin"], checkin=checkin, day=TODAY, hours="2.5", content="清理楼道")
    start = TODAY.replace(day=1)
    orgs = [world.city, world.district_a, world.district_b, world.street_a]
    for role in ("community", "unit"):
        grouped = selectors.children_counts(orgs, role, start, TODAY)
        assert grouped == {org.pk: selectors.counts(org, role, start, TODAY) for org in orgs}
    assert selectors.children_counts(orgs, "community", start, TODAY)[world.district_a.pk]["hours"] == 2.5
    assert selectors.children_counts(orgs, "unit", start, TODAY)[world.district_b.pk]["checkins"] == 1
