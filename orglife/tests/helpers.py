"""Shared helpers of the orglife tests: a meeting recorded the documented way, counted meetings
inserted directly for compliance figures, a committee-sized branch, and a snapshot of everything
a refused action could have written."""

from datetime import date, time, timedelta
from itertools import count

from django.db.models import Q
from django.utils import timezone

from core.models import AuditEntry
from members import summaries as member_counts
from members.models import Member, MemberEvent, MemberStatus
from orglife import services
from orglife import summaries as meeting_months
from orglife.models import (
    Attachment,
    Attendance,
    CopyFlag,
    Meeting,
    MeetingKind,
    MeetingState,
    MinutesBand,
    ReviewRound,
    Topic,
    TopicVote,
)

MINUTES = ("会议由支部书记主持，传达学习了上级关于加强基层党组织建设的文件精神。与会党员结合本职工作交流了学习体会，"
           "大家一致认为要把学习成果转化为推动社区治理的实际行动。会议研究了下季度志愿服务安排。")
_tokens = count(1)


def record(world, *, actor="secretary", org=None, kind=MeetingKind.THEME_DAY, held_on=None,
           minutes=MINUTES, attendees=("a1_member",), **extra) -> Meeting:
    """A meeting recorded through the service, by default a theme day of branch A1 last week."""
    fields = {"place": "党员活动室", "host": "李建国", "recorder": "张秀英", "topic": "学习贯彻上级精神", **extra}
    return services.meeting_create(
        actor=world.users[actor], org=org or world.branch_a1, kind=kind,
        held_on=held_on or timezone.localdate() - timedelta(days=7), minutes=minutes,
        attendees=[world.members[key] for key in attendees], **fields)


def counted(org, kind, held_on, *, state=MeetingState.SUBMITTED, by_secretary=False) -> Meeting:
    """A meeting row as compliance reads it (test data, not a workflow), counted in the summary
    table as the services would count it."""
    meeting = Meeting.objects.create(
        org=org, kind=kind, held_on=held_on, start_time=time(9), place="会议室", host="甲", recorder="乙",
        topic="主题", minutes="记录", state=state, by_secretary=by_secretary, signin_token=f"t{next(_tokens)}",
        signin_opens=_aware(held_on, 8), signin_closes=_aware(held_on, 11))
    meeting_months.moved(None, meeting_months.place(meeting))
    return meeting


def _aware(day, hour):
    from datetime import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(hour)))


def add_full_members(org, n: int, *, start: int = 0) -> list[Member]:
    """``n`` full members in ``org`` (rows written in bulk, their count added to the member
    summary as the roster import does; ID fields are placeholders)."""
    members = []
    for i in range(start, start + n):
        member = Member(org=org, gender="male", birth_date=date(1980, 1, 1), status=MemberStatus.FULL,
                        joined=date(2005, 7, 1), id_number_cipher="x", id_number_index=f"idx-{org.pk}-{i}",
                        id_number_masked="1201**********0000")
        member.set_name(f"委员{i}")
        members.append(member)
    created = Member.objects.bulk_create(members)
    member_counts.moved_many([(None, (org.pk, MemberStatus.FULL))] * n)
    return created


def state():
    """Everything a refused orglife action could have written."""
    return (
        sorted(Meeting.objects.values_list("pk", "state", "held_on", "topic", "minutes", "place")),
        sorted(Attendance.objects.values_list("pk", "member_id", "status", "reason", "how")),
        sorted(ReviewRound.objects.values_list("pk", "decision", "comment")),
        Attachment.objects.count(), CopyFlag.objects.count(), MinutesBand.objects.count(),
        sorted(Topic.objects.values_list("pk", "state")), TopicVote.objects.count(), MemberEvent.objects.count(),
        AuditEntry.objects.filter(Q(action__startswith="orglife.")).count(),
    )
