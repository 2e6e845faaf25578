"""Writing and verifying the audit trail.

Every entry is written inside the caller's transaction: if the entry cannot be written, the
business write it records rolls back with it. Entries form an SM3 hash chain ordered by ``seq``;
on PostgreSQL an advisory lock serialises appends, on SQLite the IMMEDIATE transaction does.
"""

import json
from dataclasses import dataclass
from datetime import UTC, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core import context
from core.crypto import sm3_hex
from core.models import AuditAnchor, AuditEntry

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_KEY = 7_202_611  # any constant; one chain per database


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
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def compute_hash(entry: AuditEntry) -> str:
    return sm3_hex(_canonical(entry))


def _chain_head() -> tuple[int, str]:
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    if last:
        return last
    anchor = AuditAnchor.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    return anchor if anchor else (0, GENESIS_HASH)


def _role_label(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    from accounts.scope import get_scope

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
        entry.entry_hash = compute_hash(entry)
        entry.save(force_insert=True)
    return entry


def diff(before: dict, after: dict) -> dict:
    """Changed fields as {field: [before, after]}."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


@dataclass
class VerifyResult:
    intact: bool
    checked: int
    problem: str = ""
    seq: int | None = None

    def message(self) -> str:
        if self.intact:
            return f"intact：审计链完整，共校验 {self.checked} 条"
        return f"broken：{self.problem}"


def verify() -> VerifyResult:
    """Walk the chain in insertion order; name the first entry edited, deleted or reordered."""
    expected_seq, prev_hash = (
        AuditAnchor.objects.order_by("-seq").values_list("seq", "entry_hash").first()
        or (0, GENESIS_HASH)
    )
    expected_seq += 1
    checked = 0
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
        if compute_hash(entry) != entry.entry_hash:
            return VerifyResult(False, checked, f"第 {entry.seq} 条（id={entry.pk}）内容被修改", entry.seq)
        if entry.seq != expected_seq or entry.prev_hash != prev_hash:
            if AuditEntry.objects.filter(seq=expected_seq).exists():
                problem = f"第 {expected_seq} 条附近顺序被调换（id={entry.pk} 处序号为 {entry.seq}）"
            else:
                problem = f"第 {expected_seq} 条被删除（其后为第 {entry.seq} 条，id={entry.pk}）"
            return VerifyResult(False, checked, problem, expected_seq)
        expected_seq = entry.seq + 1
        prev_hash = entry.entry_hash
        checked += 1
    return VerifyResult(True, checked)


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
        AuditAnchor.objects.all().delete()
        AuditAnchor.objects.create(seq=last[0], entry_hash=last[1])
        head._raw_delete(head.db)
        record("audit.purge", changes={"deleted": count, "up_to_seq": last[0], "days": days})
    return count
