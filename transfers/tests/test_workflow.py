"""The letter's state machine (rules.md §6): issued → received / returned / cancelled / expired,
outgoing letters completed by their paper receipt, letters received from outside the platform.
Every forbidden transition is refused with a Chinese message and writes nothing."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.dates import add_months
from core.errors import NotFound
from core.models import AuditEntry
from dangjian.testing import ID_NUMBERS
from members.models import Member, MemberEvent, MemberStatus
from transfers import services
from transfers.models import Letter, LetterKind, LetterState
from transfers.tests.helpers import backdate, issue, state, third_district


def refused(call, fragment: str, exc=ValidationError):
    before = state()
    with pytest.raises(exc) as info:
        call()
    text = " ".join(info.value.messages) if isinstance(info.value, ValidationError) else str(info.value)
    assert fragment in text, text
    assert state() == before
    return text


# --- issue ----------------------------------------------------------------------------------------


def test_issuing_numbers_letters_per_year_and_keeps_the_member_in_the_sending_org(world):
    first = issue(world)
    second = issue(world, member="a2_member")
    year = timezone.localdate().year
    assert first.number == f"津组转〔{year}〕000001"
    assert second.number == f"津组转〔{year}〕000002"
    assert first.state == LetterState.ISSUED and first.kind == LetterKind.INTERNAL
    member = Member.objects.get(pk=world.members["a1_member"].pk)
    assert member.org == world.branch_a1  # A stays responsible until B accepts
    assert AuditEntry.objects.filter(action="transfer.issue", object_id=str(first.pk)).count() == 1
    assert MemberEvent.objects.filter(member=member, kind="transfer_issue").count() == 1


def test_the_serial_restarts_each_year(world):
    old = issue(world, issued_on=date(timezone.localdate().year - 1, 12, 1))
    new = issue(world, member="a2_member")
    assert old.number.endswith("000001") and new.number.endswith("000001")
    assert old.number != new.number


def test_a_validity_over_three_months_is_refused_citing_the_notice(world):
    today = timezone.localdate()
    text = refused(lambda: services.letter_issue(
        actor=world.users["a_admin"], member=world.members["a1_member"], to_org=world.branch_b1,
        issued_on=today, valid_until=add_months(today, 3) + timedelta(days=1),
        dues_paid_until=today, reason="工作调动"), "组通字〔2006〕45号")
    assert "3个月" in text


def test_exactly_three_months_is_allowed(world):
    today = timezone.localdate()
    letter = services.letter_issue(
        actor=world.users["a_admin"], member=world.members["a1_member"], to_org=world.branch_b1,
        issued_on=today, valid_until=add_months(today, 3), dues_paid_until=today, reason="调动")
    assert letter.valid_until == add_months(today, 3)


@pytest.mark.parametrize("status", [MemberStatus.SUSPENDED, MemberStatus.LEFT, MemberStatus.DECEASED])
def test_only_full_and_probationary_members_can_be_transferred(world, status):
    Member.objects.filter(pk=world.members["a1_member"].pk).update(status=status)
    refused(lambda: issue(world), "只有正式党员和预备党员")


def test_a_letter_to_the_members_own_org_is_refused(world):
    refused(lambda: issue(world, to=world.branch_a1), "不能是党员现所在的党组织")


def test_a_letter_to_a_group_or_committee_is_refused(world):
    refused(lambda: issue(world, to=world.group_a1), "须转入党支部")
    refused(lambda: issue(world, to=world.district_b), "须转入党支部")


def test_one_open_letter_per_member_at_a_time(world):
    issue(world)
    refused(lambda: issue(world, to=world.branch_a2), "已有一封未办结的介绍信")


def test_the_database_refuses_a_second_open_letter_too(world):
    letter = issue(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.create(
            number="X-1", member=letter.member, from_org=letter.from_org, from_org_name="A",
            to_org=world.branch_a2, to_org_name="B", issued_on=letter.issued_on,
            valid_until=letter.valid_until, dues_paid_until=letter.dues_paid_until, reason="r")


def test_a_stale_issued_letter_is_expired_when_a_new_one_is_issued(world):
    old = backdate(issue(world), issued_on=timezone.localdate() - timedelta(days=120),
                   valid_until=timezone.localdate() - timedelta(days=30))
    new = issue(world, to=world.branch_a2)
    old.refresh_from_db()
    assert old.state == LetterState.EXPIRED and new.state == LetterState.ISSUED


def test_issuing_needs_member_change_over_the_members_org(world):
    refused(lambda: issue(world, actor="b_admin"), "", exc=NotFound)
    refused(lambda: issue(world, member="a2_member", actor="secretary"), "", exc=NotFound)
    assert issue(world, actor="secretary").from_org == world.branch_a1


def test_the_destination_may_lie_outside_the_issuers_scope_but_must_exist(world):
    assert services.find_destination("hx01b01") == world.branch_b1
    with pytest.raises(ValidationError) as info:
        services.find_destination("NOPE")
    assert "不存在" in " ".join(info.value.messages)


# --- accept -------------------------------------------------------------------------------------


def test_accepting_moves_the_member_with_timeline_audit_and_receipt(world):
    world.members["a1_member"].__class__.objects.filter(pk=world.members["a1_member"].pk).update(
        group=world.group_a1)
    letter = issue(world)
    audit_before = AuditEntry.objects.count()
    services.letter_accept(actor=world.users["b_admin"], letter=letter)
    letter.refresh_from_db()
    member = Member.objects.get(pk=letter.member_id)
    assert member.org == world.branch_b1 and member.group is None
    assert letter.state == LetterState.RECEIVED
    assert letter.received_on == letter.receipt_returned == timezone.localdate()
    kinds = set(MemberEvent.objects.filter(member=member).values_list("kind", flat=True))
    assert {"transfer_out", "transfer_in"} <= kinds
    entries = AuditEntry.objects.filter(seq__gt=0).order_by("-seq")[: AuditEntry.objects.count() - audit_before]
    actions = {e.action: e for e in entries}
    assert set(actions) == {"transfer.accept", "member.transfer"}
    assert actions["transfer.accept"].org_id == world.branch_b1.pk
    assert actions["member.transfer"].org_id == world.branch_a1.pk
    assert actions["member.transfer"].changes["org"] == ["HP01B01", "HX01B01"]


def test_accepting_twice_is_refused(world):
    letter = issue(world)
    services.letter_accept(actor=world.users["b_admin"], letter=letter)
    refused(lambda: services.letter_accept(actor=world.users["b_admin"], letter=letter), "已接收，不能接收")


@pytest.mark.parametrize("close", ["return", "cancel"])
def test_accepting_after_return_or_cancel_is_refused(world, close):
    letter = issue(world)
    if close == "return":
        services.letter_return(actor=world.users["b_admin"], letter=letter, reason="材料不全")
        fragment = "已退回，不能接收"
    else:
        services.letter_cancel(actor=world.users["a_admin"], letter=letter, reason="暂缓")
        fragment = "已撤销，不能接收"
    refused(lambda: services.letter_accept(actor=world.users["b_admin"], letter=letter), fragment)
    assert Member.objects.get(pk=letter.member_id).org == world.branch_a1


def test_accepting_after_validity_is_refused_before_and_after_the_expiry_job(world):
    letter = backdate(issue(world), issued_on=timezone.localdate() - timedelta(days=100),
                      valid_until=timezone.localdate() - timedelta(days=1))
    assert letter.is_expired()
    refused(lambda: services.letter_accept(actor=world.users["b_admin"], letter=letter), "过期")
    assert services.expire_overdue() == 1
    refused(lambda: services.letter_accept(actor=world.users["b_admin"], letter=letter), "已过期，不能接收")


def test_the_sending_side_cannot_accept_its_own_letter(world):
    letter = issue(world, to=world.branch_b1)
    refused(lambda: services.letter_accept(actor=world.users["a_admin"], letter=letter),
            "只有接收党组织", exc=PermissionDenied)


def test_a_third_districts_user_cannot_touch_the_letter(world):
    c_admin = third_district(world)
    letter = issue(world)
    for call in (lambda: services.letter_accept(actor=c_admin, letter=letter),
                 lambda: services.letter_return(actor=c_admin, letter=letter, reason="x"),
                 lambda: services.letter_cancel(actor=c_admin, letter=letter, reason="x"),
                 lambda: services.letter_expire(actor=c_admin, letter=letter)):
        refused(call, "", exc=NotFound)


def test_the_city_admin_covers_both_sides(world):
    letter = issue(world, actor="city_admin")
    services.letter_accept(actor=world.users["city_admin"], letter=letter)
    assert Member.objects.get(pk=letter.member_id).org == world.branch_b1


# --- return, cancel, expire ----------------------------------------------------------------------


def test_returning_keeps_the_member_and_records_the_reason(world):
    letter = issue(world)
    services.letter_return(actor=world.users["b_admin"], letter=letter, reason="材料不全")
    letter.refresh_from_db()
    assert letter.state == LetterState.RETURNED and letter.close_reason == "材料不全"
    assert Member.objects.get(pk=letter.member_id).org == world.branch_a1
    assert AuditEntry.objects.filter(action="transfer.return").count() == 1


def test_returning_needs_a_reason_and_only_the_receiver_may(world):
    letter = issue(world)
    refused(lambda: services.letter_return(actor=world.users["b_admin"], letter=letter, reason=" "), "退回原因")
    refused(lambda: services.letter_return(actor=world.users["a_admin"], letter=letter, reason="x"),
            "只有接收党组织", exc=PermissionDenied)


def test_cancelling_after_receipt_is_refused(world):
    letter = issue(world)
    services.letter_accept(actor=world.users["b_admin"], letter=letter)
    refused(lambda: services.letter_cancel(actor=world.users["a_admin"], letter=letter, reason="x"),
            "已接收，不能撤销")


def test_only_the_sender_may_cancel(world):
    letter = issue(world)
    refused(lambda: services.letter_cancel(actor=world.users["b_admin"], letter=letter, reason="x"),
            "只有转出党组织", exc=PermissionDenied)
    services.letter_cancel(actor=world.users["a_admin"], letter=letter, reason="暂缓")
    letter.refresh_from_db()
    assert letter.state == LetterState.CANCELLED


def test_returning_after_cancel_is_refused(world):
    letter = issue(world)
    services.letter_cancel(actor=world.users["a_admin"], letter=letter, reason="暂缓")
    refused(lambda: services.letter_return(actor=world.users["b_admin"], letter=letter, reason="x"),
            "已撤销，不能退回")


def test_a_letter_within_validity_cannot_be_marked_expired(world):
    letter = issue(world)
    refused(lambda: services.letter_expire(actor=world.users["a_admin"], letter=letter), "尚未过期")


def test_the_expire_command_marks_overdue_letters_once_each(world):
    overdue = backdate(issue(world), issued_on=timezone.localdate() - timedelta(days=100),
                       valid_until=timezone.localdate() - timedelta(days=5))
    current = issue(world, member="a2_member")
    out = StringIO()
    call_command("transfers", "expire", stdout=out)
    assert "1 封" in out.getvalue()
    overdue.refresh_from_db()
    current.refresh_from_db()
    assert overdue.state == LetterState.EXPIRED and overdue.closed_on == timezone.localdate()
    assert current.state == LetterState.ISSUED
    assert AuditEntry.objects.filter(action="transfer.expire").count() == 1
    call_command("transfers", "expire", stdout=StringIO())
    assert AuditEntry.objects.filter(action="transfer.expire").count() == 1


def test_a_single_expired_letter_can_be_marked_by_its_sender(world):
    letter = backdate(issue(world), issued_on=timezone.localdate() - timedelta(days=100),
                      valid_until=timezone.localdate() - timedelta(days=5))
    services.letter_expire(actor=world.users["a_admin"], letter=letter)
    letter.refresh_from_db()
    assert letter.state == LetterState.EXPIRED
    refused(lambda: services.letter_cancel(actor=world.users["a_admin"], letter=letter, reason="x"),
            "已过期，不能撤销")


# --- outside the platform ---------------------------------------------------------------------


def test_an_outgoing_paper_letter_keeps_the_member_until_the_receipt_completes_it(world):
    letter = issue(world, to_org_name="中共北京市海淀区某街道工作委员会")
    assert letter.kind == LetterKind.OUTGOING and letter.to_org is None
    refused(lambda: services.letter_accept(actor=world.users["b_admin"], letter=letter), "", exc=NotFound)
    services.letter_complete(actor=world.users["a_admin"], letter=letter)
    letter.refresh_from_db()
    member = Member.objects.get(pk=letter.member_id)
    assert letter.state == LetterState.COMPLETED and letter.receipt_returned == timezone.localdate()
    assert member.org == world.branch_a1 and member.status == MemberStatus.MOVED_OUT  # archive kept
    assert MemberEvent.objects.filter(member=member, kind="transfer_out").exists()
    refused(lambda: issue(world, to=world.branch_a2), "该党员状态为“已转出”")


def test_an_internal_letter_cannot_be_completed_by_the_sender(world):
    letter = issue(world)
    refused(lambda: services.letter_complete(actor=world.users["a_admin"], letter=letter), "只有转出至平台外")


def receive_external(world, **overrides):
    today = timezone.localdate()
    data = dict(actor=world.users["b_admin"], to_org=world.branch_b1, number="京组转〔2026〕000045",
                from_org_name="中共北京市东城区某街道工作委员会", issued_on=today - timedelta(days=10),
                valid_until=today + timedelta(days=50), dues_paid_until=today, reason="工作调动",
                received_on=today, name="孙立新", id_number="110101198001010010",
                status=MemberStatus.FULL, joined=date(2005, 7, 1))
    data.update(overrides)
    return services.letter_receive_external(**data)


def test_a_letter_from_outside_creates_the_member_in_the_receiving_branch(world):
    letter = receive_external(world)
    member = letter.member
    assert member.org == world.branch_b1 and member.name == "孙立新"
    assert letter.kind == LetterKind.INCOMING and letter.state == LetterState.RECEIVED
    assert letter.from_org is None and letter.from_org_name.startswith("中共北京市")
    assert letter.receipt_returned == timezone.localdate()
    assert MemberEvent.objects.filter(member=member, kind="transfer_in").exists()
    assert AuditEntry.objects.filter(action="transfer.receive_external").count() == 1
    assert AuditEntry.objects.filter(action="member.create", object_id=str(member.pk)).count() == 1


@pytest.mark.parametrize("overrides, fragment", [
    ({"valid_until": timezone.localdate() - timedelta(days=1), "issued_on": timezone.localdate() - timedelta(days=40),
      "received_on": timezone.localdate()}, "过期"),
    ({"valid_until": timezone.localdate() + timedelta(days=100), "issued_on": timezone.localdate()}, "组通字〔2006〕45号"),
    ({"status": MemberStatus.LEFT}, "正式党员和预备党员"),
    ({"id_number": ID_NUMBERS["a1_secretary"]}, "已登记为党员"),
    ({"number": ""}, "编号"),
])
def test_a_bad_letter_from_outside_is_refused_and_creates_no_member(world, overrides, fragment):
    refused(lambda: receive_external(world, **overrides), fragment)


def test_the_same_paper_letter_cannot_be_recorded_twice(world):
    receive_external(world)
    refused(lambda: receive_external(world, id_number="110101198001010037"), "已登记")


def test_receiving_from_outside_needs_member_change_on_the_branch(world):
    refused(lambda: receive_external(world, actor=world.users["a_admin"]), "", exc=NotFound)


