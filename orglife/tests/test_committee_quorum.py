"""A branch committee meeting is held with more than half of its members present (《支部工作条例》
第十二条): a record whose present committee members are half or fewer of the term's committee is not
submitted, with the rule's message, and nothing changes."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from orglife import services
from orglife.models import MeetingKind, MeetingState
from orglife.tests.helpers import add_full_members, record, state
from orgs import services as org_services


@pytest.fixture
def committee(world):
    """Branch A1 with seven full members or more (a committee) and a term of three: 李建国 (the
    secretary's own archive), 张秀英 and a third member."""
    add_full_members(world.branch_a1, 6)
    org_services.term_create(actor=world.users["a_admin"], org=world.branch_a1, started=date(2024, 1, 1),
                             members=[("secretary", "李建国"), ("organization", "张秀英"), ("propaganda", "委员0")])


def test_a_committee_meeting_with_one_of_three_present_is_not_submitted(world, committee):
    meeting = record(world, kind=MeetingKind.COMMITTEE_MEETING, attendees=("a1_secretary",), host="李建国")
    before = state()
    with pytest.raises(ValidationError) as info:
        services.meeting_submit(actor=world.users["secretary"], meeting=meeting)
    message = info.value.message_dict["attendance"][0]
    assert "支部委员会会议须有半数以上委员到会方能召开（《中国共产党支部工作条例（试行）》第十二条）" in message
    assert "委员3名，登记出席的委员1名" in message
    assert state() == before


def test_two_of_three_present_is_a_quorum(world, committee):
    meeting = record(world, kind=MeetingKind.COMMITTEE_MEETING, attendees=("a1_secretary", "a1_member"))
    submitted = services.meeting_submit(actor=world.users["secretary"], meeting=meeting)
    assert submitted.state == MeetingState.SUBMITTED


def test_the_term_in_office_on_the_day_is_the_committee(world, committee):
    """A term that began after the meeting does not count; before any term, nothing to check."""
    meeting = record(world, kind=MeetingKind.COMMITTEE_MEETING, attendees=("a1_secretary",),
                     held_on=date(2023, 6, 1))
    assert services.meeting_submit(actor=world.users["secretary"], meeting=meeting).state == MeetingState.SUBMITTED
    assert timezone.localdate() > date(2024, 1, 1)
