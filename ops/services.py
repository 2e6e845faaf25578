"""Backups and restores (`dangjian backup`, `dangjian restore FILE`), and the rotation of backup
files. Each is audited.

A backup file (``dangjian-<UTC time>.tgz.sm4`` in settings.BACKUP_DIR) is a gzip-compressed tar,
sealed with SM4-GCM (``ops.sealed``), holding ``database.sqlite3`` or ``database.pgdump``, the
uploads under ``files/`` and, last, ``manifest.json``: per table the row count and digest of the
snapshot, per file its size and SM3, the dump's SM3, and the audit chain's head at that moment.
"""

import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from core import audit
from core.models import AuditEntry
from ops import snapshot
from ops.models import Backup
from ops.sealed import BackupRefused, SealedReader, SealedWriter

NAME_PREFIX, NAME_SUFFIX = "dangjian-", ".tgz.sm4"
MANIFEST_FORMAT = 1


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


class _Hashing:
    """A file read through for tarfile, its SM3 taken on the way."""

    def __init__(self, fh):
        from cryptography.hazmat.primitives import hashes

        self.fh, self.hash = fh, hashes.Hash(hashes.SM3())

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.hash.update(data)
        return data


def _snapshot(work: Path) -> tuple[Path, dict]:
    """The database copied into ``work`` and the manifest's figures of that same moment."""
    table = AuditEntry._meta.db_table
    if connection.vendor == "sqlite":
        dump = work / "database.sqlite3"
        connection.ensure_connection()
        snapshot.sqlite_copy(connection.connection, dump)
        return dump, {"tables": snapshot.sqlite_tables(dump),
                      "audit": snapshot.sqlite_audit_head(dump, table)}
    if connection.vendor != "postgresql":
        raise BackupRefused(f"不支持备份 {connection.vendor} 数据库")
    dump = work / "database.pgdump"
    with snapshot.pg_connect(connection.settings_dict) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        exported = conn.execute("SELECT pg_export_snapshot()").fetchone()
        figures = {"tables": snapshot.pg_tables(conn), "audit": snapshot.pg_audit_head(conn, table)}
        snapshot.pg_dump(connection.settings_dict, exported[0] if exported else "", dump)
    return dump, figures


def _write_archive(target: Path, dump: Path, manifest: dict, started: datetime) -> None:
    files_root = Path(settings.FILES_ROOT)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        sealed = SealedWriter(out, meta={"created": started.isoformat(), "vendor": connection.vendor})
        with tarfile.open(fileobj=sealed, mode="w|gz") as tar:  # type: ignore[call-overload]
            manifest["database"] = {"name": dump.name, "size": dump.stat().st_size,
                                    "sm3": snapshot.file_sm3(dump)}
            tar.add(dump, arcname=dump.name)
            for path in sorted(p for p in files_root.rglob("*") if p.is_file()) if files_root.is_dir() else []:
                relative = path.relative_to(files_root).as_posix()
                with open(path, "rb") as fh:
                    info = tar.gettarinfo(fileobj=fh, arcname=f"files/{relative}")
                    reader = _Hashing(fh)
                    tar.addfile(info, reader)
                manifest["files"][relative] = {"size": info.size, "sm3": reader.hash.finalize().hex()}
            text = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(text), int(started.timestamp())
            tar.addfile(info, _BytesReader(text))
        sealed.close()
        out.flush()
        os.fsync(out.fileno())


class _BytesReader:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, size: int = -1) -> bytes:
        size = len(self.data) if size < 0 else size
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk


def backup_create(*, directory: Path | None = None, prune: bool = True) -> Backup:
    """Write one backup file; record and audit it (a failure too); then rotate the old ones."""
    directory = _private_dir(Path(directory or settings.BACKUP_DIR))
    started = timezone.now()
    name = f"{NAME_PREFIX}{started:%Y%m%dT%H%M%SZ}{NAME_SUFFIX}"
    target = directory / name
    partial = directory / f".{name}.part"
    work = Path(tempfile.mkdtemp(prefix=".work-", dir=directory))
    clock = time.monotonic()
    try:
        dump, figures = _snapshot(work)
        manifest: dict[str, Any] = {"format": MANIFEST_FORMAT, "created": started.isoformat(),
                                    "vendor": connection.vendor, "files": {}, **figures}
        _write_archive(partial, dump, manifest, started)
        os.replace(partial, target)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        failed = Backup.objects.create(started=started, finished=timezone.now(), status=Backup.Status.FAILED,
                                       vendor=connection.vendor, error=str(exc)[:500])
        audit.record("backup.create", obj=failed, result=AuditEntry.Result.FAILURE,
                     changes={"error": str(exc)[:200]})
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    tables = manifest["tables"]
    backup = Backup.objects.create(
        started=started, finished=timezone.now(), status=Backup.Status.OK, file_name=name,
        size=target.stat().st_size, vendor=connection.vendor, tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()), files=len(manifest["files"]))
    audit.record("backup.create", obj=backup, changes={
        "size": backup.size, "tables": backup.tables, "rows": backup.rows, "files": backup.files,
        "seconds": round(time.monotonic() - clock, 1)})
    if prune:
        backup_prune(directory=directory)
    return backup


# --- rotation -------------------------------------------------------------------------------------

def backup_time(name: str) -> datetime | None:
    """The UTC time in a backup file's name, or None for a name that is not one of ours."""
    if not (name.startswith(NAME_PREFIX) and name.endswith(NAME_SUFFIX)):
        return None
    try:
        return datetime.strptime(name[len(NAME_PREFIX):-len(NAME_SUFFIX)] + "+0000", "%Y%m%dT%H%M%SZ%z")
    except ValueError:
        return None


def kept(names: list[str], *, daily: int, monthly: int) -> set[str]:
    """The backups to keep: the newest of each of the last ``daily`` days that have one, and the
    newest of each of the last ``monthly`` months (local calendar days and months); the newest of
    all whatever the settings say (the one just written)."""
    dated = sorted(((moment, name) for name in names if (moment := backup_time(name))), reverse=True)
    if not dated:
        return set()
    days: dict[object, str] = {}
    months: dict[object, str] = {}
    for moment, name in dated:
        local = timezone.localtime(moment)
        if local.date() not in days and len(days) < daily:
            days[local.date()] = name
        if (local.year, local.month) not in months and len(months) < monthly:
            months[(local.year, local.month)] = name
    return {dated[0][1], *days.values(), *months.values()}


def backup_prune(*, directory: Path | None = None, daily: int | None = None,
                 monthly: int | None = None) -> list[str]:
    """Delete the backup files that ``kept`` does not keep (settings.BACKUP_KEEP_DAILY and
    BACKUP_KEEP_MONTHLY); mark their rows and audit the deletion."""
    directory = Path(directory or settings.BACKUP_DIR)
    names = [p.name for p in directory.glob(f"{NAME_PREFIX}*{NAME_SUFFIX}")] if directory.is_dir() else []
    keep = kept(names, daily=settings.BACKUP_KEEP_DAILY if daily is None else daily,
                monthly=settings.BACKUP_KEEP_MONTHLY if monthly is None else monthly)
    gone = sorted(name for name in names if backup_time(name) and name not in keep)
    for name in gone:
        (directory / name).unlink(missing_ok=True)
    if gone:
        Backup.objects.filter(file_name__in=gone).update(pruned=timezone.now())
        audit.record("backup.prune", object_type="backup", object_repr=str(directory)[:200],
                     changes={"deleted": gone})
    return gone


# --- restore --------------------------------------------------------------------------------------

@dataclass
class RestoreReport:
    manifest: dict
    tables: int = 0
    rows: int = 0
    files: int = 0
    differences: list[str] = field(default_factory=list)
    audit: str = ""

    @property
    def ok(self) -> bool:
        return not self.differences


def _database_empty(using: str) -> int:
    """How many tables the target database already holds (0: empty)."""
    return len(connections[using].introspection.table_names())


def _refuse_unless_empty(using: str, files_root: Path) -> None:
    tables = _database_empty(using)
    if tables:
        raise BackupRefused(f"目标数据库不是空的（已有 {tables} 张表）：恢复只写入空数据库，未做任何改动。"
                            "请新建一个空数据库（或移走 SQLite 数据库文件）后再恢复")
    if files_root.exists() and any(files_root.iterdir()):
        raise BackupRefused(f"上传文件目录 {files_root} 不是空的：恢复只写入空目录，未做任何改动")


def _unpack(path: Path, work: Path) -> dict:
    """Decrypt, authenticate and unpack the whole file into ``work``; the manifest, checked
    against what was unpacked. Nothing outside ``work`` is touched."""
    with open(path, "rb") as source:
        reader = SealedReader(source)
        try:
            with tarfile.open(fileobj=reader, mode="r|gz") as tar:  # type: ignore[call-overload]
                for member in tar:
                    if not (member.isfile() and (member.name in ("manifest.json", "database.sqlite3",
                                                                 "database.pgdump")
                                                 or member.name.startswith("files/"))):
                        raise BackupRefused(f"备份中有意外的条目 {member.name[:100]}")
                    tar.extract(member, work, filter="data")
            reader.read_to_end()
        except (tarfile.TarError, zlib.error, EOFError, OSError) as exc:
            raise BackupRefused(f"备份内容无法解开（{exc}）：文件损坏") from exc
    try:
        manifest = json.loads((work / "manifest.json").read_text())
        database = manifest["database"]
    except (OSError, ValueError, KeyError) as exc:
        raise BackupRefused("备份中没有可读的清单（manifest.json）") from exc
    dump = work / database["name"]
    if not dump.is_file() or snapshot.file_sm3(dump) != database["sm3"]:
        raise BackupRefused("备份中的数据库文件与清单的校验值不符")
    if snapshot.files_manifest(work / "files") != manifest["files"]:
        raise BackupRefused("备份中的上传文件与清单的校验值不符")
    if manifest["vendor"] == "sqlite" and snapshot.sqlite_tables(dump) != manifest["tables"]:
        raise BackupRefused("备份中的数据库与清单的逐表校验值不符")
    return manifest


def backup_check(*, path: Path, work_dir: Path | None = None) -> dict:
    """Open and check a backup file without restoring it: the manifest, or BackupRefused."""
    work = Path(tempfile.mkdtemp(prefix=".check-", dir=_private_dir(Path(work_dir or settings.BACKUP_DIR))))
    try:
        return _unpack(path, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def backup_restore(*, path: Path, using: str = "default", files_root: Path | None = None,
                   work_dir: Path | None = None) -> RestoreReport:
    """Restore a backup file into the empty database ``using`` and the empty uploads folder, then
    compare the restored tables and files with the manifest and verify the audit chain.

    Refused, with nothing changed, when the database or folder is not empty, the file is not
    whole or was altered, or the key file cannot open it."""
    files_root = Path(files_root or settings.FILES_ROOT)
    target = connections[using]
    _refuse_unless_empty(using, files_root)
    work = Path(tempfile.mkdtemp(prefix=".restore-", dir=_private_dir(Path(work_dir or settings.BACKUP_DIR))))
    try:
        manifest = _unpack(path, work)
        if manifest["vendor"] != target.vendor:
            raise BackupRefused(f"这是 {manifest['vendor']} 数据库的备份，不能恢复到 {target.vendor} 数据库")
        _refuse_unless_empty(using, files_root)
        dump = work / manifest["database"]["name"]
        target.close()
        if target.vendor == "sqlite":
            source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
            into = sqlite3.connect(target.settings_dict["NAME"])
            try:
                source.backup(into)
                into.execute("PRAGMA journal_mode=WAL")
            finally:
                source.close()
                into.close()
        else:
            snapshot.pg_restore(target.settings_dict, dump)
        _private_dir(files_root)
        for relative in manifest["files"]:
            destination = files_root / relative
            _private_dir(destination.parent)
            shutil.copyfile(work / "files" / relative, destination)
            os.chmod(destination, 0o600)
        return _compare(manifest, target, files_root, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _compare(manifest: dict, target, files_root: Path, work: Path) -> RestoreReport:
    """The restored database and files against the manifest, and the audit chain."""
    if target.vendor == "sqlite":
        tables = snapshot.sqlite_tables(Path(target.settings_dict["NAME"]))
    else:
        with snapshot.pg_connect(target.settings_dict) as conn:
            tables = snapshot.pg_tables(conn)
    report = RestoreReport(manifest, tables=len(tables), rows=sum(t["rows"] for t in tables.values()))
    expected = manifest["tables"]
    for name in sorted(set(tables) | set(expected)):
        if tables.get(name) != expected.get(name):
            report.differences.append(f"表 {name}：恢复后 {tables.get(name)}，清单 {expected.get(name)}")
    files = snapshot.files_manifest(files_root)
    report.files = len(files)
    for name in sorted(set(files) | set(manifest["files"])):
        if files.get(name) != manifest["files"].get(name):
            report.differences.append(f"文件 {name} 与清单不符")
    # The chain on its own (no checkpoint file: those of this machine may run past the backup).
    result = audit.verify(checkpoints=work / "no-checkpoints", using=target.alias)
    report.audit = result.message()
    if not result.intact:
        report.differences.append(f"审计链：{result.problem}")
    head = AuditEntry.objects.using(target.alias).order_by("-seq").values_list("seq", "entry_hash").first()
    if list(head or [0, ""]) != manifest["audit"]:
        report.differences.append(f"审计链末尾 {head} 与清单 {manifest['audit']} 不符")
    return report
