"""Demo organizational life: a year of meetings for the demo's branches and party groups, with
realistic gaps (diligent, patchy and lax branches, so compliance shows green, yellow and red),
attendance, review rounds (a few returned and resubmitted), two near-copies flagged, a requested
lecture with votes and a travelling lecture; upcoming drafts for the demo secretary's branch.

Rows are written directly in bulk (the demo builds history, not workflows)."""

import random
import secrets
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from core import summaries
from core.bulk import insert_many
from members.models import ACTIVE_STATUSES, Member, MemberStatus
from members.services import record_event
from orglife import copydetect, grammar, rules
from orglife import summaries as meeting_months
from orglife.models import (
    Attendance,
    AttendanceStatus,
    CopyFlag,
    Meeting,
    MeetingKind,
    MeetingState,
    MinutesBand,
    MinutesFingerprint,
    ReviewDecision,
    ReviewRound,
    Topic,
    TopicState,
    TopicVote,
)
from orgs.models import BRANCH_KINDS, LeadershipMember, Org

MONTHS = 13  # the current month and the twelve before it
PLACES = ("党员活动室", "社区会议室", "党群服务中心", "会议室")
REASONS = ("因病请假", "外出学习", "出差", "照顾家人", "工作冲突")
SECRETARY_BRANCH = "HP01C01B01"  # accounts.demo's secretary and member


def _held_on(rng, start: date, end: date, today: date) -> date | None:
    last = min(end, today - timedelta(days=1))
    if last < start:
        return None
    return start + timedelta(days=rng.randrange((last - start).days + 1))


def _plan(rng, org: Org, full: int, diligence: float, today: date) -> list[tuple[str, date, bool]]:
    """(kind, date, by secretary) of the meetings the org held in the last year."""
    held = []
    for requirement in rules.REQUIREMENTS:
        if requirement.by_secretary or not rules.holds(requirement, org.kind, full):
            continue
        period = requirement.period or rules.QUARTER
        seen = set()
        for back in range(MONTHS):
            index = today.year * 12 + today.month - 1 - back
            start, end = rules.period_bounds(period, date(index // 12, index % 12 + 1, 1))
            if start in seen or start < org.founded:
                continue
            seen.add(start)
            current = start <= today <= end
            if rng.random() > diligence * (0.6 if current else 1.0):
                continue  # a gap
            day = _held_on(rng, start, end, today)
            if day is not None:
                held.append((requirement.kind, day, requirement.kind == MeetingKind.LECTURE and rng.random() < 0.3))
    return held


def load(rng: random.Random) -> None:
    today = timezone.localdate()
    holders = list(Org.objects.filter(kind__in=rules.HOLDER_KINDS).order_by("path"))
    if not holders:
        return
    members = {}
    for member in Member.objects.filter(status__in=ACTIVE_STATUSES).only("pk", "org_id", "name", "status"):
        members.setdefault(member.org_id, []).append(member)
    full = dict(Member.objects.filter(status=MemberStatus.FULL).values("org_id").annotate(n=Count("id"))
                .values_list("org_id", "n"))
    reviewer = User.objects.filter(username="city_admin").first()
    committees = _committees()
    rows, texts = [], []
    for org in holders:
        branch_id = org.pk if org.kind in BRANCH_KINDS else None
        own = members.get(branch_id, [])
        names = [m.name for m in own[:8]] or ["王建国", "李秀英"]
        diligence = 1.0 if org.code == SECRETARY_BRANCH else rng.choice((0.97, 0.97, 0.95, 0.8, 0.8, 0.55))
        for kind, held_on, by_secretary in _plan(rng, org, full.get(org.pk, 0), diligence, today):
            if kind == MeetingKind.COMMITTEE_MEETING and not committees.get(org.pk):
                continue  # no committee recorded: none meets (and compliance shows it red)
            age = (today - held_on).days
            state = (MeetingState.APPROVED if age > 30 else MeetingState.SUBMITTED if age > 3 or rng.random() < 0.5
                     else MeetingState.DRAFT)
            rows.append(_row(rng, org, kind, held_on, state, names, by_secretary))
            texts.append((org, names))
    secretary_branch = Org.objects.filter(code=SECRETARY_BRANCH).first()
    if secretary_branch is not None:  # upcoming drafts: sign-in can be tried on them
        names = [m.name for m in members.get(secretary_branch.pk, [])[:8]] or ["王建国"]
        for days, kind in ((0, MeetingKind.THEME_DAY), (7, MeetingKind.BRANCH_ASSEMBLY)):
            rows.append(_row(rng, secretary_branch, kind, today + timedelta(days=days), MeetingState.DRAFT, names,
                             False, start=time(19, 0) if days == 0 else time(9, 0)))
            texts.append((secretary_branch, names))
    last = Meeting.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    insert_many(Meeting, rows)
    meetings = list(Meeting.objects.filter(pk__gt=last).order_by("pk")
                    .only("pk", "org_id", "kind", "state", "held_on", "start_time"))
    _attendance(rng, meetings, members, committees)
    _index(meetings, texts)
    _rounds(rng, meetings, reviewer)
    _copies(rng, meetings, texts)
    _lectures(rng, secretary_branch, members, today)
    # The rows above were inserted in bulk, not through the services: the summaries are computed once.
    summaries.rebuild([meeting_months.NAME, meeting_months.PERIODS_NAME])


def _row(rng, org, kind, held_on, state, names, by_secretary, start=time(9, 0)) -> dict:
    starts = timezone.make_aware(datetime.combine(held_on, start))
    label = MeetingKind(kind).label
    return {
        "org_id": org.pk, "kind": kind, "state": state, "held_on": held_on, "start_time": start,
        "place": rng.choice(PLACES), "host": names[0], "recorder": names[-1],
        "topic": rng.choice(grammar.SLOTS["doc"]).strip("《》") if kind != MeetingKind.TALK else "谈心谈话",
        "minutes": "" if state == MeetingState.DRAFT and held_on >= timezone.localdate() else grammar.minutes(
            rng, org=org.name, names=names, held_on=held_on, kind=label),
        "decisions": rng.choice(grammar.SLOTS["decision"]) if kind in (MeetingKind.BRANCH_ASSEMBLY,
                                                                          MeetingKind.COMMITTEE_MEETING) else "",
        "lecturer": names[0] if kind == MeetingKind.LECTURE else "", "by_secretary": by_secretary,
        "signin_token": secrets.token_urlsafe(16), "signin_opens": starts - timedelta(minutes=30),
        "signin_closes": starts + timedelta(hours=2),
    }


def _committees() -> dict[int, set[int]]:
    """org id → the members holding a post in its current term (orgs.demo.load_terms)."""
    found: dict[int, set[int]] = {}
    for org_id, member_id in (LeadershipMember.objects.filter(term__ended__isnull=True, member__isnull=False)
                              .values_list("term__org_id", "member_id")):
        found.setdefault(org_id, set()).add(member_id)
    return found


def _attendance(rng, meetings, members, committees) -> None:
    """Who came: the org's members — for a committee meeting (支委会) the committee only — and,
    of those present, half signed in by QR code around the start (from the window's opening,
    half an hour before, to twenty minutes late)."""
    rows = []
    for meeting in meetings:
        if meeting.state == MeetingState.DRAFT and meeting.held_on >= timezone.localdate():
            continue
        starts = timezone.make_aware(datetime.combine(meeting.held_on, meeting.start_time))
        listed = members.get(meeting.org_id, [])
        if meeting.kind == MeetingKind.COMMITTEE_MEETING:
            listed = [m for m in listed if m.pk in committees.get(meeting.org_id, ())]
        for member in listed:
            roll = rng.random()
            status = (AttendanceStatus.PRESENT if roll < 0.86 else AttendanceStatus.LEAVE if roll < 0.96
                      else AttendanceStatus.ABSENT)
            qr = status == AttendanceStatus.PRESENT and rng.random() < 0.5
            rows.append({"meeting_id": meeting.pk, "member_id": member.pk, "status": status,
                         "reason": "" if status == AttendanceStatus.PRESENT else rng.choice(REASONS),
                         "signed_in_at": starts + timedelta(seconds=rng.randint(-30 * 60, 20 * 60)) if qr else None,
                         "how": "qr" if qr else "manual"})
    insert_many(Attendance, rows)


def _index(meetings, texts) -> None:
    fingerprints, bands = [], []
    minutes = dict(Meeting.objects.filter(pk__in=[m.pk for m in meetings], state__in=(
        MeetingState.SUBMITTED, MeetingState.APPROVED)).values_list("pk", "minutes"))
    for meeting, (org, names) in zip(meetings, texts, strict=True):
        if meeting.pk in minutes:
            fp = copydetect.fingerprint(minutes[meeting.pk], [*names, org.name])
            if fp.indexable:
                fingerprint, band_rows = copydetect.index_rows(meeting.pk, fp)
                fingerprints.append(fingerprint)
                bands += band_rows
    insert_many(MinutesFingerprint, fingerprints)
    insert_many(MinutesBand, bands)


def _rounds(rng, meetings, reviewer) -> None:
    rounds = []
    reviewed = [m for m in meetings if m.state == MeetingState.APPROVED]
    returned = set(m.pk for m in rng.sample(reviewed, min(4, len(reviewed))))
    for meeting in meetings:
        submitted = timezone.make_aware(datetime.combine(meeting.held_on + timedelta(days=1), time(10)))
        if meeting.state == MeetingState.SUBMITTED:
            rounds.append(ReviewRound(meeting_id=meeting.pk, number=1, submitted_at=submitted))
        elif meeting.state == MeetingState.APPROVED:
            number = 1
            if meeting.pk in returned:
                rounds.append(ReviewRound(meeting_id=meeting.pk, number=1, submitted_at=submitted, reviewer=reviewer,
                                          decision=ReviewDecision.RETURNED, reviewed_at=submitted + timedelta(days=2),
                                          comment="出席情况与签到表不一致，请核对后重新提交"))
                number, submitted = 2, submitted + timedelta(days=4)
            rounds.append(ReviewRound(meeting_id=meeting.pk, number=number, submitted_at=submitted, reviewer=reviewer,
                                      decision=ReviewDecision.APPROVED, reviewed_at=submitted + timedelta(days=3)))
    ReviewRound.objects.bulk_create(rounds, batch_size=2000)
    # One returned record waiting for correction.
    pending = [m for m in meetings if m.state == MeetingState.SUBMITTED][:1]
    for meeting in pending:
        ReviewRound.objects.filter(meeting_id=meeting.pk).update(
            decision=ReviewDecision.RETURNED, reviewer=reviewer, reviewed_at=timezone.now(),
            comment="会议记录过于简略，请补充讨论内容和决定事项")
        Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.RETURNED)


def _copies(rng, meetings, texts) -> None:
    """Two submitted records whose minutes nearly copy another branch's: flagged to the reviewer."""
    submitted = [(m, t) for m, t in zip(meetings, texts, strict=True) if m.state == MeetingState.SUBMITTED
                 and m.kind != MeetingKind.GROUP_MEETING]
    approved = [(m, t) for m, t in zip(meetings, texts, strict=True) if m.state == MeetingState.APPROVED]
    if len(submitted) < 3 or len(approved) < 2:
        return
    for (copy, (org, names)), (source, (source_org, source_names)) in zip(rng.sample(submitted[1:], 2),
                                                                        rng.sample(approved, 2), strict=True):
        text = grammar.near_copy(rng, Meeting.objects.get(pk=source.pk).minutes, names=source_names, new_names=names,
                                 org=source_org.name, new_org=org.name, held_on=copy.held_on)
        Meeting.objects.filter(pk=copy.pk).update(minutes=text)
        fp = copydetect.fingerprint(text, [*names, org.name])
        copydetect.index(copy.pk, fp)
        for source_id, similarity in copydetect.find_copies(copy.pk, fp, limit=0.5):
            CopyFlag.objects.get_or_create(meeting_id=copy.pk, source_id=source_id,
                                           defaults={"similarity": similarity})


def _lectures(rng, branch, members, today) -> None:
    """A requested lecture (topics, votes, one scheduled) and a travelling lecture in the demo
    secretary's branch; the lecturer is a member of another district, and it is on their record."""
    if branch is None:
        return
    own = members.get(branch.pk, [])
    topics = [Topic.objects.create(org=branch, title=title, proposed_by=own[i % len(own)] if own else None,
                                   proposed_on=today - timedelta(days=20 + i))
              for i, title in enumerate(("老旧小区改造中的党员作用", "如何做好群众工作", "党史中的天津故事"))]
    votes = [TopicVote(topic=topics[i % 3], member=m) for i, m in enumerate(own[:18])]
    TopicVote.objects.bulk_create(votes)
    chosen = topics[0]
    chosen.state = TopicState.SCHEDULED
    chosen.save(update_fields=["state"])
    names = [m.name for m in own[:4]] or ["王建国"]
    lecturer = Member.objects.filter(~Q(org__path__startswith=branch.path[:8]), status=MemberStatus.FULL).first()
    for topic, travelling, held_on in ((chosen, False, today - timedelta(days=5)),
                                       (None, True, today - timedelta(days=40))):
        starts = timezone.make_aware(datetime.combine(held_on, time(14)))
        meeting = Meeting.objects.create(
            org=branch, kind=MeetingKind.LECTURE, state=MeetingState.SUBMITTED, held_on=held_on, start_time=time(14),
            place="党群服务中心", host=names[0], recorder=names[-1],
            topic=topic.title if topic else "新时代基层党建的方法与实践", requested_topic=topic,
            minutes=grammar.minutes(rng, org=branch.name, names=names, held_on=held_on, kind="党课"),
            lecturer=(lecturer.name if travelling and lecturer else names[0]),
            lecturer_unit="河西区委党校" if travelling else "", lecturer_member=lecturer if travelling else None,
            travelling=travelling, by_secretary=not travelling, signin_token=secrets.token_urlsafe(16),
            signin_opens=starts - timedelta(minutes=30), signin_closes=starts + timedelta(hours=2))
        Attendance.objects.bulk_create([Attendance(meeting=meeting, member=m, status=AttendanceStatus.PRESENT)
                                        for m in own])
        ReviewRound.objects.create(meeting=meeting, number=1)
        if travelling and lecturer:
            record_event(member=lecturer, kind="lecture_given", occurred=held_on,
                         summary=f"为{branch.name}讲授流动党课《{meeting.topic}》")
