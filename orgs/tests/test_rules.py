"""Org structure rules (orgs/rules.py, rules.md §1): each hard rule refused with its Chinese message
and nothing written; each warning raised at its threshold and not below; moving a subtree."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import idcard
from core.models import AuditEntry
from members import services as member_services
from members.models import Member, MemberStatus
from orgs import rules, selectors, services
from orgs.models import (
    AffiliationChange,
    LeadershipMember,
    LeadershipTerm,
    Org,
    OrgKind,
    OrgLevel,
    OrgSetting,
    Sector,
)

TODAY = timezone.localdate()
RECENT = TODAY - timedelta(days=30)  # a term started then is far from its end


def written():
    """Row counts a refused write must leave as they were."""
    return (Org.objects.count(), LeadershipTerm.objects.count(), LeadershipMember.objects.count(),
            AffiliationChange.objects.count(), AuditEntry.objects.count(),
            sorted(Org.objects.values_list("pk", "path", "kind", "founded", "numchild")))


def refused(call, fragment: str):
    """Run a service call that must fail with ``fragment`` in its message and write nothing."""
    before = written()
    with pytest.raises(ValidationError) as info:
        call()
    assert fragment in " ".join(info.value.messages), info.value.messages
    assert written() == before


def id_number(seq: int, born: str = "19900101") -> str:
    first17 = f"120101{born}{seq:03d}"
    return first17 + idcard.check_char(first17)


def add_members(world, org, count, *, status=MemberStatus.FULL, start=100):
    for i in range(count):
        member_services.member_create(
            actor=world.users["city_admin"], org=org, name=f"党员{start + i}",
            id_number=id_number(start + i), status=status, joined=date(2015, 7, 1),
        )


def create(world, parent, kind, **extra):
    fields = {"name": "新组织", "code": "NEW1", "founded": date(2010, 1, 1)} | extra
    return services.org_create(actor=world.users["city_admin"], parent=parent, kind=kind, **fields)


# --- placement: the tree's grammar -------------------------------------------------------------


def test_a_group_sits_only_under_a_branch(world):
    for parent in (world.street_a, world.district_a, world.group_a1):
        refused(lambda p=parent: create(world, p, OrgKind.GROUP), "党小组只能设在党支部")


def test_a_group_is_accepted_under_every_kind_of_branch(world):
    joint = create(world, world.street_a, OrgKind.JOINT_BRANCH, code="J1")
    assert Org.objects.get_parent(create(world, joint, OrgKind.GROUP, code="J1G1")) == joint
    assert create(world, world.branch_a2, OrgKind.GROUP, code="A2G1").depth == world.branch_a2.depth + 1


def test_nothing_but_groups_under_a_branch(world):
    for kind in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE, OrgKind.JOINT_BRANCH):
        refused(lambda k=kind: create(world, world.branch_a1, k), "党支部之下只能设党小组")


def test_only_branches_under_a_general_branch(world):
    general = create(world, world.street_a, OrgKind.GENERAL_BRANCH, code="GB1")
    for kind in (OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE):
        refused(lambda k=kind: create(world, general, k), "党总支之下只能设党支部")
    for i, kind in enumerate(sorted(rules.BRANCH_KINDS)):
        assert Org.objects.get_parent(create(world, general, kind, code=f"GB1B{i}")) == general


def test_top_level_orgs_are_not_created_from_the_web_and_are_committees_only(world):
    refused(lambda: create(world, None, OrgKind.COMMITTEE), "顶层党组织只能由部署时的初始化命令创建")
    refused(lambda: services.org_create_root(name="根", code="ROOT", kind=OrgKind.BRANCH,
                                             founded=date(2000, 1, 1), level=OrgLevel.CITY),
            "顶层党组织只能是党委或党工委")


def test_the_new_child_page_shows_the_rule_and_writes_nothing(world):
    before = written()
    response = world.client("a_admin").post(reverse("orgs:create", args=[world.branch_a1.pk]), {
        "name": "下设支部", "code": "HP01B01X", "kind": "branch", "level": "unit",
        "founded": "2010-01-01",
    })
    assert response.status_code == 200
    assert "党支部之下只能设党小组" in response.content.decode()
    assert written() == before


def test_changing_a_kind_its_children_do_not_allow_is_refused(world):
    refused(lambda: services.org_update(actor=world.users["city_admin"], org=world.branch_a1,
                                        kind=OrgKind.GENERAL_BRANCH),
            "该组织下设有党小组，不能改为党总支")
    refused(lambda: services.org_update(actor=world.users["city_admin"], org=world.branch_a2,
                                        kind=OrgKind.GROUP),
            "党小组只能设在党支部")


def test_an_org_code_is_used_once(world):
    refused(lambda: create(world, world.street_a, OrgKind.BRANCH, code="hp01b02"), "组织代码 HP01B02 已被使用")
    refused(lambda: services.org_update(actor=world.users["city_admin"], org=world.branch_a2,
                                        code="HP01B01"), "组织代码 HP01B01 已被使用")


# --- founding dates ---------------------------------------------------------------------------


def test_founding_date_before_the_parents_is_refused(world):
    refused(lambda: create(world, world.street_a, OrgKind.BRANCH, founded=date(1999, 12, 31)),
            "成立日期不能早于上级党组织的成立日期（2000-01-01）")
    refused(lambda: services.org_update(actor=world.users["city_admin"], org=world.branch_a2,
                                        founded=date(1999, 12, 31)),
            "成立日期不能早于上级党组织的成立日期")


def test_founding_date_in_the_future_is_refused(world):
    tomorrow = TODAY + timedelta(days=1)
    refused(lambda: create(world, world.street_a, OrgKind.BRANCH, founded=tomorrow), "成立日期不能晚于今天")
    refused(lambda: services.org_update(actor=world.users["city_admin"], org=world.branch_a2,
                                        founded=tomorrow), "成立日期不能晚于今天")


def test_founding_on_the_parents_date_is_accepted(world):
    assert create(world, world.street_a, OrgKind.BRANCH, founded=world.street_a.founded).pk


# --- moves ------------------------------------------------------------------------------------


def move(world, org, new_parent, reason="区划调整"):
    return services.org_move(actor=world.users["city_admin"], org=org, new_parent=new_parent,
                             reason=reason)


def test_an_org_cannot_move_under_itself_or_its_descendants(world):
    for target in (world.street_a, world.branch_a1, world.group_a1):
        refused(lambda t=target: move(world, world.street_a, t), "不能把党组织调整到它自己或其下级组织之下")
    refused(lambda: move(world, world.district_a, world.branch_a2), "不能把党组织调整到它自己或其下级组织之下")


def test_a_move_must_change_the_parent_give_a_reason_and_respect_the_grammar(world):
    refused(lambda: move(world, world.branch_a2, world.street_a), "新上级与原上级相同")
    refused(lambda: move(world, world.branch_a2, world.district_b, reason="  "), "请填写调整原因")
    refused(lambda: move(world, world.branch_a2, world.branch_b1), "党支部之下只能设党小组")
    refused(lambda: move(world, world.group_a1, world.district_b), "党小组只能设在党支部")
    refused(lambda: move(world, world.city, world.district_b), "顶层党组织不能调整隶属关系")


def test_moving_a_subtree_moves_every_descendant_and_records_it(world):
    street = world.street_a
    old_path = street.path
    descendants = {o.pk: o.path[len(old_path):] for o in Org.objects.subtree(street)}
    a_before = selectors.subtree_member_count(world.district_a)
    b_before = selectors.subtree_member_count(world.district_b)
    moved_members = selectors.subtree_member_count(street)
    audit_before = AuditEntry.objects.count()

    moved = move(world, street, world.district_b)

    assert moved.path.startswith(world.district_b.path) and moved.path != old_path
    after = {o.pk: o.path for o in Org.objects.filter(pk__in=descendants)}
    for pk, suffix in descendants.items():  # same shape, new prefix
        assert after[pk] == moved.path + suffix
    assert not Org.objects.filter(path__startswith=old_path).exists()
    assert Org.objects.get_parent(Org.objects.get(pk=world.group_a1.pk)).pk == world.branch_a1.pk
    assert Org.objects.get(pk=world.district_a.pk).numchild == 0
    assert Org.objects.get(pk=world.district_b.pk).numchild == 2

    change = AffiliationChange.objects.get(org=street)
    assert (change.from_parent, change.to_parent, change.reason) == (world.district_a, world.district_b, "区划调整")
    assert change.changed_by == world.users["city_admin"]
    entries = list(AuditEntry.objects.filter(seq__gt=audit_before))
    assert [e.action for e in entries] == ["org.move"]
    assert entries[0].changes["parent"] == ["HP", "HX"]
    assert entries[0].changes["path"] == [old_path, moved.path]

    assert selectors.subtree_member_count(world.district_a) == a_before - moved_members
    assert selectors.subtree_member_count(world.district_b) == b_before + moved_members
    city = world.users["city_admin"]
    counts = selectors.subtree_counts([Org.objects.get(pk=world.district_b.pk)], user=city)
    assert counts[world.district_b.pk] == {"orgs": 5, "members": b_before + moved_members}


def test_after_a_move_the_scope_follows_the_new_path(world):
    move(world, world.branch_a2, world.district_b)
    a_client, b_client = world.client("a_admin"), world.client("b_admin")
    member = world.members["a2_member"]
    assert a_client.get(reverse("members:detail", args=[member.pk])).status_code == 404
    assert b_client.get(reverse("members:detail", args=[member.pk])).status_code == 200


# --- terms ------------------------------------------------------------------------------------


def term(world, org, started, ends=None, members=(("secretary", "李书记"),)):
    return services.term_create(actor=world.users["city_admin"], org=org, started=started, ends=ends,
                                members=list(members))


def test_groups_have_no_terms(world):
    refused(lambda: term(world, world.group_a1, date(2023, 1, 1)), "党小组不设班子任期")


def test_a_term_ends_after_it_starts_and_does_not_start_in_the_future(world):
    refused(lambda: term(world, world.branch_a1, date(2023, 1, 1), date(2023, 1, 1)),
            "任期届满日期须晚于任期开始日期")
    refused(lambda: term(world, world.branch_a1, TODAY + timedelta(days=1)), "任期开始日期不能晚于今天")


def test_a_new_term_starts_after_the_current_one_and_closes_it(world):
    first = term(world, world.branch_a1, date(2020, 3, 1))
    refused(lambda: term(world, world.branch_a1, date(2020, 3, 1)), "新任期须晚于本届任期开始日期（2020-03-01）")
    second = term(world, world.branch_a1, date(2025, 3, 1))
    first.refresh_from_db()
    assert first.ended == date(2025, 3, 1)
    assert list(world.branch_a1.terms.filter(ended__isnull=True)) == [second]


def test_default_term_lengths_follow_the_2018_opinion(world):
    plain = create(world, world.street_a, OrgKind.BRANCH, code="GOV1", sector=Sector.GOVERNMENT)
    assert term(world, plain, date(2021, 5, 1)).ends == date(2024, 5, 1)
    assert term(world, world.street_a, date(2021, 5, 1)).ends == date(2026, 5, 1)
    community = create(world, world.street_a, OrgKind.BRANCH, code="CM1", level=OrgLevel.COMMUNITY)
    assert term(world, community, date(2021, 5, 1)).ends == date(2026, 5, 1)
    assert rules.default_term_end(plain, date(2020, 2, 29)) == date(2023, 2, 28)


@pytest.mark.parametrize("sector", [Sector.COMMUNITY, Sector.RURAL])
def test_a_community_or_village_branch_serves_five_years_not_three(world, sector):
    """2018 意见: village and community orgs, their branches included, serve 5 years."""
    branch = create(world, world.street_a, OrgKind.BRANCH, code="CV1", sector=sector, level=OrgLevel.UNIT)
    assert rules.term_years(branch) == 5
    assert term(world, branch, date(2022, 5, 1)).ends == date(2027, 5, 1)
    general = create(world, world.street_a, OrgKind.GENERAL_BRANCH, code="CV2", sector=sector)
    assert rules.term_years(general) == 5


def test_a_temporary_branch_elects_no_team_and_has_no_term_warning(world):
    temporary = create(world, world.street_a, OrgKind.TEMPORARY_BRANCH, code="TMP1", sector=Sector.GOVERNMENT)
    refused(lambda: term(world, temporary, date(2023, 1, 1)), "临时党支部不选举产生支部委员会")
    refused(lambda: term(world, temporary, date(2023, 1, 1)), "《支部工作条例》第九条")
    assert rules.term_warnings(temporary, None) == []
    assert rules.term_warnings(temporary, _term_ending(temporary, -30)) == []


def test_a_term_does_not_start_before_its_org_was_founded(world):
    young = create(world, world.street_a, OrgKind.BRANCH, code="YNG1", founded=date(2022, 3, 1))
    refused(lambda: term(world, young, date(2022, 2, 28)), "任期开始日期不能早于本组织成立日期（2022-03-01）")
    assert term(world, young, date(2022, 3, 1)).started == date(2022, 3, 1)


def test_a_term_longer_or_shorter_than_the_rule_needs_approval_and_at_most_a_year(world):
    org = world.branch_a1  # a community branch: 5 years, to 2026-05-01
    refused(lambda: term(world, org, date(2021, 5, 1), date(2025, 5, 1)), "须经上级党组织批准：请填写批准文件")
    refused(lambda: services.term_create(actor=world.users["city_admin"], org=org, started=date(2021, 5, 1),
                                         ends=date(2027, 6, 1), approval="津组字〔2021〕1号"),
            "延长或缩短任期不得超过一年")
    shifted = services.term_create(actor=world.users["city_admin"], org=org, started=date(2021, 5, 1),
                                   ends=date(2027, 4, 1), approval=" 津组字〔2021〕1号 ")
    assert (shifted.ends, shifted.approval) == (date(2027, 4, 1), "津组字〔2021〕1号")


def test_an_election_brought_forward_needs_approval_and_at_most_a_year(world):
    org = world.branch_a1
    current = term(world, org, date(2020, 3, 1))  # to 2025-03-01
    refused(lambda: term(world, org, date(2024, 1, 1)), "提前换届不得超过一年")
    refused(lambda: term(world, org, date(2024, 6, 1)), "提前换届须经上级党组织批准")
    early = services.term_create(actor=world.users["city_admin"], org=org, started=date(2024, 6, 1),
                                 members=[("secretary", "李书记")], approval="津组字〔2024〕9号")
    current.refresh_from_db()
    assert current.ended == date(2024, 6, 1) and early.approval == "津组字〔2024〕9号"


def test_an_election_held_after_the_term_ran_out_is_recorded_as_it_happened(world):
    """The red "not re-elected" warning stood meanwhile; the late election itself is a fact."""
    term(world, world.branch_a1, date(2019, 1, 1))  # to 2024-01-01
    assert term(world, world.branch_a1, date(2024, 9, 1)).ends == date(2029, 9, 1)


def test_a_term_records_its_team_and_one_audit_entry(world):
    before = AuditEntry.objects.count()
    created = term(world, world.branch_a1, date(2023, 1, 1),
                   members=[("secretary", "李书记"), ("deputy", " "), ("organization", "王委员")])
    assert sorted(created.members.values_list("post", "name")) == [("organization", "王委员"), ("secretary", "李书记")]
    assert list(AuditEntry.objects.filter(seq__gt=before).values_list("action", flat=True)) == ["org.term_create"]


# --- warnings: term ---------------------------------------------------------------------------


def _term_ending(org, days: int) -> LeadershipTerm:
    return LeadershipTerm(org=org, started=TODAY - timedelta(days=1000), ends=TODAY + timedelta(days=days))


def levels(warnings) -> list[str]:
    return [w.level for w in warnings]


def test_a_term_ending_within_90_days_is_yellow_and_an_ended_one_red(world):
    org = world.branch_a1
    assert rules.term_warnings(org, _term_ending(org, 91)) == []
    assert levels(rules.term_warnings(org, _term_ending(org, 90))) == ["yellow"]
    assert "请做好换届准备" in rules.term_warnings(org, _term_ending(org, 30))[0].message
    assert levels(rules.term_warnings(org, _term_ending(org, 0))) == ["yellow"]
    ended = rules.term_warnings(org, _term_ending(org, -1))
    assert levels(ended) == ["red"] and "尚未换届" in ended[0].message
    assert levels(rules.term_warnings(org, None)) == ["yellow"]
    assert rules.term_warnings(world.group_a1, None) == []


def test_term_warning_days_set_on_an_ancestor_is_inherited_and_the_nearest_wins(world):
    org = world.branch_a1
    assert rules.local_setting(org, "term_warning_days") == 90
    assert rules.term_warnings(org, _term_ending(org, 150)) == []
    OrgSetting.objects.create(org=world.district_a, key="term_warning_days", value=180)
    assert rules.local_setting(org, "term_warning_days") == 180
    assert levels(rules.term_warnings(org, _term_ending(org, 150))) == ["yellow"]
    OrgSetting.objects.create(org=world.street_a, key="term_warning_days", value=120)
    assert rules.local_setting(org, "term_warning_days") == 120
    assert rules.term_warnings(org, _term_ending(org, 150)) == []
    OrgSetting.objects.create(org=world.city, key="term_warning_days", value=365)  # farther: loses
    assert rules.local_setting(org, "term_warning_days") == 120
    # The other district does not inherit district A's setting.
    assert rules.local_setting(world.branch_b1, "term_warning_days") == 365


def test_an_ended_term_shows_red_on_the_org_page(world):
    LeadershipTerm.objects.create(org=world.branch_a1, started=date(2018, 1, 1), ends=date(2021, 1, 1))
    body = world.client("a_admin").get(reverse("orgs:detail", args=[world.branch_a1.pk])).content.decode()
    assert 'class="badge-red"' in body
    assert "班子任期已于 2021-01-01 届满，尚未换届" in body


# --- warnings: structure ----------------------------------------------------------------------


def structure(org, members, full, committee=0):
    return rules.structure_warnings(org, members=members, full_members=full, committee_size=committee)


def test_structure_thresholds(world):
    branch = world.branch_a1
    assert levels(structure(branch, 7, 7)) == ["red"]
    assert "应设立支部委员会" in structure(branch, 7, 7)[0].message
    assert structure(branch, 7, 7, committee=3) == []
    assert structure(branch, 6, 6) == []
    assert levels(structure(branch, 51, 51, committee=5)) == ["yellow"]
    assert "超过 50 名" in structure(branch, 51, 51, committee=5)[0].message
    assert structure(branch, 50, 50, committee=5) == []
    assert levels(structure(branch, 2, 2)) == ["yellow"]
    assert "不足3名" in structure(branch, 5, 2)[0].message
    assert structure(branch, 3, 3) == []
    general = Org(kind=OrgKind.GENERAL_BRANCH)
    assert levels(structure(general, 101, 101)) == ["yellow"]
    assert structure(general, 100, 100) == []


def test_a_branch_with_seven_full_members_and_no_committee_is_flagged_red(world):
    branch = world.branch_a2  # one full member already
    add_members(world, branch, 5)
    add_members(world, branch, 3, status=MemberStatus.PROBATIONARY, start=200)
    assert "red" not in levels(selectors.org_warnings(branch))  # 6 full members
    add_members(world, branch, 1, start=300)
    warnings = selectors.org_warnings(branch)
    assert [w for w in warnings if w.level == "red" and "应设立支部委员会" in w.message]
    term(world, branch, RECENT,
         members=[("secretary", "甲"), ("organization", "乙"), ("propaganda", "丙")])
    assert [w.level for w in selectors.org_warnings(branch)] == []


def test_a_branch_with_fewer_than_three_full_members_is_yellow(world):
    term(world, world.branch_a2, RECENT)
    warnings = selectors.org_warnings(world.branch_a2)
    assert [(w.level, "不足3名" in w.message) for w in warnings] == [("yellow", True)]


def test_a_branch_with_more_than_fifty_members_is_yellow(world):
    branch = world.branch_a2
    add_members(world, branch, 50)  # 51 with the one already there
    term(world, branch, RECENT,
         members=[("secretary", "甲"), ("organization", "乙"), ("propaganda", "丙")])
    assert Member.objects.filter(org=branch).count() == 51
    warnings = selectors.org_warnings(branch)
    assert [(w.level, "超过 50 名" in w.message) for w in warnings] == [("yellow", True)]
