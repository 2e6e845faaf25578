"""Members without organizational life (党章第九条): a member who, without good reason, takes no
part in the party's organizational life for six months in a row is regarded as having left the
party. From the attendance records: the last meeting a member attended or asked leave from (a
reason given), counted where the record is submitted or approved; a member with none is counted
from joining the party or, if later, from the archive's registration on the platform. The
secretary is warned at four and five months; at six the member is listed red for the branch to
act on (talk with them, help them, or begin the procedure)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Max
from django.utils import timezone

from core.access import get_scope, minimal_paths
from core.dates import add_months
from members.models import Member
from orglife.models import COUNTED_STATES, Attendance, AttendanceStatus
from orgs.models import MEMBERSHIP_KINDS, Org

WARN_MONTHS = 4  # the secretary is warned from four months
LAPSE_MONTHS = 6  # 党章第九条: six months in a row
SOURCE = "党章第九条：党员没有正当理由，连续六个月不参加党的组织生活，就被认为是自行脱党"


@dataclass(frozen=True)
class Absentee:
    member: Member
    since: date  # the last meeting attended (or asked leave from), or joining / registration
    attended: bool  # ``since`` is a meeting, not joining or registration
    months: int

    @property
    def level(self) -> str:
        return "red" if self.months >= LAPSE_MONTHS else "yellow"


def whole_months(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end``: the largest m with start + m months <= end (the
    31st of a shorter month falls on its last day)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def months_without(org: Org, today: date) -> dict[int, Absentee]:
    """Every active member of the org itself, by pk: since when and for how many whole months they
    have taken no part in organizational life (0 for a member who took part this month). Dues'
    arrears list shows it beside the months unpaid: 党章第九条 names both."""
    members = list(Member.objects.filter(org=org).active().order_by("name"))
    last = dict(Attendance.objects.filter(member__in=members, meeting__state__in=COUNTED_STATES,
                                          status__in=(AttendanceStatus.PRESENT, AttendanceStatus.LEAVE))
                .values("member_id").annotate(last=Max("meeting__held_on")).values_list("member_id", "last"))
    found = {}
    for member in members:
        attended = last.get(member.pk)
        since = attended or max(member.joined, timezone.localdate(member.created))
        found[member.pk] = Absentee(member, since, attended is not None, whole_months(since, today))
    return found


def absentees(org: Org, today: date) -> list[Absentee]:
    """The org's own active members four months or more without organizational life, longest first."""
    found = [row for row in months_without(org, today).values() if row.months >= WARN_MONTHS]
    return sorted(found, key=lambda a: (-a.months, a.member.name))


BRANCHES_WARNED_MAX = 5  # a secretary's or a few branches' own warning; above that, the page


def warnings_for(user, today: date) -> list[tuple[Org, int, int]]:
    """For the branches the user records meetings of as their own scope (a secretary's branch):
    (branch, members four months or more without organizational life, of whom six or more)."""
    paths = minimal_paths(get_scope(user).paths_for("orglife.change"))
    branches = list(Org.objects.filter(path__in=paths, kind__in=MEMBERSHIP_KINDS)
                    .order_by("path")[:BRANCHES_WARNED_MAX])
    found = []
    for branch in branches:
        rows = absentees(branch, today)
        if rows:
            found.append((branch, len(rows), sum(1 for row in rows if row.level == "red")))
    return found
