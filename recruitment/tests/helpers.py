"""Shared helpers of the recruitment tests: a case walked the documented way to any step, and a
snapshot of everything a refused action could have written."""

from datetime import date, timedelta

from django.db.models import Q

from core import idcard
from core.holidays import load_official
from core.models import AuditEntry
from core.workdays import add_workdays
from members.models import Member, MemberEvent
from recruitment import services
from recruitment.models import (
    Case,
    Notice,
    Objection,
    Person,
    Plan,
    PreReview,
    Quota,
    Review,
    Step,
    Vote,
)
from transfers.rules import add_months

START = date(2022, 3, 7)  # far enough back for probation (1 year) to have ended before today


def id_number(born: date = date(1996, 5, 4), seq: int = 12) -> str:
    first17 = f"120101{born:%Y%m%d}{seq:03d}"
    return first17 + idcard.check_char(first17)


APPLICANT = id_number()

GOOD_VOTE = {"entitled": 9, "present": 8, "written_opinions": 1, "ballots_issued": 8, "ballots_returned": 8,
             "yes": 7, "no": 1, "abstain": 0, "result": "passed"}


def open_case(world, *, actor="secretary", applied=START, number=APPLICANT, name="刘洋", org=None, **extra):
    load_official()
    return services.case_create(actor=world.users[actor], org=org or world.branch_a1, name=name, id_number=number,
                                applied=applied, category=extra.pop("category", "farmer"),
                                education="bachelor", occupation="农民", phone="13800001234", **extra)


def notice(world, case, kind, starts_on, actor="secretary"):
    ends = add_workdays(starts_on - timedelta(days=1), 5)
    services.notice_publish(actor=world.users[actor], case=case, kind=kind, starts_on=starts_on, ends_on=ends)
    return ends + timedelta(days=1)


def full_members(world):
    return [Member.objects.get(pk=world.members["a1_member"].pk), Member.objects.get(pk=world.members["a1_secretary"].pk)]


def walk(world, case, upto: int, *, branch="secretary", upper="a_admin"):
    """Record every step after the case's last one up to ``upto``, with dates that keep every rule:
    returns the date the next step could take."""
    b, u = world.users[branch], world.users[upper]
    hist_steps = set(Step.objects.filter(case=case).values_list("number", flat=True))
    d = max(Step.objects.filter(case=case).values_list("done_on", flat=True)) + timedelta(days=3)
    for n in range(2, upto + 1):
        case.refresh_from_db()
        if n in hist_steps:
            continue
        if n == 3:
            d = max(d, add_months(case.applied, 6))
            d = notice(world, case, 3, d, branch)
        if n == 7:
            d = max(d, add_months(Step.objects.get(case=case, number=3).done_on, 12))
            d = notice(world, case, 7, d, branch)
        if n == 17:
            d = notice(world, case, 17, d, branch)
        if n == 22:
            d = max(d, case.probation_ends - timedelta(days=20))
        if n == 23:
            d = max(d, case.probation_ends)
        if n == 24:
            d = notice(world, case, 24, d, branch)
        kwargs = {"responsible": "李建国", "documents": "材料", "note": ""}
        if n == 10:
            services.review_record(actor=b, case=case, methods="谈话、函调", findings="政治历史清楚", conclusion="passed",
                                   concluded_on=d, **kwargs)
        elif n == 13:
            services.prereview_record(actor=u, case=case, received_on=d, reviewed_on=d, result="passed",
                                      opinion="预审合格", **kwargs)
        elif n in (15, 23):
            services.vote_record(actor=b, case=case, purpose=n, held_on=d, **GOOD_VOTE, **kwargs)
        else:
            extra = {}
            if n == 5:
                extra["people"] = full_members(world)[:1]
            if n == 9:
                extra["people"] = full_members(world)
            if n == 11:
                extra.update(training_days=3, training_hours=24)
            actor = u if n in (4, 8, 16, 17, 18, 24) else b
            services.step_record(actor=actor, case=case, number=n, done_on=d, **kwargs, **extra)
        d += timedelta(days=3)
    case.refresh_from_db()
    return d


def state():
    """Everything a refused recruitment action could have written."""
    return (
        sorted(Case.objects.values_list("pk", "status", "stage", "last_step", "probation_ends", "extension_months",
                                        "converted", "member_id", "warn_on", "due_on")),
        Step.objects.count(), Person.objects.count(), Review.objects.count(), PreReview.objects.count(),
        Vote.objects.count(), Notice.objects.count(), Objection.objects.count(),
        Plan.objects.count(), Quota.objects.count(),
        sorted(Member.objects.values_list("pk", "status", "converted", "group_id")),
        MemberEvent.objects.count(),
        AuditEntry.objects.filter(Q(action__startswith="recruitment.") | Q(action__startswith="member.")).count(),
    )
