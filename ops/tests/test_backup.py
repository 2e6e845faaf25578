"""`dangjian backup` and `dangjian restore` (issue 15.1, reliability.md D1): a backup restores into
an empty database and folder with every table and file equal to its manifest and the audit chain
intact, on SQLite and PostgreSQL (the suite's DATABASE_URL); a restore into a database that is
not empty, a tampered or cut file, and a key that does not open it are refused with nothing
written. The backups run against committed data (``transactional_db``): pg_dump is another
connection and sees nothing of an open test transaction."""

import json
import os
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.crypto import create_key_file, get_provider
from core.models import AuditEntry
from dangjian.testing import make_world
from members.models import Member
from ops import services
from ops.models import Backup
from ops.sealed import BackupRefused

pytestmark = pytest.mark.usefixtures("transactional_db")
UPLOAD = b"%PDF-1.4 an uploaded document\n"


@pytest.fixture
def world_with_upload(settings, tmp_path):
    settings.FILES_ROOT = tmp_path / "source-files"
    (settings.FILES_ROOT / "ab").mkdir(parents=True)
    (settings.FILES_ROOT / "ab" / "abcdef.pdf").write_bytes(UPLOAD)
    settings.BACKUP_DIR = tmp_path / "backups"
    return make_world()


@pytest.fixture
def target(tmp_path):
    """An empty database of the suite's engine, as a connection alias (dropped afterwards)."""
    alias = f"restore_{uuid.uuid4().hex[:8]}"
    config = dict(connections["default"].settings_dict)
    if connection.vendor == "sqlite":
        config["NAME"] = str(tmp_path / "restored.sqlite3")
    else:
        config["NAME"] = f"dj_hops_{alias}"
        with psycopg.connect(_admin_conninfo(config), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')
    # Made, then unlisted: Django's test case lets a connection it does not list through (one
    # "created dynamically"); the ORM still finds it by its alias in this thread.
    connections.settings[alias] = config
    wrapper = connections[alias]
    del connections.settings[alias]
    yield wrapper
    wrapper.close()
    del connections[alias]
    if connection.vendor == "postgresql":
        with psycopg.connect(_admin_conninfo(config), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')


def _admin_conninfo(config) -> str:
    return psycopg.conninfo.make_conninfo(dbname="postgres", user=config.get("USER") or None,
                                          host=config.get("HOST") or None,
                                          port=str(config["PORT"]) if config.get("PORT") else None,
                                          password=config.get("PASSWORD") or None)


def _backup_file() -> Path:
    backup = services.backup_create()
    return Path(services.settings.BACKUP_DIR) / backup.file_name


def test_a_backup_restores_every_table_and_file_as_its_manifest_says_with_the_chain_intact(
        world_with_upload, target, tmp_path):
    world = world_with_upload
    path = _backup_file()
    files = tmp_path / "restored-files"

    report = services.backup_restore(path=path, using=target.alias, files_root=files)

    assert report.differences == []
    assert report.audit.startswith("intact")
    manifest = report.manifest
    assert manifest["tables"][Member._meta.db_table]["rows"] == Member.objects.count() == 4
    assert manifest["tables"][AuditEntry._meta.db_table]["rows"] == AuditEntry.objects.count() - 1
    assert report.rows == sum(t["rows"] for t in manifest["tables"].values()) > 100
    assert (files / "ab" / "abcdef.pdf").read_bytes() == UPLOAD
    # The encrypted ID numbers come back and decrypt with the key file (reliability.md D1).
    restored = Member.objects.using(target.alias).get(pk=world.members["a1_member"].pk)
    assert restored.get_id_number() == world.members["a1_member"].get_id_number()
    # The backup's own audit entry came after its snapshot: the restored chain ends before it.
    assert audit.verify(using=target.alias, checkpoints=tmp_path / "none").intact


def test_the_backup_file_holds_no_plaintext_and_says_only_how_it_was_sealed(world_with_upload):
    path = _backup_file()
    raw = path.read_bytes()
    assert raw.startswith(b"DJBACKUP")
    assert "张秀英".encode() not in raw and b"abcdef.pdf" not in raw and b"manifest" not in raw
    assert Backup.objects.get().status == Backup.Status.OK
    assert AuditEntry.objects.filter(action="backup.create").count() == 1


def test_backup_check_opens_a_good_file_and_refuses_a_changed_one(world_with_upload, capsys):
    path = _backup_file()
    call_command("backup", check=str(path))
    assert "备份完好" in capsys.readouterr().out
    _flip(path, 0.5)
    with pytest.raises(CommandError, match="校验失败"):
        call_command("backup", check=str(path))


def _flip(path: Path, where: float) -> None:
    raw = bytearray(path.read_bytes())
    raw[int(len(raw) * where)] ^= 0x01
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize("damage, message", [
    (lambda p: _flip(p, 0.5), "校验失败"),
    (lambda p: _flip(p, 0.999), "校验失败"),
    (lambda p: p.write_bytes(p.read_bytes()[:-100]), "已损坏|截断"),
    (lambda p: p.write_bytes(p.read_bytes() + b"more"), "多余的数据"),
    (lambda p: p.write_bytes(b"not a backup at all"), "不是本平台的备份文件"),
])
def test_a_damaged_backup_is_refused_and_nothing_is_written(world_with_upload, target, tmp_path,
                                                            damage, message):
    path = _backup_file()
    damage(path)
    files = tmp_path / "restored-files"
    with pytest.raises(BackupRefused, match=message):
        services.backup_restore(path=path, using=target.alias, files_root=files)
    assert target.introspection.table_names() == []
    assert not files.exists() or not any(files.iterdir())


def test_a_key_file_that_does_not_open_the_backup_is_refused(world_with_upload, target, settings, tmp_path):
    path = _backup_file()
    for key_id, message in (("k1", "密钥无法解密此备份"), ("k9", "没有加密此备份所用的密钥 k1")):
        settings.KEY_FILE = tmp_path / f"other-{key_id}.json"
        create_key_file(settings.KEY_FILE, key_id=key_id)
        get_provider.cache_clear()
        try:
            with pytest.raises(BackupRefused, match=message):
                services.backup_restore(path=path, using=target.alias, files_root=tmp_path / "f")
        finally:
            get_provider.cache_clear()
    assert target.introspection.table_names() == []


def test_a_restore_into_a_database_that_has_tables_is_refused_and_changes_nothing(world_with_upload, tmp_path):
    path = _backup_file()
    before = (Member.objects.count(), AuditEntry.objects.count())
    with pytest.raises(BackupRefused, match="目标数据库不是空的"):
        services.backup_restore(path=path, using="default", files_root=tmp_path / "empty")
    with pytest.raises(CommandError, match="拒绝恢复：目标数据库不是空的"):
        call_command("restore", str(path))
    assert (Member.objects.count(), AuditEntry.objects.count()) == before


def test_a_restore_into_a_files_folder_that_is_not_empty_is_refused(world_with_upload, target, tmp_path):
    path = _backup_file()
    files = tmp_path / "busy"
    files.mkdir()
    (files / "someone-elses.txt").write_text("x")
    with pytest.raises(BackupRefused, match="上传文件目录"):
        services.backup_restore(path=path, using=target.alias, files_root=files)
    assert target.introspection.table_names() == []


def test_a_failed_backup_is_recorded_and_audited(world_with_upload, monkeypatch):
    def broken(work):
        raise OSError("磁盘已满")

    monkeypatch.setattr(services, "_snapshot", broken)
    with pytest.raises(OSError):
        services.backup_create()
    failed = Backup.objects.get()
    assert (failed.status, failed.error) == (Backup.Status.FAILED, "磁盘已满")
    entry = AuditEntry.objects.get(action="backup.create")
    assert entry.result == AuditEntry.Result.FAILURE
    assert [p.name for p in Path(services.settings.BACKUP_DIR).iterdir()] == []


# --- rotation ----------------------------------------------------------------------------------

def _name(moment) -> str:
    return f"dangjian-{moment:%Y%m%dT%H%M%SZ}.tgz.sm4"


def test_rotation_keeps_the_newest_of_each_of_the_last_days_and_months():
    now = timezone.now().replace(hour=2, minute=0, second=0, microsecond=0)
    names = [_name(now - timedelta(hours=hours)) for hours in range(0, 24 * 100, 12)]
    keep = services.kept(names, daily=7, monthly=3)
    newest_by_day: dict = {}
    for name in sorted(names, reverse=True):
        newest_by_day.setdefault(timezone.localtime(services.backup_time(name)).date(), name)
    days = sorted(newest_by_day, reverse=True)
    assert {newest_by_day[day] for day in days[:7]} <= keep
    assert not {newest_by_day[day] for day in days[7:]} & keep - _month_newest(names, 3)
    assert len(keep) <= 7 + 3
    assert services.kept(["notes.txt", *names[:1]], daily=1, monthly=0) == {names[0]}
    assert services.kept(names, daily=0, monthly=0) == {names[0]}  # never the one just written


def _month_newest(names, count) -> set:
    months: dict = {}
    for name in sorted(names, reverse=True):
        local = timezone.localtime(services.backup_time(name))
        months.setdefault((local.year, local.month), name)
    return set(list(months.values())[:count])


def test_prune_deletes_the_files_rotation_drops_and_marks_their_rows(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path
    now = timezone.now()
    names = [_name(now - timedelta(days=days)) for days in range(5)]
    for name in [*names, "unrelated.txt"]:
        (tmp_path / name).write_bytes(b"x")
        Backup.objects.create(started=now, finished=now, status="ok", file_name=name, vendor="sqlite")
    gone = services.backup_prune(daily=2, monthly=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*names[:2], "unrelated.txt"])
    assert sorted(gone) == sorted(names[2:])
    assert set(Backup.objects.filter(pruned__isnull=False).values_list("file_name", flat=True)) == set(names[2:])
    assert AuditEntry.objects.filter(action="backup.prune").count() == 1


# --- the system administrator's page -------------------------------------------------------------

def _system_page(world) -> str:
    return world.client("sysadmin").get(reverse("core:system")).content.decode()


def test_the_system_page_lists_the_last_backups_and_warns_when_the_last_good_one_is_old(db):
    world = make_world()
    assert "还没有成功的备份" in _system_page(world)
    now = timezone.now()
    Backup.objects.create(started=now - timedelta(hours=30), finished=now - timedelta(hours=30), status="ok",
                          file_name="dangjian-old.tgz.sm4", size=3 * 2**20, vendor="sqlite")
    Backup.objects.create(started=now - timedelta(hours=1), finished=now - timedelta(hours=1), status="failed",
                          vendor="sqlite", error="磁盘已满")
    page = _system_page(world)
    assert "已超过 24 小时" in page and "dangjian-old.tgz.sm4" in page and "3.0" in page and "磁盘已满" in page
    Backup.objects.create(started=now, finished=now, status="ok", file_name="dangjian-new.tgz.sm4",
                          size=2048, vendor="sqlite")
    page = _system_page(world)
    assert "backup-warning" not in page and "dangjian-new.tgz.sm4" in page


def test_only_the_system_administrator_sees_the_backups(db):
    world = make_world()
    Backup.objects.create(started=timezone.now(), finished=timezone.now(), status="ok",
                          file_name="dangjian-x.tgz.sm4", vendor="sqlite")
    for persona in ("city_admin", "secadmin", "auditor"):
        response = world.client(persona).get(reverse("core:system"))
        assert response.status_code == 404
        assert "dangjian-x" not in response.content.decode()


def test_backup_files_and_their_folder_are_the_service_users_only(world_with_upload):
    path = _backup_file()
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(path.parent).st_mode & 0o777 == 0o700
    assert json.loads(json.dumps(services.backup_check(path=path)["files"])) == {
        "ab/abcdef.pdf": {"size": len(UPLOAD), "sm3": services.snapshot.file_sm3(
            services.settings.FILES_ROOT / "ab" / "abcdef.pdf")}}
