"""Learning reads: the courses a member may study, a member's class hours (学时) for a year
against what they owe, the members behind, and the roll-ups of a subtree from the summary rows."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from core.access import subtree_q
from core.registry import BulletinPart
from learning import rules
from learning.models import Channel, Course, OfflineHours, StudyDay, StudyItem, StudyOrgYear
from members.models import ACTIVE_STATUSES, Member, MemberCount
from orglife.models import COUNTED_STATES, Attendance, AttendanceStatus, MeetingKind
from orgs.models import LeadershipMember, Org
from orgs.rules import local_setting
from orgs.selectors import rollup
from training import selectors as training_selectors

# A party lecture (党课) attended counts this many class hours (a half day, as training schedules
# count it); a platform value, no regulation sets it.
LECTURE_HOURS = Decimal("2")


@dataclass(frozen=True)
class Hours:
    """A member's class hours for a year, by source, against what they owe."""

    online: Decimal
    lectures: Decimal
    offline: Decimal
    required: int
    group: Decimal = Decimal("0")  # group study attended (training.GroupStudyAttendance)
    training: Decimal = Decimal("0")  # training sessions attended (training.TrainingAttendance)

    @property
    def total(self) -> Decimal:
        return self.online + self.lectures + self.offline + self.group + self.training

    @property
    def behind(self) -> bool:
        return self.total < self.required

    @property
    def percent(self) -> int:
        return min(100, int(self.total * 100 / self.required)) if self.required else 100


def _hours(seconds: int | None) -> Decimal:
    return (Decimal(seconds or 0) / rules.SECONDS_PER_HOUR).quantize(Decimal("0.1"))


def cadre_ids(members) -> set[int]:
    """Members who sit on a current leadership team (branch secretaries and committee members): by
    the post's member link, or — a team entered by names only — by name within the member's org."""
    members = list(members)
    posts = LeadershipMember.objects.filter(term__ended__isnull=True).filter(
        Q(member__in=members) | Q(member__isnull=True, name__in={m.name for m in members},
                                  term__org_id__in={m.org_id for m in members}))
    linked, named = set(), set()
    for member_id, name, org_id in posts.values_list("member_id", "name", "term__org_id"):
        if member_id:
            linked.add(member_id)
        else:
            named.add((name, org_id))
    return {m.pk for m in members if m.pk in linked or (m.name, m.org_id) in named}


def required_hours(org: Org, cadre: bool) -> int:
    return int(local_setting(org, "learning_hours_cadre" if cadre else "learning_hours_member"))


def member_hours(member: Member, year: int) -> Hours:
    return members_hours([member], year)[member.pk]


def members_hours(members, year: int) -> dict[int, Hours]:
    """Class hours of ``members`` (of one org or a few) for ``year``: five grouped aggregates,
    whatever the number of members."""
    ids = [m.pk for m in members]
    start, end = date(year, 1, 1), date(year, 12, 31)
    online = dict(StudyDay.objects.filter(member_id__in=ids, day__range=(start, end)).order_by()
                  .values("member_id").annotate(s=Sum("seconds")).values_list("member_id", "s"))
    lectures = dict(Attendance.objects.filter(
        member_id__in=ids, status=AttendanceStatus.PRESENT, meeting__kind=MeetingKind.LECTURE,
        meeting__state__in=COUNTED_STATES, meeting__held_on__range=(start, end),
    ).order_by().values("member_id").annotate(n=Count("id")).values_list("member_id", "n"))
    offline = dict(OfflineHours.objects.filter(member_id__in=ids, day__range=(start, end)).order_by()
                   .values("member_id").annotate(h=Sum("hours")).values_list("member_id", "h"))
    group, training = training_selectors.member_hours(ids, start, end)
    cadres = cadre_ids(members)
    required: dict[tuple[int, bool], int] = {}
    result = {}
    for m in members:
        key = (m.org_id, m.pk in cadres)
        if key not in required:
            required[key] = required_hours(m.org, key[1])
        result[m.pk] = Hours(_hours(online.get(m.pk)), LECTURE_HOURS * lectures.get(m.pk, 0),
                             Decimal(offline.get(m.pk) or 0), required[key], Decimal(group.get(m.pk) or 0),
                             Decimal(training.get(m.pk) or 0))
    return result


def org_progress(org: Org, year: int) -> list[tuple[Member, Hours]]:
    """The active members of ``org`` (its own members) with their hours, those behind first."""
    members = list(Member.objects.filter(org=org, status__in=ACTIVE_STATUSES).select_related("org").order_by("name"))
    hours = members_hours(members, year)
    return sorted(((m, hours[m.pk]) for m in members), key=lambda pair: (not pair[1].behind, pair[0].name))


def org_year_hours(org: Org, year: int) -> Decimal:
    """Online study hours of ``org``'s whole subtree in ``year``, from the summary rows."""
    seconds = StudyOrgYear.objects.filter(subtree_q("org__path", org.path), year=year).aggregate(
        s=Sum("seconds"))["s"]
    return _hours(seconds)


def children_hours(org: Org, children: list[Org], year: int) -> list[tuple[Org, Decimal]]:
    """Each child's subtree online hours: one query over the summary rows of ``org``'s subtree."""
    seconds: dict[str, int] = {}
    rows = StudyOrgYear.objects.filter(subtree_q("org__path", org.path), year=year).values_list("org__path", "seconds")
    width = len(org.path) + Org.steplen
    for path, value in rows:
        seconds[path[:width]] = seconds.get(path[:width], 0) + value
    return [(child, _hours(seconds.get(child.path))) for child in children]


def channels_for(user):
    return Channel.objects.visible_to(user, "view").select_related("org", "parent__parent")


def channel_tree(user) -> list[Channel]:
    """The channels the user sees, in tree order (each followed by its children)."""
    nodes = list(channels_for(user).order_by("depth", "name", "pk")[:500])
    below: dict[int | None, list[Channel]] = {}
    for node in nodes:
        below.setdefault(node.parent_id, []).append(node)
    ordered: list[Channel] = []

    def walk(parent_id):
        for node in below.get(parent_id, []):
            ordered.append(node)
            walk(node.pk)
    walk(None)
    return ordered


def channel_and_below(channel: Channel) -> list[int]:
    """The channel's id and those of every channel under it (three levels at most: two queries)."""
    ids, level = [channel.pk], [channel.pk]
    while level:
        level = list(Channel.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        ids.extend(level)
    return ids


def channels_for_org(user, org: Org):
    """The channels a course or a channel of ``org`` may be filed under: of the org or above it."""
    return channels_for(user).filter(org__path__in=org.ancestor_paths())


def courses_for(user, *, year: int | None = None):
    return (Course.objects.visible_to(user, "view").filter(published=True)
            .select_related("org", "channel__parent__parent"))


def required_courses(user, member: Member, year: int):
    """The member's required courses (必学) of the year: for all members, and for their group."""
    groups = ["all"] + (["probationary"] if member.status == "probationary" else [])
    if cadre_ids([member]):
        groups.append("secretaries")
    return courses_for(user).filter(year=year, required_for__in=groups)


def continue_item(member: Member) -> tuple[StudyItem, float] | None:
    """Where the member stopped last: the item and the position of their latest study row."""
    row = (StudyDay.objects.filter(member=member, completed=False).select_related("item__course")
           .order_by("-day", "-pk").first())
    return (row.item, row.position) if row else None


def refused_counts(org: Org, start: date, end: date) -> dict[str, int]:
    """Refused heartbeats in ``org``'s subtree by reason (suspicious patterns)."""
    from learning.models import RefusedBeat

    return dict(RefusedBeat.objects.filter(subtree_q("org__path", org.path), day__range=(start, end)).order_by()
                .values("reason").annotate(n=Count("id")).values_list("reason", "n"))



# --- the quarterly bulletin (oversight's 季度通报, core.registry.register_bulletin_section) -------------


def bulletin_part(root: Org, children: list[Org], start: date, end: date, as_of: date):
    """在线学习 for a bulletin, per child org: the year's online study hours up to the quarter's
    end (the summary keeps a year per org), the active members and the hours per member."""
    orgs = [root, *children]
    seconds = rollup(orgs, StudyOrgYear.objects.filter(year=end.year), "org__path", {"seconds": Sum("seconds")},
                     group_by_prefix=True)
    members = rollup(orgs, MemberCount.objects.filter(status__in=ACTIVE_STATUSES), "org__path",
                     {"members": Sum("total")}, group_by_prefix=True)

    def of(org: Org) -> dict:
        hours, people = _hours(seconds[org.pk]["seconds"]), members[org.pk]["members"] or 0
        return {"hours": float(hours), "members": people,
                "per_member": round(float(hours) / people, 1) if people else None}
    total = of(root)
    return BulletinPart(
        columns=[("hours", "在线学习学时"), ("members", "党员（人）"), ("per_member", "人均学时")],
        rows={child.pk: of(child) for child in children}, total=total, rank_by="per_member", higher_better=True,
        text=(f"{end.year}年以来，{root.name}党员在线学习{total['hours']:g}学时，"
              f"人均{total['per_member'] if total['per_member'] is not None else 0:g}学时。"),
        basis=(f"learning_studyorgyear（在线学习时长年度汇总，随学习记录同一事务更新）：{root.name}及其下级党组织，"
               f"{end.year}年1月1日起至生成时；党员人数取 members_membercount 的正式和预备党员（生成时）"))
