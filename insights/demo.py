"""The demo's part for the workbench: what the demo secretary's branch (HP01C01B01) has waiting
besides what the modules' own demos leave there — a correction request from the demo member, a
transfer letter on its way to the branch (near the end of its validity: a warning at the sending
branch too) and a member in hardship not yet visited this year. Written through the services where
there is one (audited); the hardship as care's demo writes its own."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from care.models import CareVisit
from members import services as member_services
from members.models import Hardship, Member, MemberStatus
from orgs.models import Org
from transfers import services as transfer_services

BRANCH = "HP01C01B01"  # members.demo.load_accounts: the demo secretary's branch


def load() -> None:
    today = timezone.localdate()
    branch = Org.objects.get(code=BRANCH)
    member_user = User.objects.get(username="member")
    own = Member.objects.get(user=member_user)
    member_services.correction_create(actor=member_user, member=own, field_name="native_place",
                                      requested_value="天津市和平区", reason="籍贯记录有误，应为天津市和平区")
    sender = (Member.objects.filter(org__code__startswith="HX", status=MemberStatus.FULL, letters__isnull=True)
              .order_by("pk").first())
    if sender is not None:
        transfer_services.letter_issue(
            actor=User.objects.get(username="hexi_admin"), member=sender, to_org=branch,
            issued_on=today - timedelta(days=20), valid_until=today + timedelta(days=10),
            dues_paid_until=today.replace(day=1), reason="工作调动")
    visited = CareVisit.objects.filter(visited__year=today.year).values("member_id")
    unvisited = (Member.objects.filter(org=branch, status__in=(MemberStatus.FULL, MemberStatus.PROBATIONARY))
                 .exclude(pk__in=visited).exclude(user__isnull=False).order_by("pk").first())
    if unvisited is not None:
        Hardship.objects.create(member=unvisited, kind=Hardship.Kind.ILLNESS, description="患慢性病，长期服药",
                                since=today - timedelta(days=45))
