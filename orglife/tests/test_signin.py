"""QR sign-in: the meeting page shows a QR code of the sign-in URL (rendered by the platform); a
logged-in member of the meeting's org (or its group) is marked present inside the window, once;
outside the window or from another org it is refused in Chinese and nothing is written."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.errors import NotFound
from members.models import Member
from orglife import services
from orglife.models import Attendance, AttendanceStatus, MeetingKind, SignInHow
from orglife.tests.helpers import record, state


@pytest.fixture
def meeting(world):
    """A theme day starting now: the window runs from 30 minutes before to 2 hours after."""
    now = timezone.localtime()
    return record(world, held_on=now.date(), start_time=now.time().replace(second=0, microsecond=0), attendees=())


def sign_in(world, persona, meeting, **kwargs):
    return services.attendance_sign_in(actor=world.users[persona], token=meeting.signin_token, **kwargs)


def test_a_member_of_the_branch_signs_in_once(world, meeting):
    row, new = sign_in(world, "member", meeting)
    assert new and row.status == AttendanceStatus.PRESENT and row.how == SignInHow.QR and row.signed_in_at
    before = state()
    row2, new2 = sign_in(world, "member", meeting)
    assert (row2.pk, new2) == (row.pk, False)
    assert state() == before


def test_a_member_marked_on_leave_who_comes_after_all_is_present(world, meeting):
    services.attendance_record(actor=world.users["secretary"], meeting=meeting,
                               entries=[(world.members["a1_member"], AttendanceStatus.LEAVE, "出差")])
    row, new = sign_in(world, "member", meeting)
    assert new and row.status == AttendanceStatus.PRESENT and row.reason == ""


@pytest.mark.parametrize("offset", [timedelta(minutes=-31), timedelta(hours=2, minutes=1)])
def test_outside_the_window_is_refused_and_nothing_written(world, meeting, offset):
    before = state()
    with pytest.raises(ValidationError, match="不在签到时间内"):
        sign_in(world, "member", meeting, now=meeting.starts_at + offset)
    assert state() == before


@pytest.mark.parametrize("offset", [timedelta(minutes=-30), timedelta(hours=2)])
def test_the_window_edges_are_inside(world, meeting, offset):
    _row, new = sign_in(world, "member", meeting, now=meeting.starts_at + offset)
    assert new


def test_a_member_of_another_org_is_refused_and_an_outsider_gets_404(world, meeting):
    from accounts.models import User

    other = User.objects.create(username="b1_user")
    Member.objects.filter(pk=world.members["b1_member"].pk).update(user=other)
    before = state()
    with pytest.raises(NotFound):  # neither sees the meeting nor belongs to its org
        services.attendance_sign_in(actor=other, token=meeting.signin_token)
    with pytest.raises(NotFound):
        sign_in(world, "outsider", meeting)
    with pytest.raises(ValidationError, match="不是“朝阳里社区第一党支部”的党员"):
        sign_in(world, "a_admin", meeting)  # sees the meeting, is no member of the branch
    with pytest.raises(NotFound):
        services.attendance_sign_in(actor=world.users["member"], token="no-such-token")
    assert state() == before


def test_a_group_member_signs_in_to_the_group_meeting(world):
    Member.objects.filter(pk=world.members["a1_member"].pk).update(group=world.group_a1)
    now = timezone.localtime()
    meeting = record(world, org=world.group_a1, kind=MeetingKind.GROUP_MEETING, attendees=(), held_on=now.date(),
                     start_time=now.time())
    _row, new = sign_in(world, "member", meeting)
    assert new


def test_a_submitted_record_takes_no_sign_ins(world, meeting):
    services.attendance_record(actor=world.users["secretary"], meeting=meeting,
                               entries=[(world.members["a1_secretary"], AttendanceStatus.PRESENT, "")])
    services.meeting_update(actor=world.users["secretary"], meeting=meeting, held_on=timezone.localdate())
    meeting.refresh_from_db()
    services.meeting_submit(actor=world.users["secretary"], meeting=meeting)
    with pytest.raises(ValidationError, match="签到已结束"):
        sign_in(world, "member", meeting)


def test_the_window_is_editable(world, meeting):
    opens = timezone.make_aware(datetime.combine(meeting.held_on, time(6)))
    services.meeting_update(actor=world.users["secretary"], meeting=meeting, signin_opens=opens,
                            signin_closes=opens + timedelta(minutes=10))
    with pytest.raises(ValidationError, match="不在签到时间内"):
        sign_in(world, "member", meeting, now=opens + timedelta(minutes=11))
    with pytest.raises(ValidationError, match="签到截止时间须晚于开始时间"):
        services.meeting_update(actor=world.users["secretary"], meeting=meeting, signin_opens=opens,
                                signin_closes=opens)


# --- the pages ---------------------------------------------------------------------------------------


def test_the_meeting_page_shows_a_platform_rendered_qr_code_of_the_absolute_url(world, meeting):
    c = Client()
    c.force_login(world.users["secretary"])
    body = c.get(meeting.get_absolute_url()).content.decode()
    url = f"http://testserver/orglife/sign-in/{meeting.signin_token}/"
    assert url in body and reverse("orglife:qr", args=[meeting.pk]) in body
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)  # no inline script (CSP)
    svg = c.get(reverse("orglife:qr", args=[meeting.pk]))
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.lstrip().startswith(b"<svg")
    assert b"<script" not in svg.content


def test_login_brings_the_member_back_to_the_sign_in_page_and_a_post_signs_in(world, meeting):
    from dangjian.testing import PASSWORD

    c = Client()
    url = reverse("orglife:sign_in", args=[meeting.signin_token])
    login = c.get(url)
    assert login.status_code == 302
    response = c.post(login["Location"], {"username": "member", "password": PASSWORD, "next": url})
    assert response.status_code == 302 and response["Location"] == url
    page = c.get(url)
    assert page.status_code == 200 and "确认签到" in page.content.decode()
    assert not Attendance.objects.exists()  # GET writes nothing
    response = c.post(url)
    assert "签到成功" in response.content.decode()
    assert "已签到" in c.post(url).content.decode()
    assert Attendance.objects.get().how == SignInHow.QR


def test_the_sign_in_page_refuses_in_chinese(world, meeting):
    c = Client()
    c.force_login(world.users["a_admin"])
    url = reverse("orglife:sign_in", args=[meeting.signin_token])
    assert "不能在本次会议签到" in c.get(url).content.decode()
    response = c.post(url)
    assert response.status_code == 422 and "不能在本次会议签到" in response.content.decode()
    c.force_login(world.users["outsider"])
    assert c.get(url).status_code == 404 and c.post(url).status_code == 404
    assert not Attendance.objects.exists()
