"""A member whose outgoing letter to outside the platform is completed (the paper receipt came
back) has left the platform's membership: status "已转出", no longer active (not counted, not on
the roster, not due care, not transferable), the archive kept with the letter linked from the
status and the timeline."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from care import selectors as care_selectors
from core.models import AuditEntry
from members import services as member_services
from members.models import ACTIVE_STATUSES, Hardship, Member, MemberEvent, MemberStatus
from transfers import services
from transfers.forms import transferable_members
from transfers.models import Letter, LetterState
from transfers.tests.helpers import issue


@pytest.fixture
def moved(world):
    member = world.members["a1_member"]
    Hardship.objects.create(member=member, kind=Hardship.Kind.ILLNESS, description="慢性病", since="2020-01-01")
    letter = issue(world, member="a1_member", to_org_name="中共北京市海淀区某街道工作委员会")
    services.letter_complete(actor=world.users["a_admin"], letter=letter)
    letter.refresh_from_db()
    return letter


def test_the_receipt_makes_the_member_moved_out_and_keeps_the_archive(world, moved):
    member = Member.objects.get(pk=moved.member_id)
    assert member.status == MemberStatus.MOVED_OUT == "moved_out"
    assert member.get_status_display() == "已转出" and member.status not in ACTIVE_STATUSES
    assert member.org == world.branch_a1 and member.hardships.count() == 1  # nothing deleted
    event = MemberEvent.objects.filter(member=member).order_by("-pk").first()
    assert event.kind == "transfer_out" and moved.number in event.summary and "已转出" in event.summary
    entry = AuditEntry.objects.filter(action="member.transfer_out").get()
    assert entry.changes == {"status": ["full", "moved_out"], "letter": moved.number}


def test_a_moved_out_member_is_not_counted_among_the_active(world, moved):
    member_id = moved.member_id
    roster = world.client("a_admin").get(reverse("members:roster", args=[world.branch_a1.pk]))
    assert world.members["a1_member"].name not in roster.content.decode()
    assert member_id not in set(Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("pk", flat=True))
    assert member_id not in {m.pk for m in care_selectors.flagged_members(world.users["a_admin"])}
    assert member_id not in {m.pk for m in transferable_members(world.users["a_admin"])}
    # Still listed (as every archive is) and findable with the status filter.
    page = world.client("a_admin").get(reverse("members:list"), {"status": "moved_out"}).context["page"]
    assert [m.pk for m in page.object_list] == [member_id]


def test_the_archive_shows_moved_out_with_the_letter_linked(world, moved):
    client = world.client("a_admin")
    url = reverse("members:detail", args=[moved.member_id])
    party = client.get(url, {"tab": "party"}).content.decode()
    assert "已转出" in party and f'href="{moved.get_absolute_url()}"' in party and moved.to_org_name in party
    timeline = client.get(url, {"tab": "timeline"}).content.decode()
    assert f'<a href="{moved.get_absolute_url()}">查看介绍信</a>' in timeline


def test_a_moved_out_member_gets_no_new_letter_and_no_visit(world, moved):
    from care import services as care_services

    member = Member.objects.select_related("org").get(pk=moved.member_id)
    with pytest.raises(ValidationError) as info:
        issue(world, member="a1_member", to=world.branch_a2)
    assert "该党员状态为“已转出”" in " ".join(info.value.messages)
    with pytest.raises(ValidationError) as info:
        care_services.visit_record(actor=world.users["a_admin"], member=member, visited=timezone.localdate(),
                                   visitors="张书记", occasion="daily")
    assert "已不是在册党员（已转出）" in " ".join(info.value.messages)


def test_moved_out_is_not_set_by_hand(world):
    member = world.members["a2_member"]
    before = Member.objects.get(pk=member.pk).status, MemberEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        member_services.member_update(actor=world.users["a_admin"], member=member, changes={"status": "moved_out"})
    assert "由登记平台外转出介绍信的回执自动产生" in " ".join(info.value.message_dict["status"])
    assert (Member.objects.get(pk=member.pk).status, MemberEvent.objects.count()) == before
    form = world.client("a_admin").get(reverse("members:edit", args=[member.pk])).context["form"]
    assert "moved_out" not in dict(form.fields["status"].choices)


def test_a_receipt_for_a_member_who_left_meanwhile_is_refused(world):
    letter = issue(world, member="a2_member", to_org_name="平台外某党委")
    Member.objects.filter(pk=letter.member_id).update(status=MemberStatus.DECEASED)
    with pytest.raises(ValidationError):
        services.letter_complete(actor=world.users["a_admin"], letter=letter)
    assert Letter.objects.get(pk=letter.pk).state == LetterState.ISSUED
    assert Member.objects.get(pk=letter.member_id).status == MemberStatus.DECEASED


def test_the_migration_marks_members_of_earlier_completed_letters(world):
    letter = issue(world, member="a2_member", to_org_name="平台外某党委")
    Letter.objects.filter(pk=letter.pk).update(state=LetterState.COMPLETED)  # as before the status existed
    migration = importlib.import_module("transfers.migrations.0003_moved_out_members")
    migration.mark_moved_out(apps, None)
    assert Member.objects.get(pk=letter.member_id).status == MemberStatus.MOVED_OUT
    assert Member.objects.get(pk=world.members["a1_member"].pk).status == MemberStatus.FULL


def test_a_moved_out_member_who_comes_back_gets_the_same_archive_in_the_receiving_branch(world, moved):
    """Back from outside the platform with a paper letter: the archive (records, timeline) is
    reactivated in the receiving branch, not duplicated — even in another district."""
    from dangjian.testing import ID_NUMBERS
    from transfers.tests.test_workflow import receive_external

    letter = receive_external(world, id_number=ID_NUMBERS["a1_member"], name="张秀英")
    member = Member.objects.get(pk=moved.member_id)
    assert letter.member_id == member.pk and Member.objects.filter(name="张秀英").count() == 1
    assert (member.org, member.status) == (world.branch_b1, MemberStatus.FULL)
    assert member.hardships.count() == 1  # the records came along
    event = MemberEvent.objects.filter(member=member).order_by("-pk").first()
    assert event.kind == "transfer_in" and "档案恢复" in event.summary
    entry = AuditEntry.objects.filter(action="member.transfer_return").get()
    assert entry.changes["status"] == ["moved_out", "full"] and entry.username == "b_admin"
    # The sending district no longer sees the member; the receiving one does.
    assert world.client("a_admin").get(reverse("members:detail", args=[member.pk])).status_code == 404
    assert world.client("b_admin").get(reverse("members:detail", args=[member.pk])).status_code == 200


def test_an_active_member_cannot_come_in_from_outside_again(world):
    from dangjian.testing import ID_NUMBERS
    from transfers.tests.test_workflow import receive_external

    before = Member.objects.count()
    with pytest.raises(ValidationError, match="已登记为党员"):
        receive_external(world, id_number=ID_NUMBERS["a1_member"], name="张秀英")
    assert Member.objects.count() == before and Member.objects.get(name="张秀英").org == world.branch_a1


def test_the_org_tree_counts_active_members_only(world, moved):
    from orgs import selectors as org_selectors

    counts = org_selectors.subtree_counts([world.branch_a1], user=world.users["city_admin"])
    active = Member.objects.filter(org=world.branch_a1, status__in=ACTIVE_STATUSES).count()
    assert counts[world.branch_a1.pk]["members"] == active == Member.objects.filter(org=world.branch_a1).count() - 1
    assert org_selectors.subtree_member_count(world.branch_a1) == active
