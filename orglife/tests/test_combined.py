"""Combined meetings (《支部工作条例》第十七条、第十九条): a 组织生活会 held as a branch assembly, and a
民主评议党员 held with the 组织生活会, count for each kind they are — the summary, the compliance
figures and the rebuild agree; a combination the rules do not know is refused, nothing written."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import summaries
from orglife import services
from orglife import summaries as meeting_months
from orglife.models import MeetingKind, MeetingMonth
from orglife.tests.helpers import record, state


def _held(org, kind, month):
    row = MeetingMonth.objects.filter(org=org, kind=kind, month=month).first()
    return row.held if row else 0


def test_a_review_meeting_held_as_the_branch_assembly_counts_for_both(world):
    held_on = timezone.localdate() - timedelta(days=3)
    meeting = record(world, kind=MeetingKind.REVIEW_MEETING, also_kind=MeetingKind.BRANCH_ASSEMBLY, held_on=held_on)
    services.meeting_submit(actor=world.users["secretary"], meeting=meeting)
    month = held_on.replace(day=1)
    assert _held(world.branch_a1, MeetingKind.REVIEW_MEETING, month) == 1
    assert _held(world.branch_a1, MeetingKind.BRANCH_ASSEMBLY, month) == 1
    assert not summaries.check([meeting_months.NAME])[0]
    page = world.client("secretary").get(meeting.get_absolute_url()).content.decode()
    assert "组织生活会（同时作为支部党员大会）" in page


def test_changing_the_combination_moves_the_count(world):
    held_on = timezone.localdate() - timedelta(days=3)
    meeting = record(world, kind=MeetingKind.APPRAISAL, also_kind=MeetingKind.REVIEW_MEETING, held_on=held_on)
    services.meeting_submit(actor=world.users["secretary"], meeting=meeting)
    services.meeting_review_return(actor=world.users["a_admin"], meeting=meeting, comment="请补充评议结果")
    services.meeting_update(actor=world.users["secretary"], meeting=meeting, also_kind="")
    month = held_on.replace(day=1)
    assert _held(world.branch_a1, MeetingKind.REVIEW_MEETING, month) == 0
    assert _held(world.branch_a1, MeetingKind.APPRAISAL, month) == 1
    assert not summaries.check([meeting_months.NAME])[0]


@pytest.mark.parametrize("kind, also, fragment", [
    (MeetingKind.THEME_DAY, MeetingKind.BRANCH_ASSEMBLY, "主题党日不能同时作为支部党员大会计入"),
    (MeetingKind.REVIEW_MEETING, MeetingKind.LECTURE, "可合并召开的："),
    (MeetingKind.REVIEW_MEETING, MeetingKind.COMMITTEE_MEETING, "不设支部委员会"),  # A1 has two full members
])
def test_a_combination_the_rules_do_not_know_is_refused(world, kind, also, fragment):
    before = state()
    with pytest.raises(ValidationError) as info:
        record(world, kind=kind, also_kind=also)
    assert fragment in info.value.message_dict["also_kind"][0]
    assert state() == before
