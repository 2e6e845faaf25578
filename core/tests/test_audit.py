"""The audit trail (test plan AU1, AU2): hash-chained and append-only, retention never below six
months, a business write fails with its audit entry, and no clear ID number is ever recorded."""

import json
import re
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core import audit, audit_guard
from core.context import acting_as
from core.models import AuditAnchor, AuditEntry
from dangjian.testing import ID_NUMBERS
from members import services as member_services
from members.models import Member, MemberStatus
from orgs import services as org_services
from orgs.models import Org

ID_NUMBER_RE = re.compile(r"\d{17}[\dXx]")


def record_many(n, action="test.event"):
    return [audit.record(action, object_repr=f"对象{i}") for i in range(n)]


def record_at(days_ago, action="test.event"):
    moment = timezone.now() - timedelta(days=days_ago)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return audit.record(action)


def sql(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def guarded(db):
    """The append-only triggers, as the migrations install them in every database, this one too."""
    assert audit_guard.missing(connection) == []


@pytest.fixture
def unguarded(guarded):
    """Tamper as an attacker with database access would: switch the triggers off first."""
    if connection.vendor == "sqlite":
        sql("DROP TRIGGER core_auditentry_no_update")
        sql("DROP TRIGGER core_auditentry_no_delete")
    elif connection.vendor == "postgresql":
        sql("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_guard")
    else:  # pragma: no cover
        pytest.skip(f"no tamper recipe for {connection.vendor}")


# --- verify -------------------------------------------------------------------------------------

def test_verify_reports_an_intact_chain(db):
    record_many(5)
    result = audit.verify()
    assert result.intact
    assert result.checked == AuditEntry.objects.count() >= 5
    assert result.message().startswith("intact")


def test_verify_reports_an_empty_chain_as_intact(db):
    assert not AuditEntry.objects.exists()
    result = audit.verify()
    assert result.intact
    assert result.checked == 0


def test_the_chain_links_each_entry_to_the_previous_one(db):
    entries = record_many(3)
    assert entries[1].prev_hash == entries[0].entry_hash
    assert entries[2].seq == entries[1].seq + 1
    assert entries[2].entry_hash == audit.compute_hash(entries[2])


def test_verify_catches_an_edited_entry(unguarded):
    entries = record_many(5)
    sql("UPDATE core_auditentry SET object_repr = %s WHERE id = %s", ["改过的", entries[2].pk])
    result = audit.verify()
    assert not result.intact
    assert result.seq == entries[2].seq
    assert "被修改" in result.problem


def test_verify_catches_an_edit_whose_hash_was_recomputed(unguarded):
    entries = record_many(5)
    forged = AuditEntry.objects.get(pk=entries[2].pk)
    forged.result = AuditEntry.Result.SUCCESS if forged.result != "success" else "denied"
    sql("UPDATE core_auditentry SET result = %s, entry_hash = %s WHERE id = %s",
        [forged.result, audit.compute_hash(forged), forged.pk])
    result = audit.verify()
    assert not result.intact
    assert result.seq == entries[3].seq  # the next entry no longer links to it


def test_verify_catches_a_deleted_entry(unguarded):
    entries = record_many(5)
    sql("DELETE FROM core_auditentry WHERE id = %s", [entries[2].pk])
    result = audit.verify()
    assert not result.intact
    assert result.seq == entries[2].seq
    assert "被删除" in result.problem


def test_verify_catches_a_swapped_pair(unguarded):
    entries = record_many(5)
    a, b = entries[1].pk, entries[2].pk
    sql("UPDATE core_auditentry SET id = %s WHERE id = %s", [-1, a])
    sql("UPDATE core_auditentry SET id = %s WHERE id = %s", [a, b])
    sql("UPDATE core_auditentry SET id = %s WHERE id = %s", [b, -1])
    result = audit.verify()
    assert not result.intact
    assert result.seq == entries[1].seq
    assert "调换" in result.problem


# --- append-only --------------------------------------------------------------------------------

def test_the_orm_refuses_to_update_entries(db):
    entry = record_many(1)[0]
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    entry.action = "x"
    with pytest.raises(PermissionError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.event"


def test_the_orm_refuses_to_delete_entries(db):
    entry = record_many(1)[0]
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_database_refuses_a_raw_update(guarded):
    entry = record_many(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        sql("UPDATE core_auditentry SET action = %s WHERE id = %s", ["x", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.event"


def test_the_database_refuses_a_raw_update_even_of_an_old_entry(guarded):
    entry = record_at(400)
    with pytest.raises(DatabaseError), transaction.atomic():
        sql("UPDATE core_auditentry SET action = %s WHERE id = %s", ["x", entry.pk])


def test_the_database_refuses_a_raw_delete_of_a_recent_entry(guarded):
    entry = record_at(183)
    with pytest.raises(DatabaseError), transaction.atomic():
        sql("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        sql("DELETE FROM core_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.postgres
def test_the_database_refuses_truncate(guarded):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    record_many(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        sql("TRUNCATE core_auditentry")


# --- retention ----------------------------------------------------------------------------------

@pytest.fixture
def aged_chain(guarded):
    """Entries 400, 300, 200, 100 and 10 days old, then one of today."""
    return {days: record_at(days) for days in (400, 300, 200, 100, 10, 0)}


def test_purge_deletes_only_entries_older_than_the_retention(aged_chain):
    deleted = audit.purge_expired()  # the default: 365 days
    assert deleted == 1
    assert not AuditEntry.objects.filter(pk=aged_chain[400].pk).exists()
    for days in (300, 200, 100, 10, 0):
        assert AuditEntry.objects.filter(pk=aged_chain[days].pk).exists()


def test_purge_never_deletes_entries_younger_than_184_days(aged_chain):
    deleted = audit.purge_expired(days=30)
    assert deleted == 3  # 400, 300 and 200 days old
    for days in (100, 10, 0):
        assert AuditEntry.objects.filter(pk=aged_chain[days].pk).exists()
    assert not AuditEntry.objects.filter(created__lt=timezone.now() - timedelta(days=184)).exists()


def test_the_chain_still_verifies_after_a_purge(aged_chain):
    audit.purge_expired(days=250)
    result = audit.verify()
    assert result.intact, result.problem
    anchor = AuditAnchor.objects.get()
    assert anchor.seq == aged_chain[300].seq
    audit.purge_expired(days=184)
    assert audit.verify().intact


def test_purge_is_itself_audited(aged_chain):
    audit.purge_expired()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "audit.purge"
    assert entry.changes == {"deleted": 1, "up_to_seq": aged_chain[400].seq, "days": 365}


def test_purge_with_nothing_expired_changes_nothing(db):
    record_many(3)
    before = AuditEntry.objects.count()
    assert audit.purge_expired() == 0
    assert AuditEntry.objects.count() == before
    assert not AuditAnchor.objects.exists()


# --- the audit entry is part of the business write ----------------------------------------------

@pytest.fixture(params=["hash", "save"])
def audit_down(request):
    """The audit entry cannot be written: hashing fails, or the database refuses the row."""
    if request.param == "hash":
        target = mock.patch("core.audit.compute_hash", side_effect=RuntimeError("SM3 unavailable"))
    else:
        target = mock.patch.object(AuditEntry, "save", side_effect=DatabaseError("audit disk full"))
    with target:
        yield


def test_an_org_update_rolls_back_when_its_audit_entry_fails(world, audit_down):
    org = Org.objects.get(pk=world.district_a.pk)
    actor = world.users["city_admin"]
    with acting_as(actor, channel="web"), pytest.raises((RuntimeError, DatabaseError)):
        org_services.org_update(actor=actor, org=org, name="改名后的区委", unit_name="某单位")
    org.refresh_from_db()
    assert org.name == world.district_a.name
    assert org.unit_name == world.district_a.unit_name


def test_a_member_create_rolls_back_when_its_audit_entry_fails(world, audit_down):
    actor = world.users["city_admin"]
    before = Member.objects.count()
    with acting_as(actor, channel="web"), pytest.raises((RuntimeError, DatabaseError)):
        member_services.member_create(
            actor=actor, org=world.branch_a2, name="孙丽", id_number="110105198001010040",
            status=MemberStatus.FULL, joined=timezone.now().date().replace(year=2010),
        )
    assert Member.objects.count() == before


def test_an_unmask_reveals_nothing_when_its_audit_entry_fails(world, audit_down):
    actor = world.users["secretary"]
    with acting_as(actor, channel="web"), pytest.raises((RuntimeError, DatabaseError)):
        member_services.member_unmask(actor=actor, member=world.members["a1_member"])


# --- personal data never reaches the audit ------------------------------------------------------

def test_no_audit_entry_holds_a_clear_id_number(world):
    actor = world.users["secretary"]
    with acting_as(actor, channel="web"):
        number = member_services.member_unmask(actor=actor, member=world.members["a1_member"])
    assert number == ID_NUMBERS["a1_member"]
    client = world.client("city_admin")
    client.post(f"/members/{world.members['b1_member'].pk}/unmask/")
    client.get("/members/?export=csv")
    assert AuditEntry.objects.filter(action="member.create").count() == 4
    assert AuditEntry.objects.filter(action="member.unmask").count() == 2

    rows = list(AuditEntry.objects.values())
    everything = json.dumps(rows, default=str, ensure_ascii=False)
    for clear in ID_NUMBERS.values():
        assert clear not in everything
        assert clear[:17] not in everything
    # Hashes and request ids are hex and may hold long digit runs by chance: scan the rest.
    readable = [{k: v for k, v in row.items() if k not in ("prev_hash", "entry_hash", "request_id")}
                for row in rows]
    assert not ID_NUMBER_RE.search(json.dumps(readable, default=str, ensure_ascii=False))


def test_an_unmask_is_audited_with_who_and_which_member(world):
    client = world.client("secretary")
    member = world.members["a1_member"]
    response = client.post(f"/members/{member.pk}/unmask/", REMOTE_ADDR="10.2.3.4")
    assert ID_NUMBERS["a1_member"] in response.content.decode()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.username, entry.object_id, entry.ip, entry.org_id) == (
        "member.unmask", "secretary", str(member.pk), "10.2.3.4", world.branch_a1.pk)
    assert entry.request_id == response["X-Request-ID"]


def test_an_entry_records_utc_time_and_the_request_context(world):
    client = world.client("a_admin")
    client.post("/accounts/logout/", REMOTE_ADDR="10.9.8.7")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.channel == "web"
    assert entry.ip == "10.9.8.7"
    assert entry.created.utcoffset() == timedelta(0)
    assert entry.role == "组织部管理员@中共天津市和平区委员会"


# --- the command --------------------------------------------------------------------------------

def run(*args):
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


def test_the_verify_command_reports_an_intact_chain(db):
    record_many(3)
    assert run("verify").startswith("intact")


def test_the_verify_command_fails_with_exit_code_1_on_a_broken_chain(unguarded):
    entries = record_many(3)
    sql("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify", stdout=out)
    assert caught.value.returncode == 1
    assert out.getvalue().startswith("broken")


def test_the_purge_command_applies_the_retention(aged_chain):
    assert "删除 1 条" in run("purge")
    assert "删除 2 条" in run("purge", "--days", "100")  # treated as 184
    assert AuditEntry.objects.filter(pk=aged_chain[100].pk).exists()
    purge = AuditEntry.objects.order_by("-seq").first()
    assert (purge.action, purge.channel) == ("audit.purge", "cli")
    assert audit.verify().intact


def test_the_purge_command_refuses_a_nonsense_retention(db):
    with pytest.raises(CommandError):
        run("purge", "--days", "0")
