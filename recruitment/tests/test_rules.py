"""Every rule of rules.md §2 broken once: the service refuses with a message that names the rule
(and its article), and nothing is written (rows and audit entries counted before and after)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.dates import add_months
from core.errors import NotFound
from members.models import Member
from orgs.models import OrgSetting
from recruitment import rules, selectors, services
from recruitment.models import Case, Vote
from recruitment.tests.helpers import (
    GOOD_VOTE,
    START,
    full_members,
    id_number,
    notice,
    open_case,
    state,
    walk,
)


def refused(fragment, call, *args, exc=ValidationError, **kwargs):
    """Run a service that must refuse: its message holds ``fragment`` and nothing is written."""
    before = state()
    with pytest.raises(exc) as info:
        call(*args, **kwargs)
    messages = " ".join(getattr(info.value, "messages", None) or [str(info.value)])
    assert fragment in messages, messages
    assert state() == before
    return messages


def step(world, case, number, done_on, actor="secretary", **extra):
    return services.step_record(actor=world.users[actor], case=case, number=number, done_on=done_on, **extra)


def vote(world, case, purpose, held_on, **overrides):
    data = {**GOOD_VOTE, **overrides}
    return services.vote_record(actor=world.users["secretary"], case=case, purpose=purpose, held_on=held_on, **data)


# --- preconditions -------------------------------------------------------------------------------


def test_an_applicant_under_18_is_refused_citing_article_5(world):
    today = timezone.localdate()
    young = id_number(born=add_months(today, -18 * 12) + timedelta(days=1), seq=33)  # 18 tomorrow
    message = refused("年满十八岁方可申请入党（细则第五条）", open_case, world, number=young, applied=timezone.localdate())
    assert "年仅17岁" in message


def test_the_18th_birthday_is_old_enough(world):
    born = date(2000, 6, 1)
    case = open_case(world, number=id_number(born=born, seq=34), applied=date(2018, 6, 1))
    assert case.age_on(case.applied) == 18


def test_an_activist_becomes_a_candidate_only_after_a_full_year(world):
    case = open_case(world)
    walk(world, case, 6)
    activist = case.steps.get(number=3).done_on
    ready = notice(world, case, 7, add_months(activist, 12) - timedelta(days=30))  # the notice is over
    assert ready < add_months(activist, 12)
    refused("须经过一年以上培养教育和考察方可列为发展对象（细则第十二条）", step, world, case, 7, ready)


def test_sponsors_must_be_full_members(world):
    case = open_case(world)
    walk(world, case, 8)
    probationary = full_members(world)[0]
    Member.objects.filter(pk=probationary.pk).update(status="probationary", converted=None)
    people = [Member.objects.get(pk=probationary.pk), full_members(world)[1]]
    refused("入党介绍人须是正式党员（细则第十三条）：张秀英是预备党员", step, world, case, 9,
            timezone.localdate() - timedelta(days=1), people=people)


def test_there_are_exactly_two_sponsors(world):
    case = open_case(world)
    walk(world, case, 8)
    refused("应当有两名正式党员作入党介绍人（细则第十三条），当前为1名", step, world, case, 9,
            timezone.localdate(), people=full_members(world)[:1])


def test_one_or_two_mentors(world):
    case = open_case(world)
    walk(world, case, 4)
    refused("应指定一至二名正式党员作培养联系人（细则第九条），当前为0名", step, world, case, 5, timezone.localdate(), people=[])


def test_no_admission_without_a_passed_political_review(world):
    case = open_case(world)
    walk(world, case, 9)
    refused("没有进行政治审查或政治审查不合格的，不能发展入党（细则第十六条）", step, world, case, 12, timezone.localdate())
    refused("没有进行政治审查或政治审查不合格的，不能发展入党（细则第十六条）", vote, world, case, 15, timezone.localdate())


def test_a_failed_review_closes_the_case_and_nothing_follows(world):
    case = open_case(world)
    d = walk(world, case, 9)
    services.review_record(actor=world.users["secretary"], case=case, methods="外调", findings="有问题",
                           conclusion="failed", concluded_on=d)
    case.refresh_from_db()
    assert case.status == "closed" and "细则第十六条" in case.close_reason
    refused("当前状态为“已终止”", step, world, case, 11, d, training_days=3)


def test_a_review_older_than_the_local_validity_no_longer_counts(world):
    case = open_case(world)
    walk(world, case, 11)
    review_day = case.reviews.get().concluded_on
    refused("政治审查结论有效期为12个月（本地规定）", step, world, case, 12, add_months(review_day, 12) + timedelta(days=1))
    OrgSetting.objects.create(org=world.district_a, key="recruitment_review_valid_months", value=24)
    step(world, case, 12, add_months(review_day, 12) + timedelta(days=1))  # the district allows 2 years


def test_the_form_is_issued_only_after_a_passed_pre_review(world):
    case = open_case(world)
    d = walk(world, case, 12)
    services.prereview_record(actor=world.users["a_admin"], case=case, received_on=d, reviewed_on=d,
                              result="failed", opinion="材料不全")
    refused("入党志愿书须在上级党委预审合格后发放", step, world, case, 14, d)


def test_a_vote_that_did_not_pass_blocks_the_approval(world):
    case = open_case(world)
    d = walk(world, case, 14)
    failed = vote(world, case, 15, d, yes=4, no=4, result="failed")  # 4 of 9 is not more than half
    assert failed.passed is False and not case.steps.filter(number=15).exists()
    refused("表决未通过：赞成票须超过应到会有表决权正式党员的半数", step, world, case, 16, d, actor="a_admin")
    refused("表决未通过", step, world, case, 17, d, actor="a_admin")


INQUORATE = {"present": 4, "ballots_issued": 4, "ballots_returned": 4, "yes": 4, "no": 0, "abstain": 0,
             "written_opinions": 1}  # 4 of 9 present: no quorum


@pytest.mark.parametrize("declared", ["failed", "passed"])
def test_a_vote_without_quorum_is_neither_a_rejection_nor_an_admission(world, declared):
    case = open_case(world)
    d = walk(world, case, 14)
    refused("表决无效，不能登记为", vote, world, case, 15, d, result=declared, **INQUORATE)
    refused("请登记为“表决无效”，并重新召开支部党员大会表决", vote, world, case, 15, d, result=declared, **INQUORATE)


def test_a_vote_without_quorum_is_recorded_invalid_and_must_be_held_again(world):
    case = open_case(world)
    d = walk(world, case, 14)
    invalid = vote(world, case, 15, d, result="invalid", **INQUORATE)
    assert (invalid.result, invalid.result_label, invalid.passed) == ("invalid", "表决无效", False)
    assert not case.steps.filter(number=15).exists()
    refused("表决因到会人数未超过应到会人数的半数而无效，须重新召开支部党员大会表决", step, world, case, 16, d, actor="a_admin")
    again = vote(world, case, 15, d)  # held again, with a quorum: it passes and the step is done
    assert again.result == "passed" and case.steps.filter(number=15).exists()


def test_a_quorate_vote_cannot_be_recorded_invalid(world):
    case = open_case(world)
    d = walk(world, case, 14)
    refused("已超过应到会9人的半数，表决有效", vote, world, case, 15, d, result="invalid")


@pytest.mark.parametrize("numbers, fragment", [
    ({"yes": 4, "no": 3, "abstain": 1}, "赞成票4票，未超过应到会有表决权正式党员9人的半数"),
    (INQUORATE, "未超过应到会9人的半数，表决无效"),
])
def test_an_admission_that_did_not_pass_cannot_be_recorded_as_passed(world, numbers, fragment):
    case = open_case(world)
    d = walk(world, case, 14)
    refused(fragment, vote, world, case, 15, d, **numbers)


def test_yes_counts_against_all_entitled_not_those_present(world):
    """9 entitled, 6 present, 5 yes: a majority of those present, not of the entitled."""
    case = open_case(world)
    d = walk(world, case, 14)
    refused("未超过应到会有表决权正式党员9人的半数", vote, world, case, 15, d, present=6, ballots_issued=6,
            ballots_returned=6, written_opinions=0, yes=4, no=2)
    passed = vote(world, case, 15, d, present=6, ballots_issued=6, ballots_returned=6, written_opinions=3,
                  yes=5, no=1, abstain=0)  # written opinions of absent members count in the tally
    assert passed.passed and passed.quorate


@pytest.mark.parametrize("numbers, fragment", [
    ({"present": 10}, "实到会人数不能多于应到会人数"),
    ({"written_opinions": 2}, "书面意见只能来自因故未到会"),
    ({"ballots_issued": 9, "written_opinions": 1}, "发出选票不能多于实到会人数"),
    ({"ballots_returned": 9, "ballots_issued": 8}, "收回选票不能多于发出选票"),
    ({"yes": 8, "no": 1, "abstain": 1}, "合计不能多于收回选票与书面意见之和"),
    ({"yes": 7, "no": 1, "abstain": 0, "result": "failed"}, "按票数表决已通过"),
])
def test_an_inconsistent_tally_is_refused(world, numbers, fragment):
    case = open_case(world)
    d = walk(world, case, 14)
    refused(fragment, vote, world, case, 15, d, **numbers)


def test_the_database_refuses_an_inconsistent_or_misreported_vote_too(world):
    case = open_case(world)
    base = {**GOOD_VOTE}
    base.pop("result")
    for bad in ({"present": 10}, {"ballots_returned": 9}, {"yes": 4, "passed": True}, {"yes": 7, "passed": False}):
        row = {**base, "passed": True, **bad}
        with pytest.raises(IntegrityError), transaction.atomic():
            Vote.objects.create(case=case, purpose=15, held_on=timezone.localdate(), **row)


def test_conversion_waits_for_the_end_of_probation(world):
    case = open_case(world)
    d = walk(world, case, 22)
    early = case.probation_ends - timedelta(days=1)
    assert d <= early
    refused("预备期满方可讨论和审批转正（党章第七条）", vote, world, case, 23, early)


def test_probation_is_extended_once_only(world):
    case = open_case(world)
    walk(world, case, 22)
    decided = case.probation_ends
    services.case_extend(actor=world.users["a_admin"], case=case, months=6, assembly_on=decided, decided_on=decided)
    case.refresh_from_db()
    assert case.probation_ends == add_months(case.admitted, 18)
    refused("预备期只能延长一次（党章第七条", services.case_extend, actor=world.users["a_admin"], case=case,
            months=6, assembly_on=case.probation_ends, decided_on=case.probation_ends)


@pytest.mark.parametrize("months", [5, 13])
def test_an_extension_is_6_to_12_months(world, months):
    case = open_case(world)
    walk(world, case, 22)
    refused("延长预备期不能少于半年，最长不超过一年", services.case_extend, actor=world.users["a_admin"], case=case,
            months=months, assembly_on=case.probation_ends, decided_on=case.probation_ends)


# --- local rules, notices, objections ---------------------------------------------------------------


def test_an_activist_is_chosen_six_months_after_the_application_by_default(world):
    case = open_case(world)
    walk(world, case, 2)
    refused("递交入党申请书满6个月方可确定为入党积极分子（本地规定", step, world, case, 3,
            add_months(START, 6) - timedelta(days=1))


def test_a_local_setting_is_inherited_down_the_tree(world):
    OrgSetting.objects.create(org=world.city, key="recruitment_activist_months", value=3)
    OrgSetting.objects.create(org=world.street_a, key="recruitment_activist_months", value=4)
    assert rules.local(world.branch_a1, "recruitment_activist_months") == 4  # the nearest wins
    assert rules.local(world.branch_b1, "recruitment_activist_months") == 3
    OrgSetting.objects.create(org=world.city, key="recruitment_notice_before", value=[7, 17, 24])
    case = open_case(world)
    walk(world, case, 2)
    step(world, case, 3, add_months(START, 4))  # no notice needed there, 4 months enough


def test_a_decision_needs_a_notice_of_five_working_days_first(world):
    case = open_case(world)
    walk(world, case, 2)
    refused("第3步“确定入党积极分子”前须经不少于5个工作日的公示（本地规定，rules.md §2），尚未公示", step, world, case, 3,
            add_months(START, 6))


def test_a_notice_is_counted_in_working_days_by_the_holiday_calendar(world):
    """2024-09-30 (Mon) to 2024-10-08: nine days, but National Day leaves two working days."""
    case = open_case(world, applied=date(2024, 1, 8))
    walk(world, case, 2)
    refused("公示期不少于5个工作日（本地规定，rules.md §2）：2024-09-30 至 2024-10-08 只有2个工作日，最早可于 2024-10-11",
            services.notice_publish, actor=world.users["secretary"], case=case, kind=3,
            starts_on=date(2024, 9, 30), ends_on=date(2024, 10, 8))
    ok = services.notice_publish(actor=world.users["secretary"], case=case, kind=3, starts_on=date(2024, 9, 30),
                                 ends_on=date(2024, 10, 11))
    assert ok.workdays == 5  # 9-30, 10-08, 10-09, 10-10, 10-11 (10-12 is a make-up Saturday)


def test_the_decision_waits_for_the_end_of_the_notice(world):
    case = open_case(world)
    walk(world, case, 2)
    start = add_months(START, 6)
    end = notice(world, case, 3, start) - timedelta(days=1)
    refused("尚未结束", step, world, case, 3, end)


def test_an_unresolved_objection_blocks_the_next_step(world):
    case = open_case(world)
    walk(world, case, 2)
    after = notice(world, case, 3, add_months(START, 6))
    the_notice = case.notices.get()
    objection = services.objection_add(actor=world.users["secretary"], notice=the_notice,
                                       received_on=the_notice.starts_on, text="群众反映其曾有违纪行为")
    refused("公示期间反映的问题尚未核查办结", step, world, case, 3, after)
    services.objection_resolve(actor=world.users["secretary"], objection=objection, resolution="经核查不属实",
                               resolved_on=after)
    step(world, case, 3, after)


# --- steps in order, and who may do them --------------------------------------------------------


def test_steps_go_in_order(world):
    case = open_case(world)
    refused("请先完成第2步“党组织派人谈话”", step, world, case, 5, timezone.localdate(), people=full_members(world)[:1])


def test_a_step_is_not_recorded_twice(world):
    case = open_case(world)
    walk(world, case, 2)
    refused("第2步“党组织派人谈话”已登记", step, world, case, 2, timezone.localdate())


def test_a_step_date_is_not_before_the_previous_one_nor_in_the_future(world):
    case = open_case(world)
    refused("不能早于上一步骤的日期", step, world, case, 2, START - timedelta(days=1))
    refused("日期不能晚于今天", step, world, case, 2, timezone.localdate() + timedelta(days=1))


def test_training_is_three_days_or_24_class_hours(world):
    case = open_case(world)
    d = walk(world, case, 10)
    refused("不少于3天（或不少于24个学时）（细则第十七条）", step, world, case, 11, d, training_days=2, training_hours=16)
    step(world, case, 11, d, training_days=1, training_hours=24)


def test_a_branch_secretary_cannot_approve_their_own_branchs_admission(world):
    case = open_case(world)
    d = walk(world, case, 16)
    notice(world, case, 17, d)
    refused("第17步“上级党委审批”须由上级党委审批，党支部不能自行办理", step, world, case, 17, timezone.localdate(), exc=PermissionDenied)
    refused("须由上级党委办理", step, world, case, 4, timezone.localdate(), exc=PermissionDenied)


def test_out_of_scope_is_404_and_writes_nothing(world):
    case = open_case(world)
    refused("", step, world, case, 2, timezone.localdate(), actor="b_admin", exc=NotFound)
    refused("", services.case_create, actor=world.users["b_admin"], org=world.branch_a1, name="某", exc=NotFound,
            id_number=id_number(seq=40), applied=timezone.localdate())


def test_one_case_per_person(world):
    open_case(world)
    refused("此人已有进行中的发展党员记录", open_case, world)
    refused("该身份证号已登记为党员", open_case, world, number="120101198503020018")


def test_a_case_is_opened_by_a_branch(world):
    refused("入党申请由党支部受理", open_case, world, org=world.street_a, actor="a_admin")


# --- what approval, conversion, extension and cancellation do ------------------------------------


def test_approval_makes_a_probationary_member_with_history(world):
    case = open_case(world)
    walk(world, case, 17)
    member = case.member
    assembly = case.steps.get(number=15).done_on
    assert member.status == "probationary" and member.org == world.branch_a1 and member.joined == assembly
    assert member.applied == START and member.education == "bachelor" and member.phone_masked == "138****1234"
    assert member.get_id_number() == case.get_id_number()
    assert case.probation_ends == add_months(assembly, 12) and case.status == "probationary"
    summaries = list(member.events.values_list("summary", flat=True))
    assert any("递交入党申请书" in s for s in summaries) and any("批准为预备党员" in s for s in summaries)


def test_conversion_makes_a_full_member_from_the_end_of_probation(world):
    case = open_case(world)
    walk(world, case, 24)
    case.member.refresh_from_db()
    assert case.member.status == "full" and case.member.converted == case.probation_ends
    assert case.status == "full"


def test_standing_counts_from_the_end_of_an_extension(world):
    case = open_case(world)
    walk(world, case, 22)
    services.case_extend(actor=world.users["a_admin"], case=case, months=6, assembly_on=case.probation_ends, decided_on=case.probation_ends)
    case.refresh_from_db()
    walk(world, case, 24)
    assert case.member.converted == add_months(case.admitted, 18)


def test_cancellation_takes_the_member_out_with_the_reason(world):
    case = open_case(world)
    walk(world, case, 20)
    services.case_cancel(actor=world.users["a_admin"], case=case, assembly_on=timezone.localdate(), decided_on=timezone.localdate(), reason="不履行党员义务")
    case.refresh_from_db()
    case.member.refresh_from_db()
    assert case.status == "cancelled" and case.member.status == "cancelled"
    assert case.member.events.filter(summary__contains="不履行党员义务").exists()


def test_a_case_may_be_closed_before_approval_only(world):
    case = open_case(world)
    services.case_close(actor=world.users["secretary"], case=case, closed_on=timezone.localdate(), reason="本人撤回申请")
    case.refresh_from_db()
    assert case.status == "closed"
    other = open_case(world)  # a closed case does not block a new one for the same person
    walk(world, other, 17)
    refused("只能终止尚未审批", services.case_close, actor=world.users["secretary"], case=other,
            closed_on=timezone.localdate(), reason="x")


# --- deadlines: green, yellow, red ---------------------------------------------------------------


def levels(case, today):
    case.refresh_from_db()
    return {d.step: d.level(today) for d in rules.deadlines(case, selectors.history(case))}


def test_the_talk_is_due_within_a_month_of_the_application(world):
    case = open_case(world, applied=date(2026, 1, 5))
    assert levels(case, date(2026, 1, 20)) == {2: "green"}
    assert levels(case, date(2026, 2, 1)) == {2: "yellow"}
    assert levels(case, date(2026, 2, 5)) == {2: "yellow"}
    assert levels(case, date(2026, 2, 6)) == {2: "red"}
    assert case.due_on == date(2026, 2, 5) and case.warn_on == date(2026, 1, 29)


def test_an_activist_is_assessed_every_half_year(world):
    case = open_case(world)
    walk(world, case, 5)
    activist = case.steps.get(number=3).done_on
    assert levels(case, activist + timedelta(days=30))[6] == "green"
    assert levels(case, add_months(activist, 6) - timedelta(days=3))[6] == "yellow"
    assert levels(case, add_months(activist, 6) + timedelta(days=1))[6] == "red"
    step(world, case, 6, add_months(activist, 5))
    assert levels(case, add_months(activist, 6) + timedelta(days=1))[6] == "green"


def test_approval_is_due_within_three_months_of_the_assembly_six_at_most(world):
    case = open_case(world)
    walk(world, case, 16)
    assembly = case.steps.get(number=15).done_on
    assert levels(case, assembly + timedelta(days=30))[17] == "green"
    assert levels(case, add_months(assembly, 4))[17] == "yellow"
    assert levels(case, add_months(assembly, 6) + timedelta(days=1))[17] == "red"
    assert case.due_on <= add_months(assembly, 6)


def test_the_conversion_application_is_due_before_probation_ends(world):
    case = open_case(world)
    walk(world, case, 21)
    end = case.probation_ends
    assert levels(case, end - timedelta(days=60))[22] == "green"
    assert levels(case, end - timedelta(days=10))[22] == "yellow"
    assert levels(case, end + timedelta(days=1))[22] == "red"


def test_a_closed_case_has_no_deadlines(world):
    case = open_case(world)
    services.case_close(actor=world.users["secretary"], case=case, closed_on=timezone.localdate(), reason="撤回")
    case.refresh_from_db()
    assert rules.deadlines(case, selectors.history(case)) == [] and case.due_on is None


def test_the_id_number_never_reaches_the_database_or_the_audit_trail_in_clear(world):
    from core.models import AuditEntry

    case = open_case(world)
    clear = case.get_id_number()
    row = Case.objects.filter(pk=case.pk).values().get()
    assert all(clear not in str(v) for v in row.values())
    assert all(clear not in str(e.changes) for e in AuditEntry.objects.all())
    assert row["id_number_masked"] == clear[:6] + "********" + clear[14:]


# --- 党章第三十条 and 细则第三章: branch size, the candidate's steps in any order -----------------------


def test_a_branch_of_fewer_than_three_full_members_cannot_vote_on_an_admission(world):
    case = open_case(world)
    d = walk(world, case, 14)
    Member.objects.filter(org=world.branch_a1, status="full").exclude(
        pk__in=[world.members["a1_member"].pk, world.members["a1_secretary"].pk]).update(status="probationary")
    refused("本支部正式党员仅2名，不足3名，不能讨论接收预备党员", vote, world, case, 15, d)
    refused("（党章第三十条）", vote, world, case, 15, d)


def test_sponsors_review_and_training_may_come_in_any_order(world):
    case = open_case(world)
    d = walk(world, case, 8)
    assert set(selectors.next_steps(case, selectors.history(case))) >= {9, 10, 11}
    step(world, case, 11, d, training_days=3, training_hours=0)
    services.review_record(actor=world.users["secretary"], case=case, methods="谈话", findings="清楚",
                           conclusion="passed", concluded_on=d + timedelta(days=1))
    refused("请先完成第9步", step, world, case, 12, d + timedelta(days=2))
    step(world, case, 9, d + timedelta(days=2), people=full_members(world))
    assert set(case.steps.values_list("number", flat=True)) >= {9, 10, 11}
    step(world, case, 12, d + timedelta(days=3))


def test_a_notice_running_into_a_year_whose_holidays_are_not_entered_says_so(world):
    from django.urls import reverse

    from core.models import WorkCalendarDay

    case = open_case(world)
    walk(world, case, 2)
    WorkCalendarDay.objects.filter(date__year=2027).delete()
    client = world.client("secretary")
    response = client.post(reverse("recruitment:notice_create", args=[case.pk]),
                           {"kind": 3, "starts_on": "2027-01-04", "ends_on": "2027-01-08"}, follow=True)
    body = response.content.decode()
    assert "已发布公示（5个工作日）。注意：2027年的节假日安排尚未录入，暂按周一至周五计算工作日" in body
    assert 'class="muted small calendar-note">2027年的节假日安排尚未录入' in body
    refused("（2027年的节假日安排尚未录入", rules.check_notice_length, case.org, date(2027, 1, 4), date(2027, 1, 6))


# --- deadlines: approval within 3 months (6 at most), the conversion vote "及时讨论" ------------------


def test_approval_after_three_months_needs_its_reason_and_after_six_is_refused(world):
    case = open_case(world)
    walk(world, case, 16)
    assembly = selectors.history(case).first(15)
    notice(world, case, 17, assembly + timedelta(days=1))
    refused("已超过6个月，不能再审批", step, world, case, 17,
            add_months(assembly, 6) + timedelta(days=1), actor="a_admin")
    refused("超过3个月审批属特殊情况：请在“说明”中写明原因", step, world, case, 17,
            add_months(assembly, 4), actor="a_admin")
    done = step(world, case, 17, add_months(assembly, 4), actor="a_admin", note="上级党委换届，审批顺延")
    assert done.note == "上级党委换届，审批顺延"


def test_the_conversion_vote_is_due_within_a_month_of_the_probations_end(world):
    case = open_case(world)
    walk(world, case, 22)
    case.refresh_from_db()
    found = {d.step: d for d in rules.deadlines(case, selectors.history(case))}
    assert found[23].warn_on == case.probation_ends and found[23].due_on == add_months(case.probation_ends, 1)
    assert found[23].level(add_months(case.probation_ends, 1) + timedelta(days=1)) == "red"
    vote(world, case, 23, max(case.probation_ends, timezone.localdate() - timedelta(days=1)))
    assert 23 not in {d.step for d in rules.deadlines(case, selectors.history(case))}
