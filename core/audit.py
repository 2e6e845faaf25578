"""Writing and verifying the audit trail.

Every entry is written inside the caller's transaction: if the entry cannot be written, the
business write it records rolls back with it. Entries form a hash chain ordered by ``seq``, keyed
with HMAC-SM3 (the audit key lives in the key file, outside the database), so someone who can write
the database cannot recompute it. On PostgreSQL an advisory lock serialises appends, on SQLite the
IMMEDIATE transaction does. Anchors (the chain's start after a purge) are signed with the same key;
signed checkpoints written outside the database (a file and the log stream) catch a cut tail.
"""

import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, timedelta
from functools import partial
from hmac import compare_digest
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core import context
from core.access import get_scope
from core.crypto import get_provider, sm3_hex
from core.models import AuditAnchor, AuditEntry

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_KEY = 7_202_611  # any constant; one chain per database
logger = logging.getLogger("dangjian.audit")


def _json(payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _canonical(entry: AuditEntry) -> bytes:
    payload = [
        entry.seq,
        entry.created.astimezone(UTC).isoformat(),
        entry.user_id,
        entry.username,
        entry.role,
        entry.ip,
        entry.request_id,
        entry.channel,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.object_repr,
        entry.org_id,
        entry.org_path,
        entry.changes,
        entry.result,
        entry.prev_hash,
    ]
    return _json(payload)


def compute_hash(entry: AuditEntry) -> str:
    """HMAC-SM3 under the entry's audit key; plain SM3 for an entry from before the chain was
    keyed (no key id: verify accepts those only up to the anchor's ``legacy_until``)."""
    if not entry.key_id:
        return sm3_hex(_canonical(entry))
    return get_provider().audit_mac(_canonical(entry), entry.key_id)


def _same(expected: str, stored: str) -> bool:
    # Bytes: compare_digest refuses str with non-ASCII characters, which a forged row may hold.
    return compare_digest(expected.encode(), stored.encode())


def _signed(payload: list) -> dict:
    provider = get_provider()
    return {"key_id": provider.audit_key_id,
            "mac": provider.audit_mac(_json(payload), provider.audit_key_id)}


def _signature_holds(payload: list, key_id: str, mac: str) -> bool:
    try:
        return _same(get_provider().audit_mac(_json(payload), key_id), mac)
    except KeyError:
        return False


def _anchor_payload(seq, entry_hash, purged_at, legacy_until) -> list:
    return ["anchor", seq, entry_hash, purged_at.astimezone(UTC).isoformat(), legacy_until]


def signed_anchor(*, seq: int, entry_hash: str, purged_at, legacy_until: int) -> dict:
    """The fields of a new anchor row, signed with the active audit key."""
    payload = _anchor_payload(seq, entry_hash, purged_at, legacy_until)
    return {"seq": seq, "entry_hash": entry_hash, "purged_at": purged_at,
            "legacy_until": legacy_until, **_signed(payload)}


def _anchor_is_signed(anchor: AuditAnchor) -> bool:
    payload = _anchor_payload(anchor.seq, anchor.entry_hash, anchor.purged_at, anchor.legacy_until)
    return _signature_holds(payload, anchor.key_id, anchor.mac)


def seal_legacy_chain(entry_model, anchor_model) -> None:
    """(Migration core 0005.) The entries written before the chain was keyed keep their plain SM3
    hashes; one signed anchor records up to which ``seq`` that scheme is accepted, and replaces the
    unsigned anchor a purge may have left. Deleting that record afterwards rejects the old entries
    instead of accepting new ones as old. Nothing to do on an empty trail."""
    last = entry_model.objects.order_by("-seq").values_list("seq", flat=True).first()
    old = anchor_model.objects.order_by("-seq").first()
    if last is None and old is None:
        return
    start = (old.seq, old.entry_hash, old.purged_at) if old else (0, GENESIS_HASH, timezone.now())
    if old:
        unsigned = anchor_model.objects.all()
        unsigned._raw_delete(unsigned.db)  # before the anchors' triggers exist (same migration)
    anchor_model.objects.create(**signed_anchor(
        seq=start[0], entry_hash=start[1], purged_at=start[2], legacy_until=last or start[0]))


def _chain_head() -> tuple[int, str]:
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    if last:
        return last
    anchor = AuditAnchor.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    return anchor if anchor else (0, GENESIS_HASH)


def _role_label(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""

    return get_scope(user).role_label()


def record(
    action: str,
    *,
    obj=None,
    org=None,
    changes: dict | None = None,
    result: str = AuditEntry.Result.SUCCESS,
    user=None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one audit entry for ``action`` on ``obj`` by the current (or given) user."""
    ctx = context.current()
    actor = user if user is not None else ctx.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        if org is None and hasattr(obj, "audit_org"):
            org = obj.audit_org()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        last_seq, last_hash = _chain_head()
        entry = AuditEntry(
            seq=last_seq + 1,
            created=timezone.now(),
            user_id=getattr(actor, "pk", None),
            username=getattr(actor, "username", "")[:150],
            role=_role_label(actor)[:200],
            ip=ctx.ip[:45],
            request_id=ctx.request_id[:64],
            channel=ctx.channel,
            action=action,
            object_type=object_type[:60],
            object_id=str(object_id)[:64],
            object_repr=object_repr[:200],
            org_id=getattr(org, "pk", None),
            org_path=getattr(org, "path", "") or "",
            changes=changes or {},
            result=result,
            prev_hash=last_hash,
        )
        entry.key_id = get_provider().audit_key_id
        entry.entry_hash = compute_hash(entry)
        entry.save(force_insert=True)
        every = settings.AUDIT_CHECKPOINT_EVERY
        if every and entry.seq % every == 0:
            # After the commit only: a checkpoint must never vouch for an entry that rolls back.
            # robust: a full disk for the log costs the checkpoint, not the business write.
            transaction.on_commit(partial(write_checkpoint, entry.seq, entry.entry_hash),
                                  robust=True)
    return entry


def diff(before: dict, after: dict) -> dict:
    """Changed fields as {field: [before, after]}."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


# --- checkpoints outside the database ------------------------------------------------------------

def _checkpoint_payload(seq, entry_hash, time) -> list:
    return ["checkpoint", seq, entry_hash, time]


def write_checkpoint(seq: int | None = None, entry_hash: str = "") -> dict:
    """Sign (seq, hash, time) of the given entry, or of the chain's head, and write it outside the
    database: one JSON line appended to settings.AUDIT_CHECKPOINT_FILE (mode 0600, synced) and the
    same line in the log stream (logger ``dangjian.audit``), for a log collector to keep."""
    if seq is None:
        seq, entry_hash = _chain_head()
    time = timezone.now().astimezone(UTC).isoformat()
    line = {"seq": seq, "hash": entry_hash, "time": time,
            **_signed(_checkpoint_payload(seq, entry_hash, time))}
    text = json.dumps(line, sort_keys=True)
    path = Path(settings.AUDIT_CHECKPOINT_FILE)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (text + "\n").encode())  # one write: lines of several workers never mix
        os.fsync(fd)
    finally:
        os.close(fd)
    logger.info("audit checkpoint %s", text)
    return line


def _read_checkpoints(path: Path) -> tuple[dict[int, tuple[str, int]], str]:
    """{seq: (hash, line number)} of every checkpoint in ``path``, or the problem with a line.
    A line may carry text before its JSON (a copy of the log stream)."""
    marks: dict[int, tuple[str, int]] = {}
    if not path.exists():
        return marks, ""
    for number, text in enumerate(path.read_text(errors="replace").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            line = json.loads(text[text.index("{"):])
            seq, entry_hash, time = int(line["seq"]), str(line["hash"]), str(line["time"])
            key_id, mac = str(line["key_id"]), str(line["mac"])
        except (ValueError, KeyError, TypeError):
            return marks, f"检查点文件 {path} 第 {number} 行无法读取"
        if not _signature_holds(_checkpoint_payload(seq, entry_hash, time), key_id, mac):
            return marks, f"检查点文件 {path} 第 {number} 行未经审计密钥签名"
        marks.setdefault(seq, (entry_hash, number))
        if marks[seq][0] != entry_hash:
            return marks, f"检查点文件 {path} 第 {marks[seq][1]} 行与第 {number} 行对第 {seq} 条的哈希不一致"
    return marks, ""


# --- verify ---------------------------------------------------------------------------------------

@dataclass
class VerifyResult:
    intact: bool
    checked: int
    problem: str = ""
    seq: int | None = None
    checkpoints: int = 0
    last_checkpoint: int = 0

    def message(self) -> str:
        if not self.intact:
            return f"broken：{self.problem}"
        if not self.checkpoints:
            return f"intact：审计链完整，共校验 {self.checked} 条；尚无检查点"
        return (f"intact：审计链完整，共校验 {self.checked} 条，"
                f"与 {self.checkpoints} 个检查点一致（最近的到第 {self.last_checkpoint} 条）")


def _anchors(using: str) -> tuple[AuditAnchor | None, AuditAnchor | None]:
    """The anchor the chain starts from (the latest), and the first anchor not signed by the key."""
    anchors = list(AuditAnchor.objects.using(using).order_by("seq", "pk"))
    forged = next((anchor for anchor in anchors if not _anchor_is_signed(anchor)), None)
    return (anchors[-1] if anchors else None), forged


def _signature_problem(entry: AuditEntry, legacy_until: int) -> str:
    where = f"第 {entry.seq} 条（id={entry.pk}）"
    if not entry.key_id and entry.seq > legacy_until:
        return f"{where}未经审计密钥签名（哈希被改用无密钥的算法重新计算）"
    try:
        intact = _same(compute_hash(entry), entry.entry_hash)
    except KeyError:
        return f"{where}的签名密钥 {entry.key_id} 不在密钥文件中"
    return "" if intact else f"{where}内容被修改：哈希与签名不符"


def verify(*, checkpoints: Path | str | None = None, using: str = "default") -> VerifyResult:
    """Walk the chain in insertion order; name the first entry edited, deleted or reordered, a
    forged anchor, or a chain shorter than its checkpoints say (``checkpoints``: a file of them,
    by default settings.AUDIT_CHECKPOINT_FILE; a copy of the log stream's lines will do).
    ``using``: the database (a restore verifies the database it has just written)."""
    anchor, forged = _anchors(using)
    if forged:
        return VerifyResult(
            False, 0, f"审计链起点 #{forged.seq}（id={forged.pk}）未经审计密钥签名：起点是伪造的",
            forged.seq)
    marks, problem = _read_checkpoints(Path(checkpoints or settings.AUDIT_CHECKPOINT_FILE))
    if problem:
        return VerifyResult(False, 0, problem)
    expected_seq = (anchor.seq if anchor else 0) + 1
    prev_hash = anchor.entry_hash if anchor else GENESIS_HASH
    legacy_until = anchor.legacy_until if anchor else 0
    checked = 0
    entries = AuditEntry.objects.using(using)
    for entry in entries.order_by("pk").iterator(chunk_size=2000):
        problem = _signature_problem(entry, legacy_until)
        if problem:
            return VerifyResult(False, checked, problem, entry.seq)
        if entry.seq != expected_seq or entry.prev_hash != prev_hash:
            if entries.filter(seq=expected_seq).exists():
                problem = f"第 {expected_seq} 条附近顺序被调换（id={entry.pk} 处序号为 {entry.seq}）"
            else:
                problem = f"第 {expected_seq} 条被删除（其后为第 {entry.seq} 条，id={entry.pk}）"
            return VerifyResult(False, checked, problem, expected_seq)
        mark = marks.get(entry.seq)
        if mark and mark[0] != entry.entry_hash:
            return VerifyResult(False, checked, f"第 {entry.seq} 条的哈希与检查点（第 {mark[1]} 行）不符",
                                entry.seq)
        expected_seq = entry.seq + 1
        prev_hash = entry.entry_hash
        checked += 1
    last = max(marks, default=0)
    if last >= expected_seq:
        return VerifyResult(
            False, checked,
            f"审计链止于第 {expected_seq - 1} 条，但检查点记录到第 {last} 条：其后的记录被删除",
            expected_seq)
    return VerifyResult(True, checked, checkpoints=len(marks), last_checkpoint=last)


def purge_expired(*, days: int | None = None) -> int:
    """Delete entries older than the retention period (never younger than the legal minimum)."""
    days = max(days or settings.AUDIT_RETENTION_DAYS, settings.AUDIT_MIN_RETENTION_DAYS)
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        expired = AuditEntry.objects.filter(created__lt=cutoff).order_by("seq")
        last = expired.values_list("seq", "entry_hash").last()
        if last is None:
            return 0
        # Only a contiguous head of the chain may go, so the rest still verifies from the anchor.
        head = AuditEntry.objects.filter(seq__lte=last[0])
        count = head.count()
        latest = AuditAnchor.objects.order_by("-seq").first()
        AuditAnchor.objects.create(**signed_anchor(
            seq=last[0], entry_hash=last[1], purged_at=timezone.now(),
            legacy_until=latest.legacy_until if latest else 0))
        head._raw_delete(head.db)
        record("audit.purge", changes={"deleted": count, "up_to_seq": last[0], "days": days})
    return count
