"""The keyed audit chain (issue 21.4): someone who can write the database — but has not the key
file — cannot cut the chain's tail, forge its start or rewrite it without `dangjian audit verify`
naming the break. Entries are HMAC-SM3 under a key outside the database; anchors are signed and
append-only; signed checkpoints outside the database (a file and the log stream) fix its length."""

import json
import stat
from io import StringIO

import pytest
from django.core.checks import Error
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core import audit, audit_guard, checks
from core.crypto import get_provider, sm3_hex
from core.models import AuditAnchor, AuditEntry


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "log" / "audit-checkpoints.jsonl"
    return settings.AUDIT_CHECKPOINT_FILE


@pytest.fixture
def attacker(db):
    """Someone with write access to the database: the triggers are the first thing to go (inside
    the test's transaction, so they come back with its rollback)."""
    audit_guard.uninstall(connection)


def sql(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def record_many(n):
    return [audit.record("test.event", object_repr=f"对象{i}") for i in range(n)]


def plain_sm3(entry):
    """The chain's hash function before it was keyed: all an attacker can compute."""
    return sm3_hex(audit._canonical(entry))


def run(*args):
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


# --- a clean chain ------------------------------------------------------------------------------

def test_entries_are_signed_with_the_audit_key_not_hashed_in_the_clear(db):
    entry = record_many(1)[0]
    assert entry.key_id == get_provider().audit_key_id
    assert entry.entry_hash == get_provider().audit_mac(audit._canonical(entry), entry.key_id)
    assert entry.entry_hash != plain_sm3(entry)


def test_a_clean_chain_with_checkpoints_verifies_as_intact(db):
    record_many(3)
    audit.write_checkpoint()
    record_many(2)
    audit.write_checkpoint()
    result = audit.verify()
    assert result.intact, result.problem
    assert (result.checked, result.checkpoints, result.last_checkpoint) == (5, 2, 5)
    assert run("verify").startswith("intact")


# --- the three rewrites of the issue --------------------------------------------------------------

def test_verify_names_a_cut_tail_against_the_last_checkpoint(attacker):
    entries = record_many(10)
    audit.write_checkpoint()
    sql("DELETE FROM core_auditentry WHERE seq > %s", [entries[6].seq])
    result = audit.verify()
    assert not result.intact
    assert result.seq == entries[7].seq
    assert f"审计链止于第 {entries[6].seq} 条，但检查点记录到第 {entries[9].seq} 条" in result.problem


def test_verify_names_a_cut_tail_that_new_entries_have_covered_up(attacker):
    entries = record_many(5)
    audit.write_checkpoint()
    sql("DELETE FROM core_auditentry WHERE seq > %s", [entries[2].seq])
    record_many(3)  # the chain is as long again, but its entry #5 is another one
    result = audit.verify()
    assert not result.intact
    assert result.seq == entries[4].seq
    assert f"第 {entries[4].seq} 条的哈希与检查点" in result.problem


def test_verify_names_a_forged_anchor_over_a_deleted_head(attacker):
    entries = record_many(8)
    cut = entries[4]
    sql("DELETE FROM core_auditentry WHERE seq <= %s", [cut.seq])
    sql("INSERT INTO core_auditanchor (seq, entry_hash, purged_at, legacy_until, key_id, mac) "
        "VALUES (%s, %s, %s, 0, %s, %s)",
        [cut.seq, cut.entry_hash, timezone.now(), cut.key_id, plain_sm3(cut)])
    result = audit.verify()
    assert not result.intact
    assert result.seq == cut.seq
    assert f"审计链起点 #{cut.seq}" in result.problem and "未经审计密钥签名" in result.problem


def edit_and_rehash(entries, index, *, key_id=None):
    """Edit entries[index] and recompute its hash and every later one with the hash function an
    attacker has; ``key_id=""`` also passes them off as written before the chain was keyed."""
    sql("UPDATE core_auditentry SET object_repr = %s WHERE seq = %s", ["改过的", entries[index].seq])
    prev_hash = entries[index - 1].entry_hash
    for entry in AuditEntry.objects.filter(seq__gte=entries[index].seq).order_by("seq"):
        entry.prev_hash = prev_hash
        entry.key_id = entry.key_id if key_id is None else key_id
        prev_hash = plain_sm3(entry)
        sql("UPDATE core_auditentry SET prev_hash = %s, entry_hash = %s, key_id = %s WHERE id = %s",
            [entry.prev_hash, prev_hash, entry.key_id, entry.pk])


def test_verify_names_an_edit_whose_later_hashes_were_all_recomputed(attacker):
    entries = record_many(6)
    edit_and_rehash(entries, 2)
    result = audit.verify()
    assert not result.intact
    assert result.seq == entries[2].seq
    assert "被修改" in result.problem


def test_verify_names_a_rewrite_that_passes_entries_off_as_from_before_the_key(attacker):
    entries = record_many(4)
    edit_and_rehash(entries, 1, key_id="")
    result = audit.verify()
    assert not result.intact
    assert result.seq == entries[1].seq
    assert "未经审计密钥签名" in result.problem


def test_the_verify_command_exits_1_naming_the_cut_tail(attacker):
    entries = record_many(4)
    run("checkpoint")
    sql("DELETE FROM core_auditentry WHERE seq = %s", [entries[3].seq])
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify", stdout=out)
    assert caught.value.returncode == 1
    assert out.getvalue().startswith("broken：审计链止于第 3 条，但检查点记录到第 4 条")


# --- checkpoints ------------------------------------------------------------------------------------

def test_a_checkpoint_is_signed_and_kept_in_a_private_file_and_the_log(db, checkpoint_file, caplog):
    entry = record_many(2)[-1]
    with caplog.at_level("INFO", logger="dangjian.audit"):
        assert "已写入检查点：第 2 条" in run("checkpoint")
    line = json.loads(checkpoint_file.read_text())
    assert (line["seq"], line["hash"], line["key_id"]) == (entry.seq, entry.entry_hash, entry.key_id)
    payload = audit._json(["checkpoint", line["seq"], line["hash"], line["time"]])
    assert line["mac"] == get_provider().audit_mac(payload, line["key_id"])
    assert stat.S_IMODE(checkpoint_file.stat().st_mode) == 0o600
    assert [r.getMessage() for r in caplog.records] == [f"audit checkpoint {json.dumps(line, sort_keys=True)}"]


def test_every_nth_entry_writes_a_checkpoint_once_committed(db, settings, checkpoint_file,
                                                           django_capture_on_commit_callbacks):
    settings.AUDIT_CHECKPOINT_EVERY = 3
    with django_capture_on_commit_callbacks(execute=True):
        entries = record_many(7)
    lines = [json.loads(text) for text in checkpoint_file.read_text().splitlines()]
    assert [(line["seq"], line["hash"]) for line in lines] == [
        (entries[2].seq, entries[2].entry_hash), (entries[5].seq, entries[5].entry_hash)]


def test_an_entry_that_rolls_back_gets_no_checkpoint(db, settings, checkpoint_file,
                                                     django_capture_on_commit_callbacks):
    settings.AUDIT_CHECKPOINT_EVERY = 1
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            audit.record("test.event")
            raise RuntimeError("the business write fails")
    assert not checkpoint_file.exists()
    assert audit.verify().intact


def test_verify_names_a_checkpoint_line_not_signed_by_the_key(db, checkpoint_file):
    record_many(3)
    line = audit.write_checkpoint()
    forged = {**line, "seq": 99}
    with checkpoint_file.open("a") as fh:
        fh.write(json.dumps(forged) + "\n")
    result = audit.verify()
    assert not result.intact
    assert "第 2 行未经审计密钥签名" in result.problem


def test_verify_checks_against_checkpoints_copied_from_the_log(attacker, checkpoint_file, tmp_path,
                                                              caplog):
    entries = record_many(3)
    with caplog.at_level("INFO", logger="dangjian.audit"):
        audit.write_checkpoint()
    copy = tmp_path / "from-the-log.txt"
    copy.write_text("".join(f"2026-12-03 10:00:00 INFO {r.getMessage()}\n" for r in caplog.records))
    sql("DELETE FROM core_auditentry WHERE seq = %s", [entries[2].seq])
    checkpoint_file.unlink()  # the local file is gone too
    assert audit.verify().intact  # nothing left to compare with here …
    result = audit.verify(checkpoints=copy)  # … but the log collector kept the line
    assert not result.intact
    assert "但检查点记录到第 3 条" in result.problem


# --- anchors are append-only and signed -------------------------------------------------------------

def test_the_orm_refuses_to_change_or_delete_anchors(db):
    anchor = AuditAnchor.objects.create(**audit.signed_anchor(
        seq=0, entry_hash=audit.GENESIS_HASH, purged_at=timezone.now(), legacy_until=0))
    for attempt in (lambda: AuditAnchor.objects.update(seq=5), AuditAnchor.objects.all().delete,
                    anchor.delete, anchor.save):
        with pytest.raises(PermissionError):
            attempt()
    assert AuditAnchor.objects.get().seq == 0


def test_the_database_refuses_raw_changes_to_anchors(db):
    AuditAnchor.objects.create(**audit.signed_anchor(
        seq=0, entry_hash=audit.GENESIS_HASH, purged_at=timezone.now(), legacy_until=0))
    statements = ["UPDATE core_auditanchor SET seq = 5", "DELETE FROM core_auditanchor"]
    if connection.vendor == "postgresql":
        statements.append("TRUNCATE core_auditanchor")
    for statement in statements:
        with pytest.raises(DatabaseError), transaction.atomic():
            sql(statement)
    assert AuditAnchor.objects.get().seq == 0


# --- keys: rotation, and the entries from before the chain was keyed --------------------------------

def test_entries_signed_with_an_earlier_audit_key_verify_after_a_rotation(db, monkeypatch):
    provider = get_provider()
    old_key = provider.audit_key_id
    record_many(2)
    monkeypatch.setitem(provider.audit_keys, "a9", bytes(range(32)))
    monkeypatch.setattr(provider, "audit_key_id", "a9")
    record_many(2)
    assert [e.key_id for e in AuditEntry.objects.order_by("seq")] == [old_key, old_key, "a9", "a9"]
    assert audit.verify().intact
    monkeypatch.delitem(provider.audit_keys, old_key)
    result = audit.verify()
    assert not result.intact
    assert f"签名密钥 {old_key} 不在密钥文件中" in result.problem


def legacy_chain(n):
    """Entries as the platform wrote them before the chain was keyed: plain SM3, no key id."""
    prev_hash = audit.GENESIS_HASH
    for seq in range(1, n + 1):
        entry = AuditEntry(seq=seq, created=timezone.now(), action="test.legacy", prev_hash=prev_hash)
        entry.entry_hash = prev_hash = plain_sm3(entry)
        entry.save(force_insert=True)


def test_entries_from_before_the_key_verify_after_the_upgrade_seals_them(db):
    legacy_chain(3)
    audit.seal_legacy_chain(AuditEntry, AuditAnchor)
    record_many(2)
    assert AuditAnchor.objects.get().legacy_until == 3
    result = audit.verify()
    assert result.intact, result.problem
    assert result.checked == 5


def test_entries_from_before_the_key_are_refused_without_the_signed_record_of_the_upgrade(attacker):
    legacy_chain(3)
    audit.seal_legacy_chain(AuditEntry, AuditAnchor)
    record_many(1)
    sql("DELETE FROM core_auditanchor")
    result = audit.verify()
    assert not result.intact
    assert result.seq == 1
    assert "未经审计密钥签名" in result.problem


def test_the_upgrade_re_signs_the_anchor_an_earlier_purge_left(attacker):
    legacy_chain(5)
    sql("DELETE FROM core_auditentry WHERE seq <= 2")
    three = AuditEntry.objects.get(seq=3)
    sql("INSERT INTO core_auditanchor (seq, entry_hash, purged_at, legacy_until, key_id, mac) "
        "VALUES (2, %s, %s, 0, '', '')", [three.prev_hash, timezone.now()])
    assert not audit.verify().intact  # an unsigned anchor, as the platform used to write them
    audit.seal_legacy_chain(AuditEntry, AuditAnchor)
    anchor = AuditAnchor.objects.get()
    assert (anchor.seq, anchor.legacy_until) == (2, 5)
    assert audit.verify().intact


# --- the triggers: always there, checked at deployment --------------------------------------------

def test_the_test_database_carries_the_audit_triggers_like_production(db):
    assert audit_guard.missing(connection) == []
    assert checks.audit_triggers(databases=["default"]) == []


def test_the_deploy_check_fails_when_an_audit_trigger_is_missing_or_disabled(db):
    if connection.vendor == "postgresql":
        sql("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_guard")
        gone = "core_auditentry_guard"
    else:
        sql("DROP TRIGGER core_auditanchor_no_delete")
        gone = "core_auditanchor_no_delete"
    errors = checks.audit_triggers(databases=["default"])
    assert [(type(e), e.id) for e in errors] == [(Error, "core.E001")]
    assert gone in errors[0].msg


def test_the_guard_command_puts_missing_triggers_back_and_is_audited(attacker):
    assert audit_guard.missing(connection)
    assert "已安装审计表触发器" in run("guard")
    assert audit_guard.missing(connection) == []
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.channel) == ("audit.guard", "cli")


def test_a_transactional_test_runs_without_the_audit_triggers(transactional_db):
    # …so that the flush at its end can empty the tables (conftest.flushable_audit_trail).
    assert audit_guard.missing(connection) == audit_guard.TRIGGERS[connection.vendor]


def test_the_triggers_are_back_after_a_transactional_test(db):
    assert audit_guard.missing(connection) == []
