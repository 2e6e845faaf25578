"""Demo recruitment: cases at every one of the 25 steps across the demo's branches in 和平区 and
河西区, some with overdue steps (talk, assessment, approval, conversion application), a failed
review, a failed vote, an extension, a cancellation, a closed case; and annual plans.

Written through the services (as the city's organization department), so every row, date and
audit entry is what the pages would have written. ``walk`` is also the tests' way to a step."""

import random
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from core.dates import add_months
from core.workdays import add_workdays
from members.demo import random_id_number, random_name
from members.models import Member, MemberStatus
from orgs.models import MEMBERSHIP_KINDS, Org
from recruitment import rules, selectors, services
from recruitment.models import EARMARKED, Case, Category, Step

GOOD_VOTE = {"entitled": 9, "present": 8, "written_opinions": 1, "ballots_issued": 8, "ballots_returned": 8,
             "yes": 7, "no": 1, "abstain": 0, "result": "passed"}
UPPER = (4, 8, 16, 17, 18, 24)


def tally(case: Case, held_on: date, *, carried: bool = True) -> dict:
    """A vote of the case's branch on ``held_on`` with the roster's entitled count (rules.check_entitled):
    all but one present, the absent one's written opinion counted; carried, or a tie that fails."""
    entitled = selectors.entitled_voters(case, held_on)
    present = entitled - 1 if entitled > 2 else entitled
    written = entitled - present
    counted = present + written
    yes = (counted - 1 if counted > 2 else counted) if carried else counted // 2
    return {"entitled": entitled, "present": present, "written_opinions": written, "ballots_issued": present,
            "ballots_returned": present, "yes": yes, "no": counted - yes, "abstain": 0,
            "result": "passed" if carried else "failed"}


def notice(actor, case: Case, kind: int, starts_on: date) -> date:
    """A five-working-day notice from ``starts_on``; the first day the decision may be taken."""
    ends = add_workdays(starts_on - timedelta(days=1), 5)
    services.notice_publish(actor=actor, case=case, kind=kind, starts_on=starts_on, ends_on=ends)
    return ends + timedelta(days=1)


def walk(case: Case, upto: int, *, branch, upper, people: list[Member], gap: int = 3,
         today: date | None = None) -> date:
    """Record every step after the case's last one up to ``upto`` the documented way, waiting
    where the rules ask (6 months to activist, a year to candidate, probation) and publishing the
    notices decisions need; stop before a date after ``today``. Returns the next free date."""
    today = today or timezone.localdate()
    done = set(Step.objects.filter(case=case).values_list("number", flat=True))
    d = max(Step.objects.filter(case=case).values_list("done_on", flat=True)) + timedelta(days=gap)
    for n in range(2, upto + 1):
        case.refresh_from_db()
        if n in done:
            continue
        if n == 3:
            d = max(d, add_months(case.applied, 6))
        if n == 7:
            d = max(d, add_months(Step.objects.get(case=case, number=3).done_on, 12))
            _assess_while_waiting(case, d, today, branch=branch, upper=upper, people=people)
        if n == 22:
            d = max(d, case.probation_ends - timedelta(days=20))
        if n == 23:
            d = max(d, case.probation_ends)
        if n in (3, 7, 17, 24):
            if add_workdays(d - timedelta(days=1), 5) >= today:
                break
            d = notice(branch, case, n, d)
        if d > today:
            break
        _record(case, n, d, branch=branch, upper=upper, people=people)
        d += timedelta(days=gap)
    case.refresh_from_db()
    return d


def _assess_while_waiting(case: Case, until: date, today: date, **actors) -> None:
    """An activist waiting a year to become a candidate is assessed every half year (细则第十一条)."""
    last = max(Step.objects.filter(case=case, number=6).values_list("done_on", flat=True))
    while add_months(last, 5) < until and add_months(last, 5) <= today:
        last = add_months(last, 5)
        _record(case, 6, last, **actors)


def _record(case: Case, n: int, d: date, *, branch, upper, people) -> None:
    common = {"responsible": "支部书记", "documents": "", "note": ""}
    if n == 10:
        services.review_record(actor=branch, case=case, methods="同本人谈话、函调", findings="政治历史清楚，表现良好",
                               conclusion="passed", concluded_on=d, **common)
    elif n == 13:
        services.prereview_record(actor=upper, case=case, received_on=d, reviewed_on=d, result="passed",
                                  opinion="经审查，同意发放入党志愿书", **common)
    elif n in (15, 23):
        services.vote_record(actor=branch, case=case, purpose=n, held_on=d, **tally(case, d), **common)
    else:
        extra = {}
        if n == 5:
            extra["people"] = people[:1]
        if n == 9:
            extra["people"] = people[:2]
        if n == 11:
            extra.update(training_days=3, training_hours=24)
        services.step_record(actor=upper if n in UPPER else branch, case=case, number=n, done_on=d, **common, **extra)


# Days from the application to each step on a brisk path (the waits included), to date a demo
# case so that it reaches its step about now.
OFFSETS = {1: 0, 2: 15, 3: 200, 4: 205, 5: 210, 6: 380, 7: 590, 8: 595, 9: 600, 10: 620, 11: 630, 12: 640,
           13: 650, 14: 660, 15: 670, 16: 690, 17: 705, 18: 715, 19: 725, 20: 735, 21: 900, 22: 1030,
           23: 1060, 24: 1085, 25: 1095}
# (last step, extra days of delay, outcome): every step, and the overdue and unusual ones.
PLAN = ([(n, 0, "") for n in range(1, 26)] + [(n, 0, "") for n in (1, 3, 6, 7, 10, 14, 17, 20, 21, 25)]
        + [(1, 40, "overdue"), (1, 60, "overdue"), (6, 200, "overdue"), (16, 200, "overdue"),
           (16, 120, ""), (21, 140, "overdue"), (9, 0, "failed_review"), (14, 0, "failed_vote"),
           (21, 380, "extended"), (20, 0, "cancelled"), (4, 0, "closed")])
# The demo secretary's own branch (accounts.demo), so that the secretary can show recruitment:
# an application just in, an activist, a development object, a probationary member, a case
# waiting for conversion, and one whose talk (1 month after the application) is overdue.
SECRETARY_BRANCH = "HP01C01B01"
SECRETARY_PLAN = [(1, 0, ""), (6, 0, ""), (10, 0, ""), (18, 0, ""), (21, 0, ""), (1, 45, "overdue")]


def _new_case(rng, actor, branch: Org, applied: date, used: set) -> Case:
    for _ in range(10):
        born = date(rng.randint(1985, 2005), rng.randint(1, 12), rng.randint(1, 28))
        number = random_id_number(rng, "120101" if branch.code.startswith("HP") else "120103", born,
                                  rng.random() < 0.5, used)
        try:
            return services.case_create(
                actor=actor, org=branch, name=random_name(rng), id_number=number, applied=applied,
                phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                education=rng.choice(["postgraduate", "bachelor", "bachelor", "college", "high_school"]),
                occupation=rng.choice(["职员", "教师", "工程师", "社区工作者", "农民", "个体经营者"]),
                category=rng.choices([c.value for c in Category], [10, 20, 15, 20, 10, 25])[0],
                responsible="支部书记", documents="入党申请书")
        except ValidationError:
            continue  # a number already used by a member: draw again
    raise RuntimeError("no free ID number")


def load(rng: random.Random) -> None:
    actor = _demo_actor()
    if actor is None:
        return
    today = timezone.localdate()
    branches = [b for b in Org.objects.filter(kind__in=MEMBERSHIP_KINDS).order_by("path")
                if b.code[:2] in ("HP", "HX")]
    full = {}
    for pk, org_id in Member.objects.filter(status=MemberStatus.FULL).values_list("pk", "org_id"):
        full.setdefault(org_id, []).append(pk)
    # A branch votes on an admission only with three full members or more (党章第三十条).
    branches = [b for b in branches if len(full.get(b.pk, [])) >= rules.BRANCH_MIN_FULL_MEMBERS]
    used: set[str] = set()
    for (last, delay, outcome), branch in zip(PLAN, rng.sample(branches, min(len(PLAN), len(branches))), strict=False):
        applied = today - timedelta(days=OFFSETS[last] + delay + rng.randint(2, 10))
        case = _new_case(rng, actor, branch, applied, used)
        people = list(Member.objects.filter(pk__in=full[branch.pk][:2]))
        _play(case, last, outcome, actor=actor, people=people, today=today, gap=rng.randint(2, 6))
    own = Org.objects.filter(code=SECRETARY_BRANCH).first()
    if own is not None and len(full.get(own.pk, [])) >= rules.BRANCH_MIN_FULL_MEMBERS:
        people = list(Member.objects.filter(pk__in=full[own.pk][:2]))
        for last, delay, outcome in SECRETARY_PLAN:
            applied = today - timedelta(days=OFFSETS[last] + delay + rng.randint(2, 10))
            case = _new_case(rng, actor, own, applied, used)
            _play(case, last, outcome, actor=actor, people=people, today=today, gap=rng.randint(2, 6))
    _plans(rng, actor, today)


def _play(case: Case, last: int, outcome: str, *, actor, people, today: date, gap: int) -> None:
    if outcome == "overdue":  # stop short so the next deadline has passed
        walk(case, last, branch=actor, upper=actor, people=people, gap=gap, today=today)
        return
    if outcome == "failed_review":
        d = walk(case, 9, branch=actor, upper=actor, people=people, gap=gap, today=today)
        services.review_record(actor=actor, case=case, methods="外调", findings="有不宜发展的情形",
                               conclusion="failed", concluded_on=min(d, today))
        return
    if outcome == "failed_vote":
        d = walk(case, 14, branch=actor, upper=actor, people=people, gap=gap, today=today)
        held_on = min(d, today)
        services.vote_record(actor=actor, case=case, purpose=15, held_on=held_on,
                             **tally(case, held_on, carried=False))
        return
    walk(case, last, branch=actor, upper=actor, people=people, gap=gap, today=today)
    if outcome == "extended" and case.probation_ends and case.probation_ends <= today:
        services.case_extend(actor=actor, case=case, months=6, assembly_on=case.probation_ends,
                             decided_on=case.probation_ends)
    if outcome == "cancelled":
        services.case_cancel(actor=actor, case=case, assembly_on=today, decided_on=today,
                             reason="预备期间不履行党员义务")
    if outcome == "closed":
        services.case_close(actor=actor, case=case, closed_on=today, reason="本人因工作调动撤回申请")


def _plans(rng: random.Random, actor, today: date) -> None:
    committees = Org.objects.filter(code__in=["HP", "HX", "HP01", "HP02", "HX01", "HX02"])
    for org in committees:
        for year in (today.year, today.year + 1):
            total = rng.randint(15, 40) if len(org.code) == 2 else rng.randint(4, 12)
            quotas = {c.value: rng.randint(0, max(1, total // 6)) for c in EARMARKED}
            services.plan_save(actor=actor, org=org, year=year, total=total, quotas=quotas,
                               note="年初下达" if year == today.year else "11月底报送")


def _demo_actor():
    """The city organization department's demo account (accounts.demo), granted on the city."""
    return User.objects.filter(username="city_admin").first()
