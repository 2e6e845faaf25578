"""Who is entitled to vote (细则第二十、二十一条; 党章第四十条) and who may sponsor (细则第十三条):
the entitled count of a branch assembly's vote is the roster's — full members on the day, not
probationary ones, not those under 留党察看 — less the members the level above agreed to leave
out, recorded. A typed number that differs is refused and nothing is written."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from dangjian.testing import api_client
from members import services as member_services
from members.models import Member, MemberStatus
from recruitment import selectors
from recruitment.models import Vote
from recruitment.tests.helpers import GOOD_VOTE, full_members, open_case, walk
from recruitment.tests.test_rules import refused, step, vote

EIGHT = {"entitled": 8, "present": 7, "written_opinions": 1, "ballots_issued": 7, "ballots_returned": 7, "yes": 6,
         "no": 2, "abstain": 0}


def observe(world, member, starts_on, ends_on):
    return member_services.observation_add(actor=world.users["a_admin"], member=member, data={
        "starts_on": starts_on, "ends_on": ends_on, "issuer": "中共和平区纪律检查委员会", "document": "和纪〔2024〕3号"})


def test_a_typed_entitled_count_below_the_roster_is_refused(world):
    """The audit's case: "3 entitled, 2 yes" in a branch of nine full members passed the admission."""
    case = open_case(world)
    d = walk(world, case, 14)
    assert selectors.entitled_voters(case, d) == 9
    small = {"entitled": 3, "present": 3, "written_opinions": 0, "ballots_issued": 3, "ballots_returned": 3,
             "yes": 2, "no": 1, "abstain": 0}
    refused("有表决权的正式党员9名", vote, world, case, 15, d, **small)
    refused("应到会人数应为9名，而填写的是3名", vote, world, case, 15, d, **small)
    refused("须经上级党组织同意并登记（细则第二十、二十一条）", vote, world, case, 15, d, **small)


def test_a_typed_entitled_count_above_the_roster_is_refused(world):
    case = open_case(world)
    d = walk(world, case, 14)
    refused("应到会人数应为9名，而填写的是12名", vote, world, case, 15, d, **{**GOOD_VOTE, "entitled": 12})


def test_a_member_under_observation_on_the_day_has_no_vote(world):
    case = open_case(world)
    d = walk(world, case, 14)
    observed = full_members(world)[0]
    observe(world, observed, d - timedelta(days=30), d + timedelta(days=335))
    refused("有表决权的正式党员8名（不含预备党员和受留党察看处分的党员，党章第四十条）", vote, world, case, 15, d)
    recorded = vote(world, case, 15, d, **EIGHT)
    assert (recorded.entitled, recorded.roster, recorded.passed) == (8, 8, True)


def test_an_observation_ended_before_the_vote_gives_the_vote_back(world):
    case = open_case(world)
    d = walk(world, case, 14)
    observe(world, full_members(world)[0], d - timedelta(days=400), d)  # ends on the day: rights restored
    assert vote(world, case, 15, d).roster == 9


def test_a_member_converted_after_the_vote_was_probationary_on_the_day(world):
    case = open_case(world)
    d = walk(world, case, 14)
    member = member_services.member_create(actor=world.users["a_admin"], org=world.branch_a1, name="新转正",
                                           id_number="120101198801010010", status=MemberStatus.FULL,
                                           joined=d - timedelta(days=200))
    member_services.member_update(actor=world.users["a_admin"], member=member,
                                  changes={"converted": (d + timedelta(days=1)).isoformat()})
    assert Member.objects.filter(org=world.branch_a1, status=MemberStatus.FULL).count() == 10
    assert selectors.entitled_voters(case, d) == 9
    assert vote(world, case, 15, d).roster == 9


def test_leaving_a_member_out_needs_the_level_aboves_consent_recorded(world):
    case = open_case(world)
    d = walk(world, case, 14)
    refused("须经上级党组织同意：请写明同意的党组织和日期", vote, world, case, 15, d, **EIGHT, excluded=1)
    refused("减去经上级党组织同意不计入的2名，应到会人数应为7名", vote, world, case, 15, d, **EIGHT, excluded=2,
            exclusion_approval="和平区委组织部2024年5月6日同意")
    recorded = vote(world, case, 15, d, **EIGHT, excluded=1, exclusion_approval="和平区委组织部同意（长期外出务工）")
    assert (recorded.roster, recorded.excluded, recorded.entitled) == (9, 1, 8)
    page = world.client("secretary").get(case.get_absolute_url()).content.decode()
    assert "另有1名经上级党组织同意不计入：和平区委组织部同意（长期外出务工）" in page
    api = api_client("secretary").get(f"/api/v1/recruitment/cases/{case.pk}/votes").json()
    assert (api[0]["roster"], api[0]["excluded"]) == (9, 1)


def test_the_vote_form_offers_the_roster_count(world):
    case = open_case(world)
    walk(world, case, 14)
    body = world.client("secretary").get(reverse("recruitment:step", args=[case.pk, 15])).content.decode()
    assert "今天本支部有表决权的正式党员9名" in body
    assert 'name="entitled" value="9"' in body


def test_the_vote_form_refuses_a_typed_count_on_the_page_and_writes_nothing(world):
    case = open_case(world)
    d = walk(world, case, 14)
    data = {**GOOD_VOTE, "entitled": 3, "present": 3, "written_opinions": 0, "ballots_issued": 3,
            "ballots_returned": 3, "yes": 2, "no": 1, "held_on": d.isoformat(), "excluded": 0}
    response = world.client("secretary").post(reverse("recruitment:step", args=[case.pk, 15]), data)
    assert "应到会人数应为9名，而填写的是3名" in response.content.decode()
    assert not Vote.objects.exists()


def test_a_sponsor_under_observation_is_refused(world):
    case = open_case(world)
    d = walk(world, case, 8)
    sponsors = full_members(world)
    observe(world, sponsors[1], d - timedelta(days=10), d + timedelta(days=355))
    refused("受留党察看处分、尚未恢复党员权利的党员不能作入党介绍人（细则第十三条）：", step, world, case, 9, d,
            people=sponsors)


def test_leaving_the_unit_within_three_months_is_a_warning_not_a_refusal(world):
    """细则第十九条: generally not admitted — the case page and the API say so; nothing is refused."""
    case = open_case(world)
    d = walk(world, case, 11)
    leaving = timezone.localdate() + timedelta(days=40)
    refused("随第12步“支部委员会审查”登记", step, world, case, 11, d, leaving_on=leaving)
    step(world, case, 12, d, leaving_on=leaving)
    case.refresh_from_db()
    assert case.leaving_on == leaving
    page = world.client("secretary").get(case.get_absolute_url()).content.decode()
    assert f"预计于 {leaving:%Y-%m-%d} 离开工作、学习单位：3个月内将离开的，一般不办理接收手续" in page
    assert "细则第十九条" in api_client("secretary").get(f"/api/v1/recruitment/cases/{case.pk}").json()["leaving_warning"]


def test_leaving_later_than_three_months_gives_no_warning(world):
    case = open_case(world)
    d = walk(world, case, 11)
    step(world, case, 12, d, leaving_on=timezone.localdate() + timedelta(days=200))
    case.refresh_from_db()
    assert "离开工作、学习单位" not in world.client("secretary").get(case.get_absolute_url()).content.decode()
