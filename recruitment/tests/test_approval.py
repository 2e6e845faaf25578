"""Who approves (细则第四章) and how probation is extended or cancelled (细则第三十二条).

Admissions (⑰) and conversions (㉔), and extending or cancelling probation, are approved by the
branch's approving committee: its nearest 党委 or 党工委 — not a general branch (党总支), not a
village or community 党委 unless the county-level committee granted it the authority (the local
setting ``recruitment_community_approval``). Extending or cancelling probation needs the branch
assembly's discussion first, recorded with the approval."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.access import Role
from dangjian.testing import make_user
from members import services as member_services
from members.models import MemberEvent, MemberStatus
from orgs import services as org_services
from orgs.models import OrgKind, OrgLevel, OrgSetting, Sector
from recruitment import demo, selectors, services
from recruitment.tests.helpers import id_number, open_case, walk
from recruitment.tests.test_rules import refused

FOUNDED = date(2001, 1, 1)


def _branch_with_members(world, parent, code, serial):
    branch = org_services.org_create(actor=world.users["city_admin"], parent=parent, kind=OrgKind.BRANCH,
                                     name=f"{parent.name}第一党支部", code=code, founded=FOUNDED,
                                     sector=Sector.COMMUNITY)
    people = [member_services.member_create(actor=world.users["city_admin"], org=branch, name=f"党员{serial + i}",
                                            id_number=id_number(born=date(1975, 1, 1 + i), seq=serial + i),
                                            status=MemberStatus.FULL, joined=date(2005, 7, 1))
              for i in range(4)]
    return branch, people


@pytest.fixture
def community(world):
    """A community 党委 under the street's 党工委, with a branch of four full members and its admin."""
    committee = org_services.org_create(actor=world.users["city_admin"], parent=world.street_a,
                                        kind=OrgKind.COMMITTEE, level=OrgLevel.COMMUNITY, sector=Sector.COMMUNITY,
                                        name="朝阳里社区党委", code="HP01C", founded=FOUNDED)
    branch, people = _branch_with_members(world, committee, "HP01C01", 600)
    admin = make_user("community_admin", role=Role.ORG_ADMIN, org=committee)
    return committee, branch, people, admin


@pytest.fixture
def general(world):
    """A general branch (党总支) under the street's 党工委, with a branch and the general branch's admin."""
    total = org_services.org_create(actor=world.users["city_admin"], parent=world.street_a,
                                    kind=OrgKind.GENERAL_BRANCH, sector=Sector.COMMUNITY, name="某单位党总支",
                                    code="HP01Z", founded=FOUNDED)
    branch, people = _branch_with_members(world, total, "HP01Z01", 700)
    admin = make_user("general_admin", role=Role.ORG_ADMIN, org=total)
    return total, branch, people, admin


def _to_approval(world, branch, people, upper):
    case = open_case(world, org=branch, actor="city_admin", number=id_number(seq=90))
    d = demo.walk(case, 16, branch=world.users["city_admin"], upper=upper, people=people)
    return case, demo.notice(world.users["city_admin"], case, 17, d)


def test_the_approving_org_skips_general_branches_and_ungranted_community_committees(world, community, general):
    assert selectors.approving_org(community[1]) == world.street_a
    assert selectors.approving_org(general[1]) == world.street_a
    assert selectors.approving_org(world.branch_a1) == world.street_a
    assert selectors.approving_org(world.branch_b1) == world.district_b


def test_a_community_committee_without_the_authority_cannot_approve_an_admission(world, community):
    committee, branch, people, admin = community
    case, d = _to_approval(world, branch, people, admin)  # the talk (⑯) is any upper org's
    refused("第17步“上级党委审批”须由有审批权限的党委审批，本支部的审批党委为“小白楼街道党工委”", services.step_record,
            actor=admin, case=case, number=17, done_on=d, exc=PermissionDenied)
    refused("未经县级以上党委授权的村、社区党委没有审批发展党员的权限", services.step_record,
            actor=admin, case=case, number=17, done_on=d, exc=PermissionDenied)


def test_a_community_committee_granted_the_authority_approves(world, community):
    committee, branch, people, admin = community
    OrgSetting.objects.create(org=world.district_a, key="recruitment_community_approval", value=True)
    assert selectors.approving_org(branch) == committee
    case, d = _to_approval(world, branch, people, admin)
    services.step_record(actor=admin, case=case, number=17, done_on=d)
    case.refresh_from_db()
    assert case.status == "probationary"


def test_a_community_committees_own_setting_overrides_the_districts(world, community, django_assert_max_num_queries):
    committee, branch, people, admin = community
    OrgSetting.objects.create(org=world.district_a, key="recruitment_community_approval", value=True)
    OrgSetting.objects.create(org=committee, key="recruitment_community_approval", value=False)
    with django_assert_max_num_queries(2):  # the ancestors and their settings, however deep
        assert selectors.approving_org(branch) == world.street_a


def test_a_general_branch_cannot_approve_an_admission(world, general):
    total, branch, people, admin = general
    case, d = _to_approval(world, branch, people, admin)
    refused("本支部的审批党委为“小白楼街道党工委”", services.step_record,
            actor=admin, case=case, number=17, done_on=d, exc=PermissionDenied)
    services.step_record(actor=world.users["a_admin"], case=case, number=17, done_on=d)  # the district may


def test_an_extension_needs_the_branch_assembly_before_the_approval(world):
    case = open_case(world)
    walk(world, case, 22)
    ends = case.probation_ends
    refused("支部党员大会讨论（", services.case_extend, actor=world.users["a_admin"], case=case, months=6,
            assembly_on=ends + timedelta(days=2), decided_on=ends + timedelta(days=1))
    refused("预备期满方可讨论", services.case_extend, actor=world.users["a_admin"], case=case, months=6,
            assembly_on=ends - timedelta(days=3), decided_on=ends)
    services.case_extend(actor=world.users["a_admin"], case=case, months=6, assembly_on=ends, decided_on=ends)
    event = MemberEvent.objects.filter(member=case.member, summary__startswith="延长预备期").get()
    assert f"支部党员大会{ends:%Y-%m-%d}讨论，小白楼街道党工委批准" in event.summary


def test_an_extension_by_a_community_committee_without_the_authority_is_refused(world, community):
    committee, branch, people, admin = community
    case = open_case(world, org=branch, actor="city_admin", number=id_number(seq=91))
    demo.walk(case, 22, branch=world.users["city_admin"], upper=world.users["city_admin"], people=people)
    case.refresh_from_db()
    refused("延长预备期须由有审批权限的党委审批", services.case_extend, actor=admin, case=case, months=6,
            assembly_on=case.probation_ends, decided_on=case.probation_ends, exc=PermissionDenied)


def test_a_cancellation_records_the_assembly_and_the_approving_committee(world):
    case = open_case(world)
    walk(world, case, 20)
    today = timezone.localdate()
    refused("应在上级党组织批准", services.case_cancel, actor=world.users["a_admin"], case=case,
            assembly_on=today, decided_on=today - timedelta(days=1), reason="不履行党员义务")
    services.case_cancel(actor=world.users["a_admin"], case=case, assembly_on=today - timedelta(days=1),
                         decided_on=today, reason="不履行党员义务")
    event = MemberEvent.objects.filter(member=case.member, summary__startswith="取消预备党员资格").get()
    assert "小白楼街道党工委批准" in event.summary


def test_the_cancel_form_asks_for_the_assembly_date(world):
    case = open_case(world)
    walk(world, case, 20)
    client = world.client("a_admin")
    url = f"/recruitment/{case.pk}/cancel/"
    assert "支部党员大会讨论日期" in client.get(url).content.decode()
    today = timezone.localdate()
    response = client.post(url, {"day": today.isoformat(), "reason": "不履行党员义务", "confirm": "on"})
    assert "支部党员大会讨论日期" in response.content.decode() and response.status_code == 200
    case.refresh_from_db()
    assert case.status == "probationary"
