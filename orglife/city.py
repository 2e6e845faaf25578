"""`dangjian demo --scale city`: 三会一课 for every branch and party group from January of last year
to yesterday (last year whole, for the annual report; this year to date, for compliance), inserted
with core.bulk.insert_many. Branches differ in diligence — most hold every meeting, some skip a share,
a few hardly meet and some have not yet held this month's — so every compliance colour appears.
滨海新区 sets its local rule orglife_due_soon_days to 31 (yellow from a month before a period's
end), so its branches still owing this month's meetings are yellow whatever the day; elsewhere the
previous month shows red where a meeting was skipped. Records are submitted (they count); their minutes are one templated paragraph and they get no
copy-detection fingerprint (the index is `dangjian bench orglife`'s subject).

Calibrated to the article: last year's lectures given by an org's secretary (书记讲党课) number
exactly ``SECRETARY_LECTURES`` per million members (5.9万, seed-figures.md), the others given by
another member; this year's at the same rate. So `dangjian report annual --org TJ --year <last
year>` on the full city states 5.9万."""

import random
import secrets
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.utils import timezone

from core.bulk import insert_many
from orglife.models import Meeting, MeetingKind, MeetingState
from orgs.demo import random_name
from orgs.models import Org, OrgKind, OrgSetting

# (kind, months between two): monthly theme day and committee meeting, a quarterly assembly, a
# lecture every other month (more than the quarter's one: secretaries and members give them), a
# yearly review meeting and appraisal; the groups meet monthly.
BRANCH_KINDS = ((MeetingKind.THEME_DAY, 1), (MeetingKind.COMMITTEE_MEETING, 1), (MeetingKind.BRANCH_ASSEMBLY, 3),
                (MeetingKind.LECTURE, 2), (MeetingKind.REVIEW_MEETING, 12), (MeetingKind.APPRAISAL, 12))
GROUP_KINDS = ((MeetingKind.GROUP_MEETING, 1),)
# Share of meetings skipped: diligent, late this month, lax, hardly meeting.
DILIGENCE = ((0.0, 0.55), ("late", 0.2), (0.3, 0.17), (0.85, 0.08))
PLACES = ("党群服务中心会议室", "社区活动室", "支部活动室", "红色教育基地")
BATCH = 10_000
EARLY_WARNING = ("BH", 31)  # a district warning a month ahead (a local rule, orglife.rules.LOCAL_RULES)
SECRETARY_LECTURES = 59_000  # a year's lectures by secretaries per million members (宣讲、讲党课 5.9万)


def _month_starts(today: date) -> list[date]:
    """This month's first day back to January of last year's, newest first."""
    first = today.replace(day=1)
    months = []
    for back in range(12 + today.month):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(date(year, month + 1, 1))
    return months


def load(rng: random.Random, *, members: int = 1_000_000, progress: Callable[[int], None] | None = None) -> int:
    """Insert the meetings; returns how many. ``members``: the city's size, for the calibration."""
    done = _load(rng, progress=progress)
    calibrate(rng, round(SECRETARY_LECTURES * members / 1_000_000), timezone.localdate().year - 1)
    return done


def calibrate(rng: random.Random, target: int, year: int) -> None:
    """Exactly ``target`` of ``year``'s lectures (all of them, if fewer) given by the secretary, the
    others by another member; the following year's at the same rate."""
    lectures = Meeting.objects.filter(kind=MeetingKind.LECTURE)
    ids = list(lectures.filter(held_on__year=year).order_by("pk").values_list("pk", flat=True))
    if not ids:
        return
    chosen = set(rng.sample(ids, min(target, len(ids))))
    rate = len(chosen) / len(ids)
    later = list(lectures.filter(held_on__year__gt=year).order_by("pk").values_list("pk", flat=True))
    chosen.update(pk for pk in later if rng.random() < rate)
    others = [pk for pk in ids if pk not in chosen] + [pk for pk in later if pk not in chosen]
    for start in range(0, len(others), 900):  # SQLite's parameter limit
        Meeting.objects.filter(pk__in=others[start:start + 900]).update(by_secretary=False, lecturer="党员代表")


def _load(rng: random.Random, *, progress: Callable[[int], None] | None = None) -> int:
    today = timezone.localdate()
    code, days = EARLY_WARNING
    OrgSetting.objects.create(org=Org.objects.get(code=code), key="orglife_due_soon_days", value=days)
    months = _month_starts(today)
    holders = list(Org.objects.filter(kind__in=(OrgKind.BRANCH, OrgKind.GROUP)).order_by("path")
                   .values_list("pk", "kind"))
    habit = [d for d, _ in DILIGENCE]
    weights = [w for _, w in DILIGENCE]
    rows: list[dict] = []
    done = 0
    for org_id, kind in holders:
        skip = rng.choices(habit, weights)[0]
        names = [random_name(rng) for _ in range(3)]
        for meeting_kind, every in (GROUP_KINDS if kind == OrgKind.GROUP else BRANCH_KINDS):
            for index, start in enumerate(months):
                if index % every:
                    continue
                if skip == "late":
                    if index == 0:
                        continue
                elif rng.random() < skip:
                    continue
                last = min(today - timedelta(days=1), (start + timedelta(days=31)).replace(day=1) - timedelta(days=1))
                if last < start:
                    continue
                held_on = start + timedelta(days=rng.randrange(0, (last - start).days + 1))
                rows.append(_row(rng, org_id, meeting_kind, held_on, names))
        if len(rows) >= BATCH:
            done += insert_many(Meeting, rows)
            rows = []
            if progress:
                progress(done)
    return done + insert_many(Meeting, rows)


def _row(rng: random.Random, org_id: int, kind: str, held_on: date, names: list[str]) -> dict:
    starts = timezone.make_aware(datetime.combine(held_on, clock(9)))
    label = MeetingKind(kind).label
    lecture = kind == MeetingKind.LECTURE
    return {
        "org_id": org_id, "kind": kind, "state": MeetingState.SUBMITTED, "held_on": held_on, "start_time": clock(9),
        "place": rng.choice(PLACES), "host": names[0], "recorder": names[1], "topic": f"{held_on:%Y年%m月}{label}",
        "minutes": f"{names[0]}主持召开{label}，传达学习上级精神，党员交流发言，研究部署下一步工作。",
        "lecturer": names[0] if lecture else "", "by_secretary": lecture,
        "signin_token": secrets.token_urlsafe(12), "signin_opens": starts - timedelta(minutes=30),
        "signin_closes": starts + timedelta(hours=2),
    }
