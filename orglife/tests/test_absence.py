"""Six months without organizational life (党章第九条), from the attendance records: the secretary
is warned at four and five months, the member listed red at six; leave with a reason counts as
taking part; drafts do not count; a member with no record counts from joining or registration."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from core.dates import add_months
from members.models import Member
from orglife.absence import absentees, whole_months
from orglife.models import Attendance, AttendanceStatus, MeetingKind, MeetingState
from orglife.tests.helpers import counted


@pytest.mark.parametrize("start, end, months", [
    (date(2026, 1, 31), date(2026, 2, 28), 1), (date(2026, 3, 15), date(2026, 7, 14), 3),
    (date(2026, 3, 15), date(2026, 7, 15), 4), (date(2025, 12, 1), date(2026, 6, 1), 6),
    (date(2026, 5, 1), date(2026, 4, 1), 0),
])
def test_whole_months(start, end, months):
    assert whole_months(start, end) == months


def _registered_long_ago(*members):
    Member.objects.filter(pk__in=[m.pk for m in members]).update(
        created=datetime(2015, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")))


def _attended(member, org, held_on, status=AttendanceStatus.PRESENT, state=MeetingState.SUBMITTED):
    meeting = counted(org, MeetingKind.THEME_DAY, held_on, state=state)
    Attendance.objects.create(meeting=meeting, member=member, status=status, reason="" if status == "present" else "出差")


def test_four_months_warns_six_months_is_red_and_leave_counts(world):
    today = timezone.localdate()
    member, secretary = world.members["a1_member"], world.members["a1_secretary"]
    _registered_long_ago(member, secretary)
    _attended(member, world.branch_a1, add_months(today, -4) - timedelta(days=1))
    _attended(secretary, world.branch_a1, add_months(today, -7))
    rows = {row.member.pk: row for row in absentees(world.branch_a1, today)}
    assert (rows[member.pk].months, rows[member.pk].level) == (4, "yellow")
    assert (rows[secretary.pk].months, rows[secretary.pk].level) == (7, "red")
    _attended(secretary, world.branch_a1, today - timedelta(days=10), status=AttendanceStatus.LEAVE)
    assert secretary.pk not in {row.member.pk for row in absentees(world.branch_a1, today)}


def test_a_draft_record_is_not_organizational_life(world):
    today = timezone.localdate()
    member = world.members["a1_member"]
    _registered_long_ago(member)
    _attended(member, world.branch_a1, today - timedelta(days=5), state=MeetingState.DRAFT)
    assert member.pk in {row.member.pk for row in absentees(world.branch_a1, today)}


def test_a_member_without_records_counts_from_registration_or_joining(world):
    today = timezone.localdate()
    member = world.members["a1_member"]  # registered today (the test's world)
    assert member.pk not in {row.member.pk for row in absentees(world.branch_a1, today)}
    _registered_long_ago(member)
    row = next(row for row in absentees(world.branch_a1, today) if row.member.pk == member.pk)
    assert not row.attended and row.since == date(2015, 1, 1) and row.level == "red"  # registered after joining


def test_the_page_lists_the_branch_and_the_secretary_is_warned_on_the_meeting_list(world):
    today = timezone.localdate()
    member = world.members["a1_member"]
    _registered_long_ago(member)
    _attended(member, world.branch_a1, add_months(today, -5) - timedelta(days=2))
    client = world.client("secretary")
    page = client.get(reverse("orglife:absence")).content.decode()
    assert "张秀英" in page and "5个月" in page and "党章第九条" in page
    listing = client.get(reverse("orglife:list")).content.decode()
    assert "1名党员连续4个月以上未参加组织生活" in listing and f"?org={world.branch_a1.pk}" in listing


def test_above_a_branch_the_page_offers_its_children(world):
    body = world.client("a_admin").get(reverse("orglife:absence")).content.decode()
    assert "本页按党支部查看" in body and world.street_a.name in body


@pytest.mark.parametrize("persona", ["b_admin", "outsider", "member"])
def test_a_branch_out_of_scope_is_404(world, persona):
    response = world.client(persona).get(reverse("orglife:absence"), {"org": world.branch_a1.pk})
    assert response.status_code == 404
