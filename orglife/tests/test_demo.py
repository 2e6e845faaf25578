"""The demo's organizational life tells a believable story (issue 10.12): QR sign-ins fall around
each meeting's start, not all at one moment, and committee meetings (支委会) are attended by the
committee alone. ``orglife.demo.load`` runs on the test world with a branch large enough for a
committee (the whole demo at test size has none: no branch reaches seven full members)."""

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from orglife import demo
from orglife.models import Attendance, Meeting, MeetingKind, SignInHow
from orglife.tests.helpers import add_full_members
from orgs.models import LeadershipMember, LeadershipTerm, Post


def test_the_demo_signs_in_around_each_meeting_and_only_the_committee_attends_its_meetings(world):
    branch = world.branch_a1
    members = add_full_members(branch, 10)
    term = LeadershipTerm.objects.create(org=branch, started=date(2023, 1, 1), ends=date(2028, 1, 1))
    committee = members[:3]
    for post, member in zip((Post.SECRETARY, Post.ORGANIZATION, Post.PROPAGANDA), committee, strict=True):
        LeadershipMember.objects.create(term=term, post=post, name=member.name, member=member)

    demo.load(random.Random(7))

    signed = list(Attendance.objects.filter(how=SignInHow.QR).select_related("meeting"))
    assert len(signed) > 50
    for attendance in signed:
        meeting = attendance.meeting
        starts = timezone.make_aware(datetime.combine(meeting.held_on, meeting.start_time))
        assert meeting.signin_opens <= attendance.signed_in_at <= meeting.signin_closes
        assert abs(attendance.signed_in_at - starts) <= timedelta(minutes=30)
    assert len({a.signed_in_at for a in signed}) > len(signed) * 0.9  # not one stamp for all

    meetings = Meeting.objects.filter(org=branch, kind=MeetingKind.COMMITTEE_MEETING)
    assert meetings.count() >= 6  # monthly, a diligent year
    attended = set(Attendance.objects.filter(meeting__in=meetings).values_list("member_id", flat=True))
    assert attended and attended <= {m.pk for m in committee}
    # Every other kind is for the whole branch.
    assert Attendance.objects.filter(meeting__org=branch, meeting__kind=MeetingKind.BRANCH_ASSEMBLY,
                                     member=members[-1]).exists()
