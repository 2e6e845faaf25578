"""Shared helpers of the recruitment tests: a case walked the documented way to any step, and a
snapshot of everything a refused action could have written."""

from datetime import date

from django.db.models import Q

from core import idcard
from core.holidays import load_official
from core.models import AuditEntry
from members import services as member_services
from members.models import Member, MemberEvent, MemberStatus
from recruitment import demo, services
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

START = date(2022, 3, 7)  # far enough back for probation (1 year) to have ended before today


def id_number(born: date = date(1996, 5, 4), seq: int = 12) -> str:
    first17 = f"120101{born:%Y%m%d}{seq:03d}"
    return first17 + idcard.check_char(first17)


APPLICANT = id_number()

GOOD_VOTE = demo.GOOD_VOTE


def open_case(world, *, actor="secretary", applied=START, number=APPLICANT, name="刘洋", org=None, **extra):
    load_official()
    return services.case_create(actor=world.users[actor], org=org or world.branch_a1, name=name, id_number=number,
                                applied=applied, category=extra.pop("category", "farmer"),
                                education="bachelor", occupation="农民", phone="13800001234", **extra)


def notice(world, case, kind, starts_on, actor="secretary"):
    return demo.notice(world.users[actor], case, kind, starts_on)


def full_members(world):
    return [Member.objects.get(pk=world.members["a1_member"].pk), Member.objects.get(pk=world.members["a1_secretary"].pk)]


def walk(world, case, upto: int, *, branch="secretary", upper="a_admin"):
    """Every step after the case's last one up to ``upto``, the documented way (recruitment.demo.walk);
    returns the date the next step could take."""
    return demo.walk(case, upto, branch=world.users[branch], upper=world.users[upper], people=full_members(world))


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


def grow_branches(world) -> None:
    """Branches with full members enough to vote on an admission (a branch needs three to discuss
    one at all: 党章第三十条) — A1 grown to the nine its votes count as entitled, A2 and B1 to four."""
    serial = 500
    for branch, more in ((world.branch_a1, 7), (world.branch_a2, 3), (world.branch_b1, 3)):
        if Member.objects.filter(org=branch, status=MemberStatus.FULL).count() >= 3:  # grown already
            serial += more
            continue
        for i in range(more):
            serial += 1
            first17 = f"120101{date(1980, 1, 1 + i):%Y%m%d}{serial:03d}"
            member_services.member_create(actor=world.users["city_admin"], org=branch, name=f"党员{serial}",
                                          id_number=first17 + idcard.check_char(first17),
                                          status=MemberStatus.FULL, joined=date(2005, 7, 1))
