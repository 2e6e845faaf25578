"""The record's life (rules.md §3, 纪实报告检查): recorded by the branch, submitted, reviewed by the
upper org, returned with comments, corrected and resubmitted, approved; every round kept. Every
rule broken once: its Chinese message, and nothing written."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.errors import NotFound
from core.models import AuditEntry
from members.models import MemberEvent
from orglife import services
from orglife.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingState,
    ReviewDecision,
    Topic,
    TopicState,
)
from orglife.tests.helpers import add_full_members, record, state


def test_a_secretary_records_a_meeting_with_its_attendees_and_an_audit_entry(world):
    meeting = record(world, attendees=("a1_member", "a1_secretary"))
    assert meeting.state == MeetingState.DRAFT and meeting.org == world.branch_a1
    assert set(meeting.attendances.values_list("status", flat=True)) == {AttendanceStatus.PRESENT}
    assert len(meeting.signin_token) >= 20
    assert meeting.signin_closes - meeting.signin_opens == timedelta(hours=2, minutes=30)
    entry = AuditEntry.objects.get(action="orglife.meeting_create")
    assert entry.object_id == str(meeting.pk) and entry.org_id == world.branch_a1.pk


def test_the_whole_review_cycle_keeps_every_round(world):
    meeting = record(world)
    services.meeting_submit(actor=world.users["secretary"], meeting=meeting)
    services.meeting_review_return(actor=world.users["a_admin"], meeting=meeting, comment="请补充决定事项")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.RETURNED and meeting.editable
    services.meeting_update(actor=world.users["secretary"], meeting=meeting, decisions="决定开展志愿服务")
    services.meeting_resubmit(actor=world.users["secretary"], meeting=meeting)
    services.meeting_review_approve(actor=world.users["city_admin"], meeting=meeting, comment="同意")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.APPROVED
    rounds = list(meeting.review_rounds.values_list("number", "decision", "comment", "reviewer__username"))
    assert rounds == [(1, ReviewDecision.RETURNED, "请补充决定事项", "a_admin"),
                      (2, ReviewDecision.APPROVED, "同意", "city_admin")]
    actions = list(AuditEntry.objects.filter(action__startswith="orglife.").order_by("seq")
                   .values_list("action", flat=True))
    assert actions == ["orglife.meeting_create", "orglife.meeting_submit", "orglife.review_return",
                       "orglife.meeting_update", "orglife.meeting_resubmit", "orglife.review_approve"]


def test_attendance_records_present_leave_and_absent_with_reasons(world):
    meeting = record(world, attendees=())
    services.attendance_record(actor=world.users["secretary"], meeting=meeting, entries=[
        (world.members["a1_member"], AttendanceStatus.PRESENT, ""),
        (world.members["a1_secretary"], AttendanceStatus.LEAVE, "外出培训"),
    ])
    rows = dict(Attendance.objects.filter(meeting=meeting).values_list("member__name", "reason"))
    assert rows == {"张秀英": "", "李建国": "外出培训"}


def test_a_travelling_lecture_counts_for_the_branch_and_appears_in_the_lecturers_record(world):
    lecturer = world.members["b1_member"]  # of another district: the city admin links them
    meeting = record(world, actor="city_admin", kind=MeetingKind.LECTURE, topic="新时代党的建设",
                     travelling=True, lecturer="", lecturer_unit="河西区委党校", lecturer_member=lecturer)
    assert meeting.lecturer == lecturer.name
    services.meeting_submit(actor=world.users["city_admin"], meeting=meeting)
    event = MemberEvent.objects.get(member=lecturer, kind="lecture_given")
    assert "流动党课《新时代党的建设》" in event.summary and world.branch_a1.name in event.summary
    assert list(lecturer.lectures_given.all()) == [meeting]


def test_a_requested_lecture_from_proposal_to_vote_to_schedule(world):
    topic = services.topic_propose(actor=world.users["member"], org=world.branch_a1, title="基层治理中的党员作用")
    services.topic_vote(actor=world.users["member"], topic=topic)
    services.topic_vote(actor=world.users["secretary"], topic=topic)
    assert topic.votes.count() == 2 and topic.proposed_by == world.members["a1_member"]
    meeting = services.lecture_schedule(
        actor=world.users["secretary"], topic=topic, held_on=timezone.localdate() + timedelta(days=10), place="活动室",
        host="李建国", recorder="张秀英", lecturer="李建国", by_secretary=True)
    assert meeting.kind == MeetingKind.LECTURE and meeting.requested_topic == topic and meeting.by_secretary
    assert Topic.objects.get(pk=topic.pk).state == TopicState.SCHEDULED


# --- every rule broken once ---------------------------------------------------------------------------


def _refused(world, call, fragment, exc=ValidationError):
    before = state()
    with pytest.raises(exc) as info:
        call()
    if exc is ValidationError:
        assert fragment in " ".join(info.value.messages), info.value.messages
    else:
        assert fragment in str(info.value)
    assert state() == before


@pytest.mark.parametrize("overrides, fragment", [
    ({"kind": MeetingKind.GROUP_MEETING}, "党小组会由党小组录入"),
    ({"kind": MeetingKind.COMMITTEE_MEETING}, "不设支部委员会，不召开支委会"),
    ({"held_on": date(1999, 1, 1)}, "不能早于党组织成立日期"),
    ({"held_on": timezone.localdate() + timedelta(days=400)}, "不能晚于一年以后"),
    ({"place": " "}, "请填写地点"),
    ({"topic": "x" * 201}, "主题不能超过200个字"),
    ({"travelling": True}, "只适用于党课"),
    ({"kind": MeetingKind.LECTURE, "travelling": True, "lecturer": "王老师"}, "流动党课请填写授课人及其单位"),
    ({"attendees": ("a2_member",)}, "出席人员须是本组织的党员"),
])
def test_a_bad_meeting_is_refused_with_the_rule_and_nothing_written(world, overrides, fragment):
    _refused(world, lambda: record(world, **overrides), fragment)


def test_a_group_records_only_group_meetings(world):
    _refused(world, lambda: record(world, org=world.group_a1, attendees=()), "党小组只召开党小组会")
    meeting = record(world, org=world.group_a1, kind=MeetingKind.GROUP_MEETING, attendees=())
    assert meeting.org == world.group_a1


def test_a_street_holds_no_meetings_here_but_its_secretarys_lectures(world):
    _refused(world, lambda: record(world, actor="a_admin", org=world.street_a, attendees=()),
             "在此只录入党课（书记讲党课")


def test_a_committee_meeting_is_allowed_from_seven_full_members(world):
    add_full_members(world.branch_a1, 5)
    meeting = record(world, kind=MeetingKind.COMMITTEE_MEETING)
    assert meeting.kind == MeetingKind.COMMITTEE_MEETING


def test_out_of_scope_writes_are_404(world):
    meeting = record(world)
    _refused(world, lambda: record(world, actor="b_admin"), "", NotFound)
    _refused(world, lambda: services.meeting_submit(actor=world.users["b_admin"], meeting=meeting), "", NotFound)
    _refused(world, lambda: services.meeting_update(actor=world.users["member"], meeting=meeting, topic="x"), "",
             NotFound)


@pytest.mark.parametrize("change, fragment", [
    ({"minutes": "短"}, "请填写会议记录（至少10个字）"),
    ({"held_on": timezone.localdate() + timedelta(days=3)}, "会议召开后才能提交记录"),
])
def test_an_incomplete_record_cannot_be_submitted(world, change, fragment):
    meeting = record(world, **change)
    _refused(world, lambda: services.meeting_submit(actor=world.users["secretary"], meeting=meeting), fragment)


def test_a_record_without_attendance_cannot_be_submitted(world):
    meeting = record(world, attendees=())
    _refused(world, lambda: services.meeting_submit(actor=world.users["secretary"], meeting=meeting),
             "请先登记出席情况")


def test_a_lecture_needs_a_lecturer_before_submission(world):
    meeting = record(world, kind=MeetingKind.LECTURE)
    _refused(world, lambda: services.meeting_submit(actor=world.users["secretary"], meeting=meeting), "请填写授课人")


def test_leave_and_absence_need_a_reason(world):
    meeting = record(world)
    _refused(world, lambda: services.attendance_record(
        actor=world.users["secretary"], meeting=meeting,
        entries=[(world.members["a1_member"], AttendanceStatus.ABSENT, " ")]), "请假或缺席须注明原因")


@pytest.fixture
def submitted(world):
    meeting = record(world)
    return services.meeting_submit(actor=world.users["secretary"], meeting=meeting)


def test_a_submitted_record_is_locked_and_cannot_be_submitted_twice(world, submitted):
    secretary = world.users["secretary"]
    _refused(world, lambda: services.meeting_update(actor=secretary, meeting=submitted, topic="改"), "不能修改")
    _refused(world, lambda: services.meeting_submit(actor=secretary, meeting=submitted), "不能再次提交")
    _refused(world, lambda: services.meeting_resubmit(actor=secretary, meeting=submitted), "只有退回的记录可以重新提交")


def test_only_the_upper_org_reviews(world, submitted):
    _refused(world, lambda: services.meeting_review_approve(actor=world.users["secretary"], meeting=submitted),
             "只有上级党组织可以审核", PermissionDenied)
    _refused(world, lambda: services.meeting_review_approve(actor=world.users["b_admin"], meeting=submitted),
             "", NotFound)
    # The member sees the record (they attended) but reviews nothing.
    _refused(world, lambda: services.meeting_review_approve(actor=world.users["member"], meeting=submitted),
             "只有上级党组织可以审核", PermissionDenied)
    _refused(world, lambda: services.meeting_review_approve(actor=world.users["outsider"], meeting=submitted),
             "", NotFound)


def test_a_branch_admin_cannot_review_its_own_branch(world):
    """A grant on the branch itself is not "strictly above" it."""
    from accounts.models import Grant
    from core.access import Role

    Grant.objects.create(user=world.users["outsider"], role=Role.ORG_ADMIN, org=world.branch_a1)
    meeting = services.meeting_submit(actor=world.users["secretary"], meeting=record(world))
    _refused(world, lambda: services.meeting_review_approve(actor=world.users["outsider"], meeting=meeting),
             "只有上级党组织可以审核", PermissionDenied)


def test_a_reviewer_does_not_review_what_they_submitted(world):
    meeting = record(world, actor="a_admin")
    services.meeting_submit(actor=world.users["a_admin"], meeting=meeting)
    _refused(world, lambda: services.meeting_review_approve(actor=world.users["a_admin"], meeting=meeting),
             "不能审核本人提交的会议记录")


def test_returning_needs_a_comment_and_drafts_cannot_be_reviewed(world, submitted):
    _refused(world, lambda: services.meeting_review_return(actor=world.users["a_admin"], meeting=submitted,
                                                           comment=" "), "退回时请填写审核意见")
    draft = record(world)
    _refused(world, lambda: services.meeting_review_approve(actor=world.users["a_admin"], meeting=draft),
             "只有已提交的记录可以审核")
    services.meeting_review_approve(actor=world.users["a_admin"], meeting=submitted)
    _refused(world, lambda: services.meeting_review_return(actor=world.users["a_admin"], meeting=submitted,
                                                           comment="再退"), "只有已提交的记录可以审核")


def test_a_returned_record_is_resubmitted_not_submitted(world, submitted):
    services.meeting_review_return(actor=world.users["a_admin"], meeting=submitted, comment="补充")
    _refused(world, lambda: services.meeting_submit(actor=world.users["secretary"], meeting=submitted),
             "请修改后“重新提交”")


def test_topic_rules(world):
    topic = services.topic_propose(actor=world.users["member"], org=world.branch_a1, title="乡村振兴")
    services.topic_vote(actor=world.users["member"], topic=topic)
    _refused(world, lambda: services.topic_vote(actor=world.users["member"], topic=topic), "您已为该题目投过票")
    _refused(world, lambda: services.topic_propose(actor=world.users["member"], org=world.branch_a1, title="乡村振兴"),
             "已有相同的点题")
    _refused(world, lambda: services.topic_propose(actor=world.users["member"], org=world.branch_a1, title=" "),
             "请填写希望讲授的题目")
    _refused(world, lambda: services.topic_vote(actor=world.users["a_admin"], topic=topic), "只有本支部党员可以为点题投票")
    _refused(world, lambda: services.topic_vote(actor=world.users["outsider"], topic=topic), "", NotFound)
    _refused(world, lambda: services.topic_propose(actor=world.users["outsider"], org=world.branch_a1, title="x"),
             "", NotFound)
    services.lecture_schedule(actor=world.users["secretary"], topic=topic, held_on=timezone.localdate(), place="室",
                              host="甲", recorder="乙", lecturer="丙")
    _refused(world, lambda: services.topic_vote(actor=world.users["secretary"], topic=topic), "投票已结束")
    _refused(world, lambda: services.lecture_schedule(
        actor=world.users["secretary"], topic=topic, held_on=timezone.localdate(), place="室", host="甲", recorder="乙",
        lecturer="丙"), "不能重复安排")


def test_meetings_counted_only_once_submitted(world, submitted):
    assert Meeting.objects.filter(state__in=("submitted",)).count() == 1
