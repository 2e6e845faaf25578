"""Lagging workflows and the suggestions from the records: each reason alone flags an org, an org
with none is not suggested, the three-month compliance run at its boundary, out-of-subtree orgs
never appear, the query count does not grow with the orgs; a case opens once per org, its plan and
tasks, marking done, closing only with every task done and the evidence given, the grade moving
up; who may do what."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.audit import AuditEntry
from core.errors import NotFound
from lagging import rules, selectors, services
from lagging.models import (
    CaseState,
    Grade,
    GradeChange,
    LaggingCase,
    LaggingPlan,
    LaggingReason,
    LaggingTask,
    LaggingYear,
    ReasonCode,
    Source,
)
from orglife.models import MeetingKind
from orglife.tests.helpers import add_full_members, counted
from orgs.models import LeadershipMember, LeadershipTerm, Org, OrgKind, Post
from oversight.tests.test_oversight import add_item, start_inspection

pytestmark = pytest.mark.django_db

# Every kind a branch is held to: a month with all of them is green whatever period ends in it.
ALL_KINDS = (MeetingKind.THEME_DAY, MeetingKind.BRANCH_ASSEMBLY, MeetingKind.LECTURE, MeetingKind.REVIEW_MEETING,
             MeetingKind.APPRAISAL, MeetingKind.TALK)


def as_of() -> date:
    """A day two months on: a rectification item due in 30 days is overdue by then."""
    return timezone.localdate() + timedelta(days=62)


def green_month(org, month: date) -> None:
    for kind in ALL_KINDS:
        counted(org, kind, month.replace(day=10), by_secretary=kind == MeetingKind.LECTURE)


def with_secretary(org, *, ends=None, post=Post.SECRETARY) -> LeadershipTerm:
    today = timezone.localdate()
    term = LeadershipTerm.objects.create(org=org, started=today - timedelta(days=400),
                                         ends=ends or today + timedelta(days=700))
    LeadershipMember.objects.create(term=term, post=post, name="李建国")
    return term


def clean(org) -> None:
    """An org the records do not flag on ``as_of()``: a secretary, a green month in the run."""
    with_secretary(org)
    green_month(org, selectors.complete_months(as_of())[1])


def reasons_for(world, org, root=None) -> list[str]:
    found = {s.org.pk: s for s in selectors.suggestions(root or world.city, as_of(), world.users["city_admin"])}
    return found[org.pk].codes if org.pk in found else []


# --- suggestions ------------------------------------------------------------------------------------

def test_an_org_with_no_reason_is_not_suggested(world):
    clean(world.branch_a2)
    assert reasons_for(world, world.branch_a2) == []


def test_three_red_months_running_flag_an_org(world):
    with_secretary(world.branch_a2)
    assert reasons_for(world, world.branch_a2) == [ReasonCode.COMPLIANCE]
    text = selectors.suggestions(world.district_a, as_of(), world.users["a_admin"])
    sentence = next(s for s in text if s.org == world.branch_a2).reasons[0][1]
    assert "连续3个月红灯" in sentence and "主题党日" in sentence


def test_two_red_months_are_not_enough(world):
    with_secretary(world.branch_a2)
    green_month(world.branch_a2, selectors.complete_months(as_of())[0])  # the latest month green
    assert reasons_for(world, world.branch_a2) == []


def test_a_green_month_between_breaks_the_run(world):
    with_secretary(world.branch_a2)
    green_month(world.branch_a2, selectors.complete_months(as_of())[1])
    assert reasons_for(world, world.branch_a2) == []


def test_no_secretary_flags_an_org(world):
    clean(world.branch_a2)
    LeadershipMember.objects.filter(term__org=world.branch_a2).update(post=Post.DEPUTY)
    assert reasons_for(world, world.branch_a2) == [ReasonCode.NO_SECRETARY]
    LeadershipTerm.objects.filter(org=world.branch_a2).delete()  # no team at all
    found = selectors.suggestions(world.city, as_of(), world.users["city_admin"])
    assert ("no_secretary", "未录入本届班子，书记空缺") in next(s for s in found if s.org == world.branch_a2).reasons


def test_a_term_past_its_end_flags_an_org(world):
    clean(world.branch_a2)
    LeadershipTerm.objects.filter(org=world.branch_a2).update(ends=as_of() - timedelta(days=1))
    assert reasons_for(world, world.branch_a2) == [ReasonCode.TERM_OVERDUE]
    LeadershipTerm.objects.filter(org=world.branch_a2).update(ended=as_of() - timedelta(days=2))
    assert ReasonCode.TERM_OVERDUE not in reasons_for(world, world.branch_a2)  # re-elected: not overdue


def test_an_overdue_rectification_item_flags_an_org(world):
    clean(world.branch_a2)
    add_item(world, start_inspection(world), org=world.branch_a2, days=30)
    assert reasons_for(world, world.branch_a2) == [ReasonCode.RECTIFICATION_OVERDUE]
    assert reasons_for(world, world.branch_a2, root=world.district_a) == [ReasonCode.RECTIFICATION_OVERDUE]


def test_members_without_a_phone_flag_an_org(world):
    clean(world.branch_a2)
    add_full_members(world.branch_a2, rules.UNREACHED_MIN - 1)  # and the one of the world: no phone either
    found = selectors.suggestions(world.city, as_of(), world.users["city_admin"])
    assert [s.reasons for s in found if s.org == world.branch_a2] == [
        [(ReasonCode.UNREACHED, f"{rules.UNREACHED_MIN}名党员未留联系电话，无法联系")]]


def test_orgs_outside_the_subtree_and_the_root_itself_never_appear(world):
    found = selectors.suggestions(world.district_a, as_of(), world.users["a_admin"])
    assert {s.org.code for s in found} == {"HP01B01", "HP01B02"}  # every branch of the world is red, no secretary
    assert selectors.suggestions(world.branch_a1, as_of(), world.users["secretary"]) == []
    assert all(s.org.kind != OrgKind.GROUP for s in selectors.suggestions(world.city, as_of(),
                                                                           world.users["city_admin"]))


def test_an_org_under_an_open_case_is_shown_as_such(world):
    case = services.case_open(actor=world.users["a_admin"], org=world.branch_a1)
    found = {s.org.code: s for s in selectors.suggestions(world.district_a, as_of(), world.users["a_admin"])}
    assert found["HP01B01"].case == case and found["HP01B02"].case is None


def add_branches(parent: Org, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        parent = Org.objects.get(pk=parent.pk)  # the tree fields as they are now
        Org.objects.add_child(parent, {"name": f"测试第{i}党支部", "code": f"{parent.code}T{i:02d}",
                                       "kind": OrgKind.BRANCH, "founded": date(2000, 1, 1)})


def test_the_query_count_does_not_grow_with_the_orgs(world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    street = Org.objects.get(pk=world.street_a.pk)
    add_branches(street, 1)
    services.case_open(actor=world.users["a_admin"], org=world.branch_a1)
    with CaptureQueriesContext(connection) as captured:
        selectors.suggestions(world.city, as_of(), world.users["city_admin"])
    add_branches(Org.objects.get(pk=street.pk), 12, start=1)
    for org in Org.objects.filter(code__startswith="HP01T")[:4]:
        with_secretary(org, ends=as_of() - timedelta(days=3))
        add_full_members(org, rules.UNREACHED_MIN, start=org.pk * 10)
    services.case_open(actor=world.users["a_admin"], org=world.branch_a2)
    with django_assert_max_num_queries(len(captured)):
        found = selectors.suggestions(world.city, as_of(), world.users["city_admin"])
    assert len(found) == 16


# --- the case -----------------------------------------------------------------------------------------

def open_case(world, org=None, **fields) -> LaggingCase:
    return services.case_open(actor=world.users["a_admin"], org=org or world.branch_a1, **fields)


def plan(world, case, **fields) -> LaggingPlan:
    values = {"responsible": "李建国", "contact": "王区长", "measures": "配齐支部班子，规范三会一课",
              "deadline": timezone.localdate() + timedelta(days=90), **fields}
    return services.plan_save(actor=world.users["a_admin"], case=case, **values)


def task(world, case, text="补选支部书记", days=30) -> LaggingTask:
    return services.task_add(actor=world.users["a_admin"], case=case, text=text, responsible="李建国",
                             due=timezone.localdate() + timedelta(days=days))


def done(world, the_task, actor="secretary") -> LaggingTask:
    return services.task_done(actor=world.users[actor], task=the_task, note="已召开党员大会补选书记")


def written() -> tuple:
    return (LaggingCase.objects.count(), LaggingReason.objects.count(), LaggingPlan.objects.count(),
            LaggingTask.objects.filter(done_on__isnull=False).count(), LaggingTask.objects.count(),
            GradeChange.objects.count(), list(LaggingYear.objects.values_list("found", "closed")),
            list(LaggingCase.objects.values_list("state", flat=True)))


def test_a_case_opens_with_the_records_reasons_plans_tasks_and_closes_with_the_grade_up(world):
    case = open_case(world, note="群众反映支部活动少")
    assert case.state == CaseState.OPEN and case.source == Source.SUGGESTED
    codes = list(case.reasons.values_list("code", flat=True))
    assert codes == [ReasonCode.COMPLIANCE, ReasonCode.NO_SECRETARY, ReasonCode.OTHER]
    assert LaggingYear.objects.get(org=world.branch_a1, year=case.year).found == 1
    plan(world, case)
    case.refresh_from_db()
    assert case.state == CaseState.RECTIFYING
    first, second = task(world, case), task(world, case, "每月按时开展主题党日", days=60)
    assert selectors.progress(case) == (0, 2)
    done(world, first)
    assert selectors.progress(case) == (1, 2)
    done(world, second, actor="a_admin")
    services.case_close(actor=world.users["a_admin"], case=case, grade_after=Grade.GOOD, text="班子配齐，组织生活规范")
    case.refresh_from_db()
    assert (case.state, case.grade_after, case.closed_on) == (CaseState.CLOSED, Grade.GOOD, timezone.localdate())
    assert list(GradeChange.objects.filter(org=world.branch_a1).order_by("pk").values_list("grade_from", "grade_to")) \
        == [("", Grade.LAGGING), (Grade.LAGGING, Grade.GOOD)]
    assert selectors.current_grade(world.branch_a1) == Grade.GOOD
    row = LaggingYear.objects.get(org=world.branch_a1, year=timezone.localdate().year)
    assert (row.found, row.closed, row.upgraded) == (1, 1, 1)
    assert set(AuditEntry.objects.filter(action__startswith="lagging.").values_list("action", flat=True)) == {
        "lagging.case_open", "lagging.plan_save", "lagging.task_add", "lagging.task_done", "lagging.case_close"}
    # Listed again later, its grade before is the one it reached.
    again = open_case(world)
    assert again.grade_before == Grade.GOOD


def test_an_org_is_not_listed_twice_while_its_case_is_open(world):
    open_case(world)
    before = written()
    with pytest.raises(ValidationError, match=rules.ALREADY_OPEN):
        open_case(world)
    assert written() == before


def test_an_org_the_records_do_not_flag_needs_the_admins_reason(world):
    with_secretary(world.branch_a2)
    for month in selectors.complete_months(timezone.localdate()):
        green_month(world.branch_a2, month)
    before = written()
    with pytest.raises(ValidationError, match="请写明列为后进党组织的原因"):
        open_case(world, org=world.branch_a2)
    assert written() == before
    case = open_case(world, org=world.branch_a2, note="排查发现党员意见大")
    assert case.source == Source.ADMIN and list(case.reasons.values_list("code", "text")) == [
        (ReasonCode.OTHER, "排查发现党员意见大")]


def test_only_the_level_above_lists_plans_and_closes(world):
    before = written()
    for actor in ("secretary", "b_admin", "member", "outsider"):  # the branch itself, another district
        with pytest.raises(NotFound):
            services.case_open(actor=world.users[actor], org=world.branch_a1)
    with pytest.raises(ValidationError, match="只有党支部、党总支"):
        services.case_open(actor=world.users["a_admin"], org=world.street_a)
    assert written() == before
    case = open_case(world)
    with pytest.raises(NotFound):
        services.plan_save(
            actor=world.users["secretary"], case=case, responsible="甲", contact="乙", measures="丙",
            deadline=timezone.localdate() + timedelta(days=30))
    assert not LaggingPlan.objects.exists()


def test_a_task_is_marked_done_by_the_org_once(world):
    case = open_case(world)
    plan(world, case)
    the_task = task(world, case)
    with pytest.raises(NotFound):
        done(world, the_task, actor="b_admin")
    before = written()
    with pytest.raises(ValidationError, match="请写明完成情况"):
        services.task_done(actor=world.users["secretary"], task=the_task, note="  ")
    with pytest.raises(ValidationError, match="完成日期须在认定日期之后"):
        services.task_done(actor=world.users["secretary"], task=the_task, note="好",
                           done_on=timezone.localdate() + timedelta(days=1))
    assert written() == before
    done(world, the_task)
    with pytest.raises(ValidationError, match="该任务已标记完成"):
        done(world, the_task)


def test_a_task_needs_a_plan_and_falls_within_its_deadline(world):
    case = open_case(world)
    before = written()
    with pytest.raises(ValidationError, match=rules.NO_PLAN):
        task(world, case)
    assert written() == before
    plan(world, case, deadline=timezone.localdate() + timedelta(days=20))
    before = written()
    with pytest.raises(ValidationError, match="完成时限须在认定日期之后"):
        task(world, case, days=30)
    assert written() == before


def test_a_plan_needs_its_fields_and_a_deadline_within_a_year(world):
    case = open_case(world)
    before = written()
    with pytest.raises(ValidationError) as refused:
        plan(world, case, responsible="", contact=" ", measures="",
             deadline=timezone.localdate() + timedelta(days=rules.MAX_PLAN_DAYS + 1))
    assert set(refused.value.message_dict) == {"responsible", "contact", "measures", "deadline"}
    assert "整顿时限须晚于今天" in refused.value.message_dict["deadline"][0]
    assert written() == before


def test_a_case_does_not_close_until_every_task_is_done(world):
    case = open_case(world)
    before = written()
    with pytest.raises(ValidationError, match=rules.NO_PLAN):
        services.case_close(actor=world.users["a_admin"], case=case, grade_after=Grade.FAIR, text="验收")
    assert written() == before
    plan(world, case)
    first = task(world, case)
    task(world, case, "规范三会一课")
    done(world, first)
    before = written()
    with pytest.raises(ValidationError, match=rules.NOT_ALL_DONE):
        services.case_close(actor=world.users["a_admin"], case=case, grade_after=Grade.FAIR, text="验收")
    assert written() == before


def test_a_case_does_not_close_without_evidence_or_with_the_grade_not_up(world):
    case = open_case(world)
    plan(world, case)
    done(world, task(world, case))
    before = written()
    with pytest.raises(ValidationError, match=rules.NO_EVIDENCE):
        services.case_close(actor=world.users["a_admin"], case=case, grade_after=Grade.FAIR, text=" ")
    with pytest.raises(ValidationError, match="整顿后等次须高于后进"):
        services.case_close(actor=world.users["a_admin"], case=case, grade_after=Grade.LAGGING, text="验收")
    with pytest.raises(NotFound):  # the branch does not accept its own rectification
        services.case_close(actor=world.users["secretary"], case=case, grade_after=Grade.FAIR, text="验收")
    assert written() == before


def test_a_closed_case_takes_no_more_changes(world):
    case = open_case(world)
    plan(world, case)
    done(world, task(world, case))
    services.case_close(actor=world.users["a_admin"], case=case, grade_after=Grade.FAIR, text="验收通过")
    before = written()
    with pytest.raises(ValidationError, match=rules.CLOSED):
        task(world, case)
    with pytest.raises(ValidationError, match=rules.CLOSED):
        plan(world, case)
    with pytest.raises(ValidationError, match=rules.CLOSED):
        services.case_close(actor=world.users["a_admin"], case=case, grade_after=Grade.GOOD, text="再验收")
    assert written() == before


def test_overdue_tasks_and_cases_show(world):
    case = open_case(world)
    the_plan = plan(world, case)
    the_task = task(world, case)
    assert not the_task.overdue and not LaggingCase.objects.select_related("plan").get(pk=case.pk).overdue
    LaggingTask.objects.filter(pk=the_task.pk).update(due=timezone.localdate() - timedelta(days=1))
    LaggingPlan.objects.filter(pk=the_plan.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    assert LaggingTask.objects.get(pk=the_task.pk).overdue
    assert LaggingCase.objects.select_related("plan").get(pk=case.pk).overdue
    counts = selectors.open_counts(world.users["a_admin"], [world.district_a])
    assert counts[world.district_a.pk] == {"open": 1, "overdue": 1, "no_plan": 0}


def test_a_plan_deadline_before_a_tasks_due_day_is_refused(world):
    case = open_case(world)
    plan(world, case)
    task(world, case, days=60)
    before = written()
    with pytest.raises(ValidationError, match="有任务的完成时限晚于整顿时限"):
        plan(world, case, deadline=timezone.localdate() + timedelta(days=30))
    assert written() == before


def test_a_plan_holds_at_most_the_tasks_the_rules_allow(world):
    case = open_case(world)
    plan(world, case)
    for n in range(rules.MAX_TASKS):
        task(world, case, text=f"任务{n}")
    before = written()
    with pytest.raises(ValidationError, match=f"最多{rules.MAX_TASKS}项任务"):
        task(world, case, text="再加一项")
    assert written() == before


def test_days_in_the_future_are_refused(world):
    before = written()
    with pytest.raises(ValidationError, match="认定日期不能晚于今天"):
        open_case(world, found_on=timezone.localdate() + timedelta(days=1))
    assert written() == before
    case = open_case(world)
    plan(world, case)
    done(world, task(world, case))
    before = written()
    with pytest.raises(ValidationError, match="销号日期须在认定日期之后、不晚于今天"):
        services.case_close(actor=world.users["a_admin"], case=case, grade_after=Grade.FAIR, text="验收",
                            closed_on=timezone.localdate() + timedelta(days=1))
    assert written() == before
