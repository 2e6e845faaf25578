"""A committee (党委, 党工委, 党总支) records the lectures its secretary gives (条例第十五条) — and no
other kind of meeting, which its branches record; it is not among the compliance holders."""

import pytest
from django.core.exceptions import ValidationError

from orglife import services
from orglife.models import MeetingKind, MeetingState
from orglife.tests.helpers import record, state


def test_a_district_committee_records_and_submits_its_secretarys_lecture(world):
    lecture = record(world, actor="a_admin", org=world.district_a, kind=MeetingKind.LECTURE, attendees=(),
                     lecturer="区委书记", by_secretary=True, topic="学习党的二十届四中全会精神")
    submitted = services.meeting_submit(actor=world.users["a_admin"], meeting=lecture)
    assert submitted.state == MeetingState.SUBMITTED  # the branches record their own attendance
    form = world.client("a_admin").get(f"/orglife/new/?org={world.district_a.pk}").content.decode()
    assert 'value="lecture"' in form and 'value="theme_day"' not in form


def test_a_committee_records_no_other_kind_of_meeting(world):
    before = state()
    with pytest.raises(ValidationError) as info:
        record(world, actor="a_admin", org=world.street_a, kind=MeetingKind.THEME_DAY, attendees=())
    assert "只录入党课（书记讲党课，《中国共产党支部工作条例（试行）》第十五条）" in info.value.message_dict["kind"][0]
    assert state() == before


def test_a_branch_lecture_still_needs_its_attendance(world):
    lecture = record(world, kind=MeetingKind.LECTURE, attendees=(), lecturer="李建国")
    with pytest.raises(ValidationError) as info:
        services.meeting_submit(actor=world.users["secretary"], meeting=lecture)
    assert "请先登记出席情况" in info.value.message_dict["attendance"][0]


def test_the_branch_secretarys_lecture_is_a_local_setting(world):
    """Counted by default; a region that requires it of committee secretaries only turns it off."""
    from django.utils import timezone

    from orglife.selectors import compliance_items
    from orgs.models import OrgSetting

    today = timezone.localdate()

    def keys():
        return {item.requirement.key for item in compliance_items(world.district_a, month=today)[world.branch_a1.pk]}

    assert "secretary_lecture" in keys()
    OrgSetting.objects.create(org=world.district_a, key="orglife_branch_secretary_lecture", value=False)
    assert "secretary_lecture" not in keys() and "lecture" in keys()
