"""Shared helpers of the transfer tests: a letter issued the documented way, a third district,
and a snapshot of everything a refused action could have written."""

from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from core.access import Role
from core.models import AuditEntry
from dangjian.testing import make_user
from members.models import Member, MemberEvent
from orgs import bulk
from orgs.bulk import Node
from orgs.models import OrgKind, OrgLevel
from transfers import services
from transfers.models import Letter, MobileCertificate


def issue(world, *, member="a1_member", to=None, actor="a_admin", issued_on=None, days=60, **extra):
    issued_on = issued_on or timezone.localdate()
    return services.letter_issue(
        actor=world.users[actor], member=Member.objects.get(pk=world.members[member].pk),
        to_org=to if to is not None else (None if extra.get("to_org_name") else world.branch_b1),
        issued_on=issued_on, valid_until=issued_on + timedelta(days=days),
        dues_paid_until=issued_on, reason="工作调动", **extra)


def backdate(letter: Letter, *, issued_on: date, valid_until: date) -> Letter:
    """Age a letter as if issued long ago (the service refuses future-dated writes, not old ones)."""
    Letter.objects.filter(pk=letter.pk).update(issued_on=issued_on, valid_until=valid_until)
    letter.refresh_from_db()
    return letter


def third_district(world):
    """District C with its own admin: a third org for every letter between A and B."""
    district = Node("中共天津市南开区委员会", "NK", OrgKind.COMMITTEE, OrgLevel.DISTRICT)
    district.add(Node("学府街第一党支部", "NK01B01", OrgKind.BRANCH))
    orgs = bulk.build([district], under=world.city)
    return make_user("c_admin", role=Role.ORG_ADMIN, org=orgs["NK"])


def state():
    """Everything a refused transfer action could have written."""
    return (
        sorted(Letter.objects.values_list("pk", "state", "received_on", "receipt_returned", "closed_on")),
        sorted(Member.objects.values_list("pk", "org_id", "group_id", "status")),
        MemberEvent.objects.count(),
        MobileCertificate.objects.count(),
        # Business entries only: logins and refused requests are audited too, by design.
        AuditEntry.objects.filter(Q(action__startswith="transfer.") | Q(action__startswith="member.")).count(),
    )
