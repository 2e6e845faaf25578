"""The summary tables of meetings held per org, kind and month (``MeetingMonth``) and of what
each requirement has met in the periods containing a month (``MeetingPeriods``) equal the
meetings after every call of every service that writes a meeting; a meeting written past the
services is reported by the check and put right by the rebuild; two submissions at once in one
org, kind and month both count (PostgreSQL)."""

import inspect
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from core import summaries
from core.context import acting_as
from dangjian.testing import check_after_each_call, make_world, run_in_threads
from orglife import services
from orglife import summaries as meeting_months
from orglife.models import (
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingMonth,
    MeetingPeriods,
    MeetingState,
)
from orglife.tests.helpers import counted, record
from orglife.tests.test_attachments import png_upload

# Every public service that writes a meeting or what hangs from it …
WRITERS = {"meeting_create", "meeting_update", "attendance_record", "attendance_sign_in", "meeting_submit",
           "meeting_resubmit", "meeting_review_approve", "meeting_review_return", "attachment_add",
           "attachment_open", "topic_propose", "topic_vote", "lecture_schedule"}
# … and the helpers that write nothing.
NOT_WRITING = {"can_review", "can_change", "org_members", "full_member_count", "member_of", "belongs_to", "names_for"}


def differences() -> list[str]:
    return [line for d in summaries.check() if d for line in d.describe()]


@pytest.fixture
def checked(monkeypatch):
    """Every writing service, wrapped: after each call the summaries must equal the records."""
    return check_after_each_call(monkeypatch, {services: WRITERS}, differences)


def held(org, kind, month) -> int:
    row = MeetingMonth.objects.filter(org=org, kind=kind, month=month).first()
    return row.held if row else 0


def in_periods(org, month, column) -> int:
    """What ``MeetingPeriods`` says ``org`` met in ``column``'s period containing ``month``."""
    row = MeetingPeriods.objects.filter(org=org, month=month).values_list(column, flat=True).first()
    return row or 0


def year_of(day) -> list[date]:
    return [date(day.year, number, 1) for number in range(1, 13)]


def test_every_public_service_is_named_as_writing_or_not():
    public = {name for name, f in inspect.getmembers(services, inspect.isfunction)
              if f.__module__ == services.__name__ and not name.startswith("_")}
    assert public - (WRITERS | NOT_WRITING) == set(), "a new service: add it to WRITERS or NOT_WRITING"


def test_the_summary_equals_the_meetings_after_every_service_call(world, checked):
    secretary, reviewer = world.users["secretary"], world.users["a_admin"]
    member = world.members["a1_member"]
    today = timezone.localdate()
    # Recorded (a draft counts nowhere), attended, documented, submitted (counts), returned (still counts).
    meeting = record(world, held_on=today - timedelta(days=3))
    services.attendance_record(actor=secretary, meeting=meeting, entries=[(member, AttendanceStatus.PRESENT, "")])
    services.attachment_add(actor=secretary, meeting=meeting, upload=png_upload(), title="签到表")
    attachment = meeting.attachments.get()
    services.attachment_open(actor=secretary, attachment=attachment)
    services.meeting_submit(actor=secretary, meeting=meeting)
    month = meeting.held_on.replace(day=1)
    assert held(world.branch_a1, MeetingKind.THEME_DAY, month) == 1
    assert in_periods(world.branch_a1, month, "theme_day_month") == 1
    services.meeting_review_return(actor=reviewer, meeting=meeting, comment="日期和类别有误")
    # Corrected while returned: another kind and another month — the count moves with it.
    earlier = (month - timedelta(days=1)).replace(day=10)
    services.meeting_update(actor=secretary, meeting=meeting, kind=MeetingKind.BRANCH_ASSEMBLY, held_on=earlier)
    assert held(world.branch_a1, MeetingKind.THEME_DAY, month) == 0
    assert held(world.branch_a1, MeetingKind.BRANCH_ASSEMBLY, earlier.replace(day=1)) == 1
    # Made a 组织生活会 held as the branch assembly: it counts for both kinds (条例第十七条).
    services.meeting_update(actor=secretary, meeting=meeting, kind=MeetingKind.REVIEW_MEETING,
                            also_kind=MeetingKind.BRANCH_ASSEMBLY)
    assert held(world.branch_a1, MeetingKind.REVIEW_MEETING, earlier.replace(day=1)) == 1
    assert held(world.branch_a1, MeetingKind.BRANCH_ASSEMBLY, earlier.replace(day=1)) == 1
    # What the requirements read: the review meeting in every month of its year, the assembly in
    # every month of its quarter; the theme day it no longer is, nowhere.
    assert [in_periods(world.branch_a1, m, "review_meeting_year") for m in year_of(earlier)] == [1] * 12
    quarter = [m for m in year_of(earlier) if (m.month - 1) // 3 == (earlier.month - 1) // 3]
    assert [in_periods(world.branch_a1, m, "branch_assembly_quarter") for m in quarter] == [1, 1, 1]
    assert sum(MeetingPeriods.objects.filter(org=world.branch_a1).values_list("branch_assembly_quarter", flat=True)) == 3
    assert in_periods(world.branch_a1, month, "theme_day_month") == 0
    services.meeting_resubmit(actor=secretary, meeting=meeting)
    services.meeting_review_approve(actor=reviewer, meeting=meeting)
    # A requested lecture by the secretary: proposed, voted, scheduled, held, submitted, corrected.
    topic = services.topic_propose(actor=world.users["member"], org=world.branch_a1, title="基层治理")
    services.topic_vote(actor=world.users["member"], topic=topic)
    lecture = services.lecture_schedule(actor=secretary, topic=topic, held_on=today - timedelta(days=1),
                                        place="活动室", host="李建国", recorder="张秀英", lecturer="李建国",
                                        by_secretary=True)
    services.meeting_update(actor=secretary, meeting=lecture, minutes="书记讲党课，围绕基层治理讲了三点体会，党员交流发言。")
    services.attendance_record(actor=secretary, meeting=lecture, entries=[(member, AttendanceStatus.PRESENT, "")])
    services.meeting_submit(actor=secretary, meeting=lecture)
    lecture_month = lecture.held_on.replace(day=1)
    assert MeetingMonth.objects.get(org=world.branch_a1, kind=MeetingKind.LECTURE, month=lecture_month).by_secretary == 1
    assert [in_periods(world.branch_a1, m, "lecture_year_by_secretary") for m in year_of(lecture_month)] == [1] * 12
    assert in_periods(world.branch_a1, lecture_month, "lecture_month") == 1
    services.meeting_review_return(actor=reviewer, meeting=lecture, comment="授课人不是书记")
    services.meeting_update(actor=secretary, meeting=lecture, by_secretary=False)
    assert MeetingMonth.objects.get(org=world.branch_a1, kind=MeetingKind.LECTURE, month=lecture_month).by_secretary == 0
    assert [in_periods(world.branch_a1, m, "lecture_year_by_secretary") for m in year_of(lecture_month)] == [0] * 12
    assert [in_periods(world.branch_a1, m, "lecture_year") for m in year_of(lecture_month)] == [1] * 12
    # A QR sign-in on a draft of today.
    now = timezone.localtime()
    draft = record(world, held_on=now.date(), start_time=now.time().replace(second=0, microsecond=0), attendees=())
    with acting_as(world.users["member"], channel="web"):
        services.attendance_sign_in(actor=world.users["member"], token=draft.signin_token)

    assert set(checked) == WRITERS, f"not walked: {WRITERS - set(checked)}"


def test_a_meeting_written_past_the_services_is_reported_and_the_rebuild_puts_it_right(world):
    counted(world.branch_a1, MeetingKind.THEME_DAY, date(2026, 3, 10))
    moved = counted(world.branch_a1, MeetingKind.THEME_DAY, date(2026, 3, 20))
    assert differences() == []
    Meeting.objects.filter(pk=moved.pk).update(held_on=date(2026, 4, 2))  # past the service
    counted_past = Meeting.objects.create(  # and one created past it
        org=world.branch_a2, kind=MeetingKind.LECTURE, held_on=date(2026, 3, 5), place="室", host="甲", recorder="乙",
        topic="题", state=MeetingState.APPROVED, by_secretary=True, signin_token="past-the-service",
        signin_opens=moved.signin_opens, signin_closes=moved.signin_closes)

    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("summaries", "--check", meeting_months.NAME, stdout=out)
    assert refused.value.returncode == 1
    report = out.getvalue()
    assert "orglife.meeting_month" in report and "缺少 2" in report and "不符 1" in report, report

    call_command("summaries", "--rebuild", stdout=StringIO())
    assert differences() == []
    assert held(world.branch_a1, MeetingKind.THEME_DAY, date(2026, 3, 1)) == 1
    assert held(world.branch_a1, MeetingKind.THEME_DAY, date(2026, 4, 1)) == 1
    row = MeetingMonth.objects.get(org=counted_past.org, kind=MeetingKind.LECTURE, month=date(2026, 3, 1))
    assert (row.held, row.by_secretary) == (1, 1)
    out = StringIO()
    call_command("summaries", stdout=out)  # --check is the default; exit status 0
    assert "一致" in out.getvalue()


def test_the_period_figures_written_past_the_services_are_reported_and_rebuilt(world):
    counted(world.branch_a1, MeetingKind.APPRAISAL, date(2026, 5, 10))
    counted(world.branch_a1, MeetingKind.LECTURE, date(2026, 8, 3), by_secretary=True)
    assert differences() == []
    MeetingPeriods.objects.filter(org=world.branch_a1, month=date(2026, 2, 1)).update(appraisal_year=0)
    MeetingPeriods.objects.filter(org=world.branch_a1, month=date(2026, 8, 1)).delete()
    MeetingPeriods.objects.create(org=world.branch_a2, month=date(2026, 1, 1), talk_year=1)

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("summaries", "--check", meeting_months.PERIODS_NAME, stdout=out)
    report = out.getvalue()
    assert "orglife.meeting_periods" in report and "缺少 1" in report and "多余 1" in report and "不符 1" in report, report

    call_command("summaries", "--rebuild", meeting_months.PERIODS_NAME, stdout=StringIO())
    assert differences() == []
    assert in_periods(world.branch_a1, date(2026, 2, 1), "appraisal_year") == 1
    assert in_periods(world.branch_a1, date(2026, 8, 1), "lecture_year_by_secretary") == 1
    assert in_periods(world.branch_a1, date(2026, 8, 1), "lecture_quarter") == 1
    assert in_periods(world.branch_a1, date(2026, 9, 1), "lecture_month") == 0
    assert not MeetingPeriods.objects.filter(org=world.branch_a2).exists()


def test_the_period_table_has_a_column_for_each_kind_and_period_a_requirement_reads():
    figures = {f.name for f in MeetingPeriods._meta.concrete_fields} - {"id", "org", "month"}
    assert figures == {column.name for column in meeting_months.COLUMNS}


def test_a_row_left_at_zero_counts_as_no_row(world):
    meeting = counted(world.branch_a1, MeetingKind.THEME_DAY, date(2026, 3, 10))
    Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.DRAFT)  # as if no longer counted
    meeting_months.moved(meeting_months.place(meeting), None)
    assert MeetingMonth.objects.get().held == 0 and differences() == []


def test_an_unknown_summary_name_is_refused():
    with pytest.raises(CommandError, match="没有这个汇总表"):
        call_command("summaries", "--check", "orglife.nothing", stdout=StringIO())


@pytest.mark.usefixtures("transactional_db")
def test_two_submissions_at_once_in_one_org_kind_and_month_both_count():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests run on PostgreSQL")
    world = make_world()
    day = timezone.localdate() - timedelta(days=2)
    meetings = [record(world, held_on=day, topic=f"主题{i}") for i in range(3)]

    def submit(i):
        with acting_as(world.users["secretary"], channel="web"):
            return services.meeting_submit(actor=world.users["secretary"], meeting=meetings[i])

    results, errors = run_in_threads(3, submit)
    assert errors == [] and len(results) == 3
    assert held(world.branch_a1, MeetingKind.THEME_DAY, day.replace(day=1)) == 3
    assert differences() == []
