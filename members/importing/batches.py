"""The import batch: upload, preview (check every row and keep it), commit (write all kept rows
in one transaction), discard.

The preview reads the file once and keeps each checked row as an ``ImportRow``: masked for the
preview page, and ready to write for the commit (ID and phone numbers encrypted, never in
clear). The commit does not read the file again; it re-checks, inside its transaction, what may
have changed since the preview: the importer's scope over each org and group, and which ID
numbers are now registered (a row previewed as new may have been registered since).

Both phases are long for a big roster, so pages run them on the task worker (members.tasks);
the CLI and the benchmark call them directly.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core import audit, files
from core.access import get_scope
from core.bulk import insert_many
from core.models import AuditEntry
from members import summaries as member_counts
from members.importing.checking import DATE_FIELDS, OUTSIDE_SCOPE, RosterChecker, check_file
from members.importing.reading import CHUNK, MAX_FILE_BYTES, TEXT_FIELDS, ImportRefused
from members.models import (
    ACTIVE_STATUSES,
    ImportBatch,
    ImportRow,
    Member,
    MemberCategory,
    MemberEvent,
    MemberStatus,
)
from orgs.models import Org, OrgKind

# Fields a re-import may overwrite, as Member attributes; which of them it does depends on the
# file's columns (ImportBatch.columns). Compared before and after, so an unchanged member is not
# written at all.
ALWAYS = ("name", "name_initials", "name_pinyin", "org_id", "joined")
BY_COLUMN = {
    "group": ("group_id",), "converted": ("converted",), "applied": ("applied",),
    "education": ("education",), "category": ("category",), "status": ("status",),
    "phone": ("phone_cipher", "phone_index", "phone_masked"),
    **{key: (key,) for key in TEXT_FIELDS},
}
DEFAULTS = {"category": MemberCategory.IN_SERVICE, "education": "", "group_id": None, "ethnicity": "汉族",
            "converted": None, "applied": None, "phone_cipher": "", "phone_index": "", "phone_masked": ""}
STALE_PARSE = timedelta(minutes=10)


def batch_upload(*, actor, upload, file_name: str, default_org: Org | None = None) -> ImportBatch:
    """Store the uploaded roster (checked by content) as a pending batch."""
    if default_org is not None and not get_scope(actor).covers(default_org.path, "member.change"):
        raise ValidationError("默认党组织不在您的管理范围内")
    stored = files.store(upload, allowed={"xlsx", "csv"}, max_bytes=MAX_FILE_BYTES)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            org=default_org, uploaded_by=actor, file_name=file_name[:200], stored_name=stored.stored_name)
        audit.record("member.import.upload", obj=batch, org=default_org,
                     changes={"file": batch.file_name, "size": stored.size, "sha256": stored.sha256})
    return batch


def batch_submit(*, actor, upload, file_name: str, default_org: Org | None = None) -> ImportBatch:
    """Store the roster (``batch_upload``) and queue its check on the task worker once the batch
    is committed: pages and the API submit, the CLI and the benchmark check at once."""
    with transaction.atomic():
        batch = batch_upload(actor=actor, upload=upload, file_name=file_name, default_org=default_org)
        transaction.on_commit(lambda: _tasks().import_check.enqueue(batch.pk))
    return batch


def batch_commit_queue(*, actor, batch: ImportBatch) -> None:
    """Claim a clean preview for committing and queue the write on the task worker once the
    claim is committed (pages and the API; the CLI commits at once with ``batch_commit``)."""
    with transaction.atomic():
        batch_commit_claim(actor=actor, batch=batch)
        transaction.on_commit(lambda: _tasks().import_commit.enqueue(batch.pk))


def _tasks():
    # members.tasks imports this package (its tasks run the services below), so it is imported
    # when a task is queued, not when this module loads.
    from members import tasks  # a cycle: members.tasks imports this package

    return tasks


def _kind(batch: ImportBatch) -> str:
    return batch.stored_name.rsplit(".", 1)[-1]


def _claim(batch: ImportBatch, statuses: list[str], new_status: str, *, stale_after: timedelta | None = None) -> bool:
    """Move the batch to ``new_status`` if nobody else did: one worker runs each phase."""
    q = Q(status__in=statuses)
    if stale_after:  # a worker killed mid-parse leaves PARSING behind; let it be retried
        q |= Q(status=ImportBatch.Status.PARSING, updated__lt=timezone.now() - stale_after)
    now = timezone.now()
    claimed = ImportBatch.objects.filter(q, pk=batch.pk).update(status=new_status, progress=0, updated=now,
                                                                phase_started=now)
    if claimed:
        batch.status, batch.progress, batch.phase_started = new_status, 0, now
    return bool(claimed)


def _set_progress(batch: ImportBatch, percent: int) -> None:
    # Outside any transaction: each update commits at once, so polling pages see it.
    ImportBatch.objects.filter(pk=batch.pk).update(progress=percent, updated=timezone.now())


def _fail(batch: ImportBatch, message: str) -> None:
    batch.status, batch.message = ImportBatch.Status.FAILED, message[:300]
    batch.save(update_fields=["status", "message", "updated"])


def batch_preview(*, actor, batch: ImportBatch) -> ImportBatch:
    """Read and check every row once; keep the rows (``ImportRow``) and the counts on the batch;
    delete the uploaded file. Each chunk of rows commits on its own, so the page can show
    progress; a refused file leaves no rows behind."""
    if not _claim(batch, [ImportBatch.Status.PENDING], ImportBatch.Status.PARSING, stale_after=STALE_PARSE):
        batch.refresh_from_db()
        return batch
    ImportRow.objects.filter(batch=batch).delete()  # a retried parse starts over
    checker = RosterChecker(actor, default_org=batch.org)
    total = errors = refused_scope = 0
    try:
        for chunk in check_file(files.path_of(batch.stored_name), _kind(batch), checker,
                                progress=lambda p: _set_progress(batch, p)):
            ImportRow.objects.bulk_create([row.import_row(batch) for row in chunk])
            total += len(chunk)
            errors += sum(1 for row in chunk if row.errors)
            refused_scope += sum(1 for row in chunk if any("管理范围" in e for e in row.errors))
    except ImportRefused as exc:
        ImportRow.objects.filter(batch=batch).delete()
        _fail(batch, str(exc))
        files.delete(batch.stored_name)
        return batch
    # The checked rows hold all the commit needs (numbers encrypted): the uploaded file, with its
    # clear ID and phone numbers, is not kept a moment longer.
    files.delete(batch.stored_name)
    with transaction.atomic():
        batch.columns = checker.columns
        batch.total_rows, batch.error_rows, batch.valid_rows = total, errors, total - errors
        batch.status, batch.progress, batch.message = ImportBatch.Status.PREVIEWED, 100, ""
        batch.save()
        # Rows naming orgs or members outside the importer's scope are attempts worth a record.
        audit.record("member.import.preview", obj=batch, org=batch.org,
                     result="denied" if refused_scope else "success",
                     changes={"rows": total, "errors": errors, "out_of_scope": refused_scope})
    return batch


def batch_commit_claim(*, actor, batch: ImportBatch) -> None:
    """Mark a clean preview as being committed, so it is committed once however often the
    button is pressed."""
    if batch.error_rows or not _claim(batch, [ImportBatch.Status.PREVIEWED], ImportBatch.Status.COMMITTING):
        raise ValidationError("只有预览无错误的导入才能确认（请修正文件后重新上传）")


def batch_commit(*, actor, batch: ImportBatch) -> ImportBatch:
    """Claim and write (the CLI's and the benchmark's way; pages claim, then queue the write)."""
    batch_commit_claim(actor=actor, batch=batch)
    return batch_commit_run(actor=actor, batch=batch)


def batch_commit_run(*, actor, batch: ImportBatch) -> ImportBatch:
    """Write every kept row in one transaction; any row that no longer passes rolls all back.

    Members are written with bulk_create/bulk_update per chunk, each with a timeline line (记实),
    and the audit trail gets one ``member.import`` entry with the counts: 100,000 hash-chained
    entries would serialise on the chain head for minutes, while the batch (file, sha256, rows)
    and each member's timeline already say what was written for whom."""
    if batch.status != ImportBatch.Status.COMMITTING:
        raise ValidationError("这次导入不在待写入状态")
    writer = _Writer(actor, batch)
    try:
        with transaction.atomic():
            last = 0
            while chunk := list(ImportRow.objects.filter(batch=batch, ok=True, number__gt=last)
                                .order_by("number").values_list("number", "data")[:CHUNK]):
                writer.write(chunk)
                last = chunk[-1][0]
            batch.status, batch.progress = ImportBatch.Status.COMMITTED, 100
            batch.created_rows, batch.updated_rows = writer.created, writer.matched
            batch.committed_at, batch.message = timezone.now(), ""
            batch.save()
            # The rows stay as the batch's report; what was ready to write goes.
            ImportRow.objects.filter(batch=batch).update(data=None)
            audit.record("member.import", obj=batch, org=batch.org, changes={
                "file": batch.file_name, "created": writer.created, "updated": writer.matched,
                "changed": writer.changed})
    except ImportRefused as exc:
        _fail(batch, str(exc))
    except IntegrityError:
        _fail(batch, "导入期间有人登记了同一身份证号，已全部撤销，请重新上传")
    return batch


class _Writer:
    """Writes kept rows chunk by chunk inside the commit's transaction, re-checking scope."""

    def __init__(self, actor, batch: ImportBatch):
        self.actor, self.batch = actor, batch
        self.scope = get_scope(actor)
        self.columns = set(batch.columns)
        self.allowed_orgs: dict[int, bool] = {}
        self.paths: dict[int, tuple[str, str]] = {}  # org id → (path, kind)
        self.fields = [*ALWAYS, *(f for key in sorted(self.columns) for f in BY_COLUMN.get(key, ()))]
        self.update_fields = sorted({*self.fields, "status"})
        self.created = self.matched = self.changed = 0
        self.today = timezone.localdate()
        self.summaries = {
            "create": f"花名册导入：建立党员档案（{batch.file_name}）"[:300],
            "update": f"花名册导入：更新党员档案（{batch.file_name}）"[:300],
        }

    def _refuse(self, number: int, reason: str):
        return ImportRefused(f"第{number}行：{reason}（数据在预览后已变化，请重新上传）")

    def _check_orgs(self, chunk: list[tuple[int, dict]]) -> None:
        """Each org still exists and is still in the importer's scope; each group still under its org."""
        wanted = {data["org_id"] for _, data in chunk} | {data["group_id"] for _, data in chunk if data["group_id"]}
        unknown = wanted - self.allowed_orgs.keys()
        if unknown:
            found = {pk: (path, kind) for pk, path, kind in
                     Org.objects.filter(pk__in=unknown).values_list("pk", "path", "kind")}
            for pk in unknown:
                path, kind = found.get(pk, ("", ""))
                self.allowed_orgs[pk] = bool(path) and self.scope.covers(path, "member.change")
                self.paths[pk] = (path, kind)
        for number, data in chunk:
            if not self.allowed_orgs[data["org_id"]]:
                raise self._refuse(number, "所在党组织已不存在或已不在您的管理范围内")
            group = data["group_id"]
            if group:
                org_path = self.paths[data["org_id"]][0]
                group_path, kind = self.paths[group]
                if kind != OrgKind.GROUP or not group_path.startswith(org_path):
                    raise self._refuse(number, "所在党小组已不在该党组织之下")

    def write(self, chunk: list[tuple[int, dict]]) -> None:
        self._check_orgs(chunk)
        existing = {m.id_number_index: m for m in Member.objects.select_for_update(of=("self",))
                    .filter(id_number_index__in=[data["id_number_index"] for _, data in chunk])
                    .select_related("org")}
        new_rows, changed, counted = [], [], []
        for number, data in chunk:
            member = existing.get(data["id_number_index"])
            if member is None:
                new_rows.append({**DEFAULTS, **self._values(data)})
                continue
            if not self.scope.covers(member.org.path, "member.change"):
                raise self._refuse(number, OUTSIDE_SCOPE)
            self.matched += 1
            before = member_counts.place(member)
            if self._apply(member, data):
                counted.append((before, member_counts.place(member)))
                # Only members whose data changed are written and get a timeline line:
                # re-importing an unchanged roster writes nothing.
                member.updated = timezone.now()
                changed.append(member)
        insert_many(Member, new_rows)
        member_counts.moved_many([*counted, *((None, member_counts.place_values(
            row["org_id"], row["status"], row["gender"], row.get("education"), row.get("occupation"),
            row["birth_date"], row["joined"])) for row in new_rows)])
        if changed:
            Member.objects.bulk_update(changed, ["updated", *self.update_fields], batch_size=100)
        member_counts.announce([(m.pk, before, after) for m, (before, after) in zip(changed, counted, strict=True)])
        new_ids = list(Member.objects.filter(id_number_index__in=[row["id_number_index"] for row in new_rows])
                       .values_list("pk", flat=True)) if new_rows else []
        event = {"kind": "import", "actor_id": self.actor.pk, "occurred": self.today}
        insert_many(MemberEvent, [{**event, "member_id": pk, "summary": self.summaries["create"]} for pk in new_ids]
                    + [{**event, "member_id": m.pk, "summary": self.summaries["update"]} for m in changed])
        self.created += len(new_rows)
        self.changed += len(changed)

    @staticmethod
    def _values(data: dict) -> dict:
        values = dict(data)
        for key in (*DATE_FIELDS, "birth_date"):
            if values.get(key):
                values[key] = date.fromisoformat(values[key])
        return values

    def _apply(self, member: Member, data: dict) -> bool:
        """Overwrite the fields whose column is in the file; leave the rest of the archive alone.
        True when anything changed."""
        values = self._values(data)
        before = {name: getattr(member, name) for name in self.update_fields}
        for name in self.fields:
            if name == "phone_cipher" and values.get("phone_index") == before["phone_index"]:
                continue  # the same number: keep its stored ciphertext rather than churn it
            setattr(member, name, values.get(name, DEFAULTS.get(name, "")))
        if "status" not in self.columns and member.status in ACTIVE_STATUSES:
            member.status = MemberStatus.FULL if member.converted else MemberStatus.PROBATIONARY
        return any(getattr(member, name) != value for name, value in before.items())


INTERRUPTED = "后台任务中断（任务执行进程意外退出），未导入任何数据；请重新上传文件"


def batch_fail_interrupted(*, batch: ImportBatch) -> bool:
    """Fail a batch whose check or commit died with its worker: a check's partial rows go, a
    commit's staged rows are cleared (its transaction was rolled back), the uploaded file — clear
    ID numbers in it — is deleted. False when the batch has moved on meanwhile."""
    with transaction.atomic():
        if not ImportBatch.objects.filter(pk=batch.pk, status=batch.status).update(
                status=ImportBatch.Status.FAILED, message=INTERRUPTED, updated=timezone.now()):
            return False
        if batch.status == ImportBatch.Status.PARSING:
            ImportRow.objects.filter(batch=batch).delete()
        else:
            ImportRow.objects.filter(batch=batch).update(data=None)
        # Recorded as the system's (the worker's start), not as the uploader's action.
        audit.record("member.import.interrupted", obj=batch, org=batch.org,
                     result=AuditEntry.Result.FAILURE, changes={"phase": batch.status})
    files.delete(batch.stored_name)
    return True


def batch_discard(*, actor, batch: ImportBatch) -> None:
    with transaction.atomic():
        if ImportBatch.objects.filter(pk=batch.pk, status__in=[
                ImportBatch.Status.PENDING, ImportBatch.Status.PREVIEWED, ImportBatch.Status.FAILED]
        ).update(status=ImportBatch.Status.DISCARDED, updated=timezone.now()):
            ImportRow.objects.filter(batch=batch).update(data=None)
            audit.record("member.import.discard", obj=batch, org=batch.org)
    files.delete(batch.stored_name)
