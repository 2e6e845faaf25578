"""Group study and training reads: who may be recorded at an org's group study, the classes and
studies a user sees, a class's enrolments with the hours attended, the counts of a subtree from
the summary rows, a member's own record, and rotation coverage (轮训) per child org with the list
of those still to train."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from core.access import subtree_q
from members.models import ACTIVE_STATUSES, Member, MemberStatus
from orgs.models import LeadershipMember, Org, Post
from training.models import (
    Enrolment,
    GroupStudy,
    GroupStudyAttendance,
    Target,
    TrainingAttendance,
    TrainingClass,
    TrainingOrgMonth,
)
from training.summaries import VALUES

MAX_TO_TRAIN = 500  # names listed as still to train (the page and the API say when there are more)


def group_study_candidates(org: Org):
    """Who may be recorded at ``org``'s group study: its own active members and the members who
    hold a post on its current leadership team (a committee's 中心组 are its team)."""
    team = LeadershipMember.objects.filter(term__org=org, term__ended__isnull=True, member__isnull=False)
    return (Member.objects.filter(Q(org=org) | Q(pk__in=team.values("member_id")), status__in=ACTIVE_STATUSES)
            .select_related("org").order_by("name", "pk"))


def group_studies(user):
    return GroupStudy.objects.visible_to(user, "view").select_related("org")


def classes(user):
    return TrainingClass.objects.visible_to(user, "view").select_related("org")


@dataclass(frozen=True)
class EnrolmentRow:
    enrolment: Enrolment
    attended: Decimal


def class_hours(klass: TrainingClass) -> Decimal:
    return klass.sessions.aggregate(h=Sum("hours"))["h"] or Decimal("0")


def enrolment_rows(klass: TrainingClass) -> list[EnrolmentRow]:
    """The class's enrolments with the class hours each attended (one grouped aggregate)."""
    attended = dict(TrainingAttendance.objects.filter(enrolment__klass=klass).order_by().values("enrolment_id")
                    .annotate(h=Sum("hours")).values_list("enrolment_id", "h"))
    return [EnrolmentRow(e, attended.get(e.pk) or Decimal("0"))
            for e in klass.enrolments.select_related("member", "org").order_by("org__path", "member__name", "pk")]


def enrolment_hours(enrolment: Enrolment) -> Decimal:
    """The class hours one enrolled member attended."""
    return (TrainingAttendance.objects.filter(enrolment=enrolment).aggregate(h=Sum("hours"))["h"]
            or Decimal("0"))


def counts(org: Org, start: date, end: date) -> dict[str, int]:
    """The subtree's group studies, attendances and training person-times in the months from
    ``start`` to ``end``, from the summary rows."""
    found = TrainingOrgMonth.objects.filter(subtree_q("org__path", org.path), month__range=(start, end)).aggregate(
        **{name: Sum(name) for name in VALUES})
    return {name: found[name] or 0 for name in VALUES}


def children_counts(org: Org, children: list[Org], start: date, end: date) -> list[tuple[Org, dict]]:
    """Each child's subtree counts: one grouped query over the summary rows of ``org``'s subtree."""
    width = len(org.path) + Org.steplen
    totals: dict[str, dict] = defaultdict(lambda: dict.fromkeys(VALUES, 0))
    rows = TrainingOrgMonth.objects.filter(subtree_q("org__path", org.path), month__range=(start, end)).values_list(
        "org__path", *VALUES)
    for path, *values in rows:
        for name, value in zip(VALUES, values, strict=True):
            totals[path[:width]][name] += value
    return [(child, totals[child.path]) for child in children]


def member_hours(member_ids: list[int], start: date, end: date) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """Class hours from group study and from training sessions per member in a period: two grouped
    aggregates over the attendance rows (learning.selectors adds them to a member's year)."""
    group = dict(GroupStudyAttendance.objects.filter(member_id__in=member_ids, day__range=(start, end)).order_by()
                 .values("member_id").annotate(h=Sum("hours")).values_list("member_id", "h"))
    training = dict(TrainingAttendance.objects.filter(member_id__in=member_ids, day__range=(start, end)).order_by()
                    .values("member_id").annotate(h=Sum("hours")).values_list("member_id", "h"))
    return group, training


def my_enrolments(member: Member):
    return Enrolment.objects.filter(member=member).select_related("klass__org").order_by("-klass__starts")


def my_group_studies(member: Member, year: int):
    return (GroupStudyAttendance.objects.filter(member=member, day__year=year).select_related("study__org")
            .order_by("-day"))


# --- rotation coverage (轮训) -------------------------------------------------------------------

def target_people(org: Org, target: str):
    """(member id, org path) of the target group in ``org``'s subtree: for secretaries and team
    members, the members linked to a post on a current leadership team of an org of the subtree
    (the path is the led org's); for new members, the probationary members; for all, the active
    members (the path is their org's)."""
    if target in (Target.SECRETARIES, Target.CADRES):
        posts = LeadershipMember.objects.filter(subtree_q("term__org__path", org.path), term__ended__isnull=True,
                                                member__isnull=False, member__status__in=ACTIVE_STATUSES)
        if target == Target.SECRETARIES:
            posts = posts.filter(post=Post.SECRETARY)
        return posts.order_by("term__org__path").values_list("member_id", "term__org__path")
    members = Member.objects.filter(subtree_q("org__path", org.path))
    members = members.filter(status=MemberStatus.PROBATIONARY) if target == Target.NEW_MEMBERS else \
        members.filter(status__in=ACTIVE_STATUSES)
    return members.order_by("org__path").values_list("pk", "org__path")


def unlinked_posts(org: Org, target: str) -> int:
    """Posts of the target group entered by name only (no member record): they cannot be tracked."""
    if target not in (Target.SECRETARIES, Target.CADRES):
        return 0
    posts = LeadershipMember.objects.filter(subtree_q("term__org__path", org.path), term__ended__isnull=True,
                                            member__isnull=True)
    return (posts.filter(post=Post.SECRETARY) if target == Target.SECRETARIES else posts).count()


def trained_ids(target: str, cycle_start: int, cycle_end: int) -> set[int]:
    """Members who completed a class for ``target`` in the cycle (a class whose cycle lies within
    it), wherever they were trained (a district's secretary may be trained by the city's class)."""
    done = Enrolment.objects.filter(completed=True, klass__target=target, klass__cycle_start__gte=cycle_start,
                                    klass__cycle_end__lte=cycle_end)
    return set(done.values_list("member_id", flat=True))


@dataclass
class Coverage:
    org: Org
    people: int = 0
    trained: int = 0

    @property
    def untrained(self) -> int:
        return self.people - self.trained

    @property
    def percent(self) -> int:
        return int(self.trained * 100 / self.people) if self.people else 100


def rotation(org: Org, children: list[Org], target: str, cycle_start: int, cycle_end: int):
    """Rotation coverage of ``target`` for the cycle: the org's total, each child's, and the
    members still to train (at most MAX_TO_TRAIN, by org and name) with how many there are.
    Bounded by the target group's size in the subtree (one org has one secretary): three queries."""
    people = list(target_people(org, target))
    trained = trained_ids(target, cycle_start, cycle_end)
    width = len(org.path) + Org.steplen
    total, by_child = Coverage(org), {child.path: Coverage(child) for child in children}
    seen: set[int] = set()
    to_train: list[int] = []
    for member_id, path in people:
        if member_id in seen:  # one person holding two posts counts once
            continue
        seen.add(member_id)
        done = member_id in trained
        for coverage in (total, by_child.get(path[:width])):
            if coverage is not None:
                coverage.people += 1
                coverage.trained += done
        if not done:
            to_train.append(member_id)
    names = list(Member.objects.filter(pk__in=to_train[:MAX_TO_TRAIN]).select_related("org")
                 .order_by("org__path", "name", "pk")[:MAX_TO_TRAIN])
    return total, list(by_child.values()), names, len(to_train)


def year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def enrolled_counts(klass_ids) -> dict[int, int]:
    return dict(Enrolment.objects.filter(klass_id__in=klass_ids).order_by().values("klass_id")
                .annotate(n=Count("pk")).values_list("klass_id", "n"))
