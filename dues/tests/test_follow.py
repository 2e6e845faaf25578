"""The arrears' counts follow the member (members.signals.member_moved → dues.services.follow_members):
a transfer moves the member's count to the new branch in the transfer's transaction, a member who
leaves (出党, 死亡, 已转出) stops counting and one who comes back counts again; the branch's list and
the tree's counts agree throughout."""

from datetime import timedelta

from django.utils import timezone

from core import summaries
from dues import rules, selectors, services
from dues.models import DuesPaidCount, DuesStanding
from members import services as member_services
from members.models import MemberStatus
from transfers import services as transfer_services

TODAY = timezone.localdate()
NOW = rules.month_index(TODAY)


def _behind_five(world, key="a1_member"):
    """The member paid up to five months ago: behind by the red threshold (5)."""
    from dues.tests.test_services import confirmed

    confirmed(world, key)
    services.standing_open(actor=world.users["secretary"], member=world.members[key], paid_up_to=NOW - 6)


def _counted(org) -> int:
    return sum(selectors.behind_counts(org, today=TODAY).values())


def _clean() -> bool:
    return not any(summaries.check(["dues.paid_count"]))


def test_a_transfer_moves_the_count_to_the_new_branch_with_the_member(world):
    _behind_five(world)
    member = world.members["a1_member"]
    assert (_counted(world.branch_a1), _counted(world.branch_a2)) == (1, 0)
    letter = transfer_services.letter_issue(
        actor=world.users["secretary"], member=member, to_org=world.branch_a2,
        valid_until=TODAY + timedelta(days=30), dues_paid_until=TODAY.replace(day=1), reason="工作调动")
    assert _counted(world.branch_a1) == 1  # issued, not yet received: still in the old branch
    transfer_services.letter_accept(actor=world.users["a_admin"], letter=letter)
    assert (_counted(world.branch_a1), _counted(world.branch_a2)) == (0, 1)
    assert _counted(world.district_a) == 1
    assert DuesStanding.objects.get(member=member).org_id == world.branch_a2.pk
    assert [row.member.pk for row in selectors.arrears(world.branch_a2, today=TODAY)] == [member.pk]
    assert _clean()


def test_a_member_who_leaves_stops_counting_and_counts_again_on_coming_back(world):
    _behind_five(world)
    member = world.members["a1_member"]
    admin = world.users["a_admin"]
    member_services.member_update(actor=admin, member=member, changes={"status": MemberStatus.LEFT})
    assert _counted(world.branch_a1) == 0 and _counted(world.city) == 0
    assert not DuesPaidCount.objects.filter(members__gt=0).exists()
    assert _clean()
    member.refresh_from_db()
    member_services.member_update(actor=admin, member=member, changes={"status": MemberStatus.FULL})
    assert _counted(world.branch_a1) == 1
    assert _clean()


def test_a_member_with_no_dues_kept_here_moves_without_a_count(world):
    member = world.members["a2_member"]
    member_services.member_update(actor=world.users["a_admin"], member=member, changes={"status": MemberStatus.LEFT})
    assert not DuesStanding.objects.filter(member=member).exists()
    assert not DuesPaidCount.objects.exists()


def test_an_inactive_member_s_opening_standing_is_refused(world):
    from django.core.exceptions import ValidationError

    from dues.tests.test_services import confirmed

    confirmed(world, "a1_member")
    member = world.members["a1_member"]
    member_services.member_update(actor=world.users["a_admin"], member=member, changes={"status": MemberStatus.LEFT})
    before = DuesStanding.objects.get(member=member).paid_up_to
    try:
        services.standing_open(actor=world.users["secretary"], member=member, paid_up_to=NOW - 2)
    except ValidationError as refused:
        assert "已不是在册党员" in str(refused)
    else:
        raise AssertionError("an opening standing for a member who left was accepted")
    assert DuesStanding.objects.get(member=member).paid_up_to == before
    assert _clean()
