"""Races on PostgreSQL with real threads and connections (reliability.md C1): two reviewers approve
one record at once, one member's phone scans twice at once, one member votes twice at once —
exactly one effect each, the others refused cleanly."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from core.context import acting_as
from core.models import AuditEntry
from dangjian.testing import make_world, run_in_threads
from orglife import services
from orglife.models import Attendance, Meeting, ReviewRound, TopicVote
from orglife.tests.helpers import record

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def world():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests run on PostgreSQL")
    return make_world()


def test_two_reviewers_approving_at_once_approve_once(world):
    meeting = record(world, held_on=timezone.localdate() - timedelta(days=2))
    services.meeting_submit(actor=world.users["secretary"], meeting=meeting)
    reviewers = [world.users["a_admin"], world.users["city_admin"]]

    def approve(i):
        with acting_as(reviewers[i], channel="web"):
            return services.meeting_review_approve(actor=reviewers[i], meeting=Meeting.objects.get(pk=meeting.pk))

    results, errors = run_in_threads(2, approve)
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    assert "只有已提交的记录可以审核" in " ".join(errors[0].messages)
    assert ReviewRound.objects.get(meeting=meeting).decision == "approved"
    assert AuditEntry.objects.filter(action="orglife.review_approve").count() == 1


def test_two_scans_of_one_member_sign_in_once(world):
    now = timezone.localtime()
    meeting = record(world, held_on=now.date(), start_time=now.time(), attendees=())

    def scan(_i):
        with acting_as(world.users["member"], channel="web"):
            return services.attendance_sign_in(actor=world.users["member"], token=meeting.signin_token)[1]

    results, errors = run_in_threads(4, scan)
    assert errors == [] and sorted(results) == [False, False, False, True]
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    assert AuditEntry.objects.filter(action="orglife.sign_in").count() == 1


def test_a_double_vote_counts_once(world):
    topic = services.topic_propose(actor=world.users["member"], org=world.branch_a1, title="基层治理")

    def vote(_i):
        with acting_as(world.users["member"], channel="web"):
            return services.topic_vote(actor=world.users["member"], topic=topic)

    results, errors = run_in_threads(3, vote)
    assert len(results) == 1 and len(errors) == 2
    assert all("您已为该题目投过票" in " ".join(e.messages) for e in errors)
    assert TopicVote.objects.filter(topic=topic).count() == 1
