"""The workbench (工作台) is every user's home page: a secretary sees exactly the crafted due items
of their branch, each linking where the work is done; an org admin sees the subtree's figures,
equal to direct counts of the records; a member sees their own items only; an empty state for
each panel."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from insights import selectors
from members import services as member_services
from members.models import Member, MemberStatus
from orglife import services as orglife_services
from orglife.models import MeetingKind
from orglife.tests.helpers import record
from orgs.models import Org
from recruitment.models import Case
from recruitment.tests.helpers import id_number, open_case
from transfers.tests.helpers import issue

pytestmark = pytest.mark.django_db


def craft(world):
    """One due item of each kind for branch A1, and one of each elsewhere (not A1's)."""
    today = timezone.localdate()
    found = {}
    found["case"] = open_case(world, applied=today - timedelta(days=40), name="逾期谈话", number=id_number(seq=41))
    open_case(world, applied=today - timedelta(days=2), name="刚递交", number=id_number(seq=42))  # not yet due
    open_case(world, actor="a_admin", org=world.branch_a2, applied=today - timedelta(days=40), name="二支部",
              number=id_number(seq=43))
    meeting = record(world, kind=MeetingKind.THEME_DAY, held_on=today.replace(day=1))  # this month, whatever the day
    orglife_services.meeting_submit(actor=world.users["secretary"], meeting=meeting)
    found["returned"] = orglife_services.meeting_review_return(actor=world.users["a_admin"], meeting=meeting,
                                                               comment="请补充会议记录")
    found["correction"] = member_services.correction_create(
        actor=world.users["member"], member=Member.objects.get(pk=world.members["a1_member"].pk),
        field_name="native_place", requested_value="天津", reason="籍贯有误")
    found["letter"] = issue(world, member="b1_member", to=world.branch_a1, actor="b_admin")
    Member.objects.filter(pk=world.members["a1_secretary"].pk).update(
        joined=today.replace(year=today.year - 60), converted=today.replace(year=today.year - 59))
    return found


def test_a_secretary_sees_exactly_the_crafted_due_items(world):
    found = craft(world)
    bench = selectors.workbench(world.users["secretary"])
    assert bench.subtrees == [] and [b.org for b in bench.branches] == [world.branch_a1]
    branch = bench.branches[0]
    assert [i.url for i in branch.recruitment] == [f"/recruitment/{found['case'].pk}/"]
    assert branch.recruitment[0].level == "red" and "谈话" in branch.recruitment[0].text
    assert [i.url for i in branch.returned] == [found["returned"].get_absolute_url()]
    assert branch.returned[0].badge_label == "退回"
    assert [i.url for i in branch.corrections] == ["/members/corrections/"]
    assert [i.url for i in branch.transfers] == [found["letter"].get_absolute_url()]
    assert [i.url for i in branch.visits] == [f"/care/members/{world.members['a1_secretary'].pk}/"]
    # Meetings: every requirement of the branch and its group not yet met this period, each a link
    # to record that kind of meeting for that org. The returned theme day counts as held.
    labels = {i.text.split("：")[0] for i in branch.meetings}
    group = f"{world.group_a1.name} · 党小组会"
    assert labels == {"支部党员大会", "党课", "书记讲党课", "组织生活会", "民主评议党员", "谈心谈话", group, "主题党日"}
    # Red: last month's theme day and group meeting (their month ended unmet); the rest are open.
    red = {i.text.split("：")[0] for i in branch.meetings if i.level == "red"}
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).month
    assert red == {"主题党日", group} and all(f"{last_month}月" in i.text for i in branch.meetings if i.level == "red")
    assert all(i.url.startswith("/orglife/new/?org=") for i in branch.meetings)


def test_the_secretarys_home_page_lists_them_with_their_links(world):
    found = craft(world)
    body = world.client("secretary").get("/").content.decode()
    for url in (f"/recruitment/{found['case'].pk}/", found["returned"].get_absolute_url(),
                found["letter"].get_absolute_url(), "/members/corrections/"):
        assert f'href="{url}"' in body
    assert "二支部" not in body and "待办事项" in body


def test_empty_panels_say_so(world):
    body = world.client("secretary").get("/").content.decode()
    for text in ("没有到期或逾期的发展党员步骤", "没有被退回的会议记录", "没有待处理的更正申请", "没有待接收的组织关系转入",
                 "关怀对象本年度都已走访"):
        assert text in body, text


def test_an_org_admin_sees_the_subtree_figures_equal_to_direct_counts(world):
    found = craft(world)
    bench = selectors.workbench(world.users["a_admin"])
    assert bench.branches == [] and [s.org for s in bench.subtrees] == [world.district_a]
    figures = bench.subtrees[0]
    district, today = world.district_a, timezone.localdate()
    assert figures.members == Member.objects.filter(
        org__path__startswith=district.path, status__in=(MemberStatus.FULL, MemberStatus.PROBATIONARY)).count() == 3
    assert figures.orgs == Org.objects.filter(path__startswith=district.path).count() - 1
    cases = Case.objects.filter(org__path__startswith=district.path, status__in=("open", "probationary"))
    stages: dict[int, int] = {}
    for case in cases:
        stages[case.stage] = stages.get(case.stage, 0) + 1
    assert figures.by_stage == stages and figures.in_progress == 3
    assert figures.cases_red == cases.filter(due_on__lt=today).count() == 2
    assert figures.cases_yellow == cases.filter(warn_on__lte=today, due_on__gte=today).count()
    assert figures.recent == [found["returned"]]  # drafts are not activity yet
    body = world.client("a_admin").get("/").content.decode()
    assert "概况" in body and f'/insights/warnings/?org={district.pk}' in body


def test_the_city_admin_sees_the_whole_city(world):
    craft(world)
    figures = selectors.workbench(world.users["city_admin"]).subtrees[0]
    assert figures.org == world.city
    assert figures.members == Member.objects.filter(Q(status=MemberStatus.FULL) | Q(status=MemberStatus.PROBATIONARY)).count()


def test_a_member_sees_their_own_items_only(world):
    craft(world)
    today = timezone.localdate()
    mine = record(world, kind=MeetingKind.THEME_DAY, held_on=today + timedelta(days=5), topic="下周主题党日")
    record(world, actor="a_admin", org=world.branch_a2, kind=MeetingKind.THEME_DAY, held_on=today + timedelta(days=5),
           topic="二支部的会", attendees=("a2_member",))
    bench = selectors.workbench(world.users["member"])
    assert bench.branches == [] and bench.subtrees == []
    assert [m.pk for m in bench.member.upcoming] == [mine.pk]
    assert len(bench.member.corrections) == 1
    body = world.client("member").get("/").content.decode()
    assert "下周主题党日" in body and "二支部的会" not in body and "我的事项" in body


def test_an_outsider_gets_a_page_with_nothing_in_it(world):
    response = world.client("outsider").get("/")
    assert response.status_code == 200
    assert response.context["bench"].empty


def test_a_party_group_among_the_worst_is_named_with_its_branch(world):
    craft(world)
    body = world.client("a_admin").get("/").content.decode()
    assert f"{world.branch_a1.name} · {world.group_a1.name}" in body
    warnings = world.client("a_admin").get(f"/insights/warnings/?org={world.branch_a1.pk}").content.decode()
    assert f"{world.branch_a1.name} · {world.group_a1.name}" in warnings
