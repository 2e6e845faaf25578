"""Demo group study and training: this year's group studies of the branches (most months, most
members present) and a rotation class per district for its branch secretaries — the first
closed, with most completing and some not, leaving gaps in the rotation; a second still open —
and a city class for the new (probationary) members. Rows go in bulk; ``summaries.rebuild()``
(the demo command) fills the org-month summary."""

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from core.bulk import insert_many
from members.models import ACTIVE_STATUSES, Member, MemberStatus
from orgs.models import BRANCH_KINDS, LeadershipMember, Org, OrgLevel, Post
from training import rules
from training.models import (
    Enrolment,
    GroupStudy,
    GroupStudyAttendance,
    GroupStudyKind,
    Target,
    TrainingAttendance,
    TrainingClass,
    TrainingSession,
)

TOPICS = ["学习党的二十届三中全会精神", "学习《中国共产党章程》", "学习《中国共产党支部工作条例（试行）》",
          "学习习近平新时代中国特色社会主义思想专题", "学习党史：伟大建党精神", "学习《中国共产党纪律处分条例》",
          "学习基层治理相关政策", "学习全面从严治党要求"]
SESSIONS = ["党支部工作条例解读", "三会一课规范化建设", "发展党员工作流程", "党员教育管理实务"]
NEW_MEMBER_SESSIONS = ["党章和党的基本知识", "党员的权利和义务", "党的光荣传统和优良作风"]


def _days(today: date) -> tuple[date, date]:
    """A stretch of this year before today for a finished class: about two months ago."""
    start = max(date(today.year, 1, 1), today - timedelta(days=60))
    return start, min(today, start + timedelta(days=2))


def group_studies(rng: random.Random, today: date, *, share: float, attend_share: float) -> tuple[int, int]:
    """Each branch's studies of this year's months (held in ``share`` of them), with ~85 % of its
    active members present at ``attend_share`` of them. Returns (studies, attendances)."""
    members: dict[int, list[int]] = defaultdict(list)
    for member_id, org_id in Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("pk", "org_id"):
        members[org_id].append(member_id)
    branches = Org.objects.filter(kind__in=BRANCH_KINDS, pk__in=list(members)).values_list("pk", flat=True)
    studies: list[GroupStudy] = []
    for org_id in branches:
        for month in range(1, today.month + 1):
            if rng.random() >= share:
                continue
            last = today.day if month == today.month else 28
            studies.append(GroupStudy(org_id=org_id, kind=GroupStudyKind.BRANCH, held_on=date(today.year, month,
                                      rng.randint(1, last)), topic=rng.choice(TOPICS), hours=Decimal(rng.choice("122223")),
                                      materials="学习材料见支部学习资料汇编"))
    GroupStudy.objects.bulk_create(studies, batch_size=1000)
    rows = []
    for study in studies:
        if rng.random() >= attend_share:
            continue
        for member_id in members[study.org_id]:
            if rng.random() < 0.85:
                rows.append({"study_id": study.pk, "member_id": member_id, "org_id": study.org_id,
                             "day": study.held_on, "hours": study.hours})
    return len(studies), insert_many(GroupStudyAttendance, rows)


def run_class(rng: random.Random, org_id: int, title: str, target: str, people: list[tuple[int, int]],
              topics: list[str], starts: date, ends: date, *, closed: bool, present: float = 0.92) -> int:
    """A class of ``people`` (member id, org id) with a session per topic on the days from
    ``starts`` (at most ``ends``), and, ``closed``, completed by those with 80 % of the hours."""
    klass = TrainingClass.objects.create(org_id=org_id, title=title, target=target, cycle_start=starts.year,
                                         cycle_end=starts.year, starts=starts, ends=ends, place="党校")
    enrolments = Enrolment.objects.bulk_create(
        [Enrolment(klass=klass, member_id=m, org_id=o, enrolled_on=starts) for m, o in people], batch_size=1000)
    hours = Decimal("3")
    attended: dict[int, Decimal] = defaultdict(Decimal)
    rows = []
    for n, topic in enumerate(topics):
        day = min(ends, starts + timedelta(days=n))
        session = TrainingSession.objects.create(klass=klass, held_on=day, topic=topic, hours=hours)
        for e in enrolments:
            if rng.random() < present:
                rows.append({"session_id": session.pk, "enrolment_id": e.pk, "member_id": e.member_id,
                             "org_id": e.org_id, "day": day, "hours": hours})
                attended[e.pk] += hours
    insert_many(TrainingAttendance, rows)
    if closed:
        total = hours * len(topics)
        done = [e for e in enrolments if rules.completes(attended[e.pk], total)]
        for number, e in enumerate(done, 1):
            e.completed, e.completed_on, e.certificate_no = True, ends, f"{starts.year}{klass.pk:05d}{number:04d}"
        Enrolment.objects.bulk_update(done, ["completed", "completed_on", "certificate_no"], batch_size=1000)
        TrainingClass.objects.filter(pk=klass.pk).update(closed_on=ends)
    return len(enrolments)


def classes(rng: random.Random, today: date, *, new_member_share: float = 1.0) -> int:
    """Per district: a finished rotation class for about 60 % of its linked branch secretaries and
    an open one for another 15 %; the city's class for new (probationary) members."""
    width = Org.steplen * 2
    districts = {o.path: o for o in Org.objects.filter(level=OrgLevel.DISTRICT)}
    secretaries: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for member_id, org_id, path in LeadershipMember.objects.filter(
            term__ended__isnull=True, post=Post.SECRETARY, member__isnull=False, member__status__in=ACTIVE_STATUSES,
    ).values_list("member_id", "member__org_id", "term__org__path").distinct():
        secretaries[path[:width]].append((member_id, org_id))
    start, end = _days(today)
    enrolled = 0
    for path, district in sorted(districts.items()):
        people = list(dict.fromkeys(secretaries.get(path, [])))
        rng.shuffle(people)
        first, second = people[:int(len(people) * 0.6)], people[int(len(people) * 0.6):int(len(people) * 0.75)]
        if first:
            enrolled += run_class(rng, district.pk, f"{today.year}年度{district.name}党支部书记轮训班（第一期）",
                                  Target.SECRETARIES, first, SESSIONS[:3], start, end, closed=True)
        if second:
            enrolled += run_class(rng, district.pk, f"{today.year}年度{district.name}党支部书记轮训班（第二期）",
                                  Target.SECRETARIES, second, SESSIONS[3:], today, date(today.year, 12, 31), closed=False)
    city = Org.objects.get(depth=1)
    probationary = list(Member.objects.filter(status=MemberStatus.PROBATIONARY).values_list("pk", "org_id"))
    probationary = [p for p in probationary if rng.random() < new_member_share]
    if probationary:
        enrolled += run_class(rng, city.pk, f"{today.year}年度新党员培训班", Target.NEW_MEMBERS, probationary,
                              NEW_MEMBER_SESSIONS, start, end, closed=True)
    return enrolled


def load(rng: random.Random, *, share: float = 0.8, attend_share: float = 1.0, new_member_share: float = 1.0) -> dict:
    today = timezone.localdate()
    studies, attendances = group_studies(rng, today, share=share, attend_share=attend_share)
    return {"group_studies": studies, "attendances": attendances,
            "enrolments": classes(rng, today, new_member_share=new_member_share)}
