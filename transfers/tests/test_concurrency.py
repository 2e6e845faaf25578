"""Two receivers accepting one letter at once, on PostgreSQL with real threads and connections
(reliability.md C1): exactly one wins, the member moves once, one audit entry. The letter row is
locked (select_for_update) and its state checked inside the lock."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from core.context import acting_as
from core.models import AuditEntry
from dangjian.testing import make_world, run_in_threads
from members.models import Member, MemberEvent
from transfers import services
from transfers.models import Letter, LetterState

pytestmark = pytest.mark.usefixtures("transactional_db")




def test_two_concurrent_accepts_of_one_letter_exactly_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests run on PostgreSQL")
    world = make_world()
    receivers = [world.users["b_admin"], world.users["city_admin"]]
    for round_ in range(5):
        member = Member.objects.get(pk=world.members["a1_member"].pk)
        origin = member.org
        target = world.branch_b1 if origin != world.branch_b1 else world.branch_a1
        actor = world.users["city_admin"]
        letter = services.letter_issue(actor=actor, member=member, to_org=target, valid_until=timezone.localdate()
                                       + timedelta(days=30), dues_paid_until=timezone.localdate(), reason=f"第{round_}轮")
        events_before = MemberEvent.objects.filter(member=member, kind="transfer_in").count()

        def accept(i, letter=letter, target=target):
            user = receivers[i % 2] if target == world.branch_b1 else world.users["city_admin"]
            with acting_as(user, channel="web"):
                return services.letter_accept(actor=user, letter=Letter.objects.get(pk=letter.pk))

        results, errors = run_in_threads(2, accept)
        assert len(results) == 1, errors
        assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
        assert "已接收，不能接收" in " ".join(errors[0].messages)
        letter.refresh_from_db()
        assert letter.state == LetterState.RECEIVED
        assert Member.objects.get(pk=member.pk).org == target
        assert MemberEvent.objects.filter(member=member, kind="transfer_in").count() == events_before + 1
        assert AuditEntry.objects.filter(action="transfer.accept", object_id=str(letter.pk)).count() == 1


def test_concurrent_issues_get_distinct_serial_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests run on PostgreSQL")
    world = make_world()
    actor = world.users["city_admin"]
    keys = ["a1_member", "a2_member", "a1_secretary", "b1_member"]

    def issue(i):
        member = Member.objects.get(pk=world.members[keys[i]].pk)
        target = world.branch_a2 if member.org_id != world.branch_a2.pk else world.branch_a1
        with acting_as(actor, channel="web"):
            return services.letter_issue(actor=actor, member=member, to_org=target, dues_paid_until=timezone.localdate(),
                                         valid_until=timezone.localdate() + timedelta(days=30), reason="并发")

    results, errors = run_in_threads(4, issue)
    assert errors == [] and len(results) == 4
    assert sorted(Letter.objects.values_list("serial", flat=True)) == [1, 2, 3, 4]
