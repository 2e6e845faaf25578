"""Roster imports on the task worker (django-tasks' database backend, as `make run` runs it): the
upload only queues the check; the batch page shows it waiting, then the worker's progress; the
commit is queued the same way and written once however often it is pressed."""

import io
import os
import socket
import sqlite3
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from core import files
from core.models import AuditEntry
from members import importing, tasks
from members.importing.reading import LAYOUT
from members.models import ImportBatch, Member
from members.tests.test_import import committed, person, xlsx

ROOT = Path(__file__).resolve().parents[2]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def database_tasks(settings, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    # The worker closes "old" connections between tasks; inside a test's transaction that would
    # close the test's own connection (on PostgreSQL), so it is a no-op here.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def test_an_upload_queues_the_check_and_the_worker_runs_it_as_the_uploader(world, database_tasks):
    client = world.client("a_admin")
    response = committed(client.post, "/members/import/",
                         {"file": SimpleUploadedFile("r.xlsx", xlsx([person(1), person(2)]))})
    batch = ImportBatch.objects.get()
    assert batch.status == "pending" and DBTaskResult.objects.count() == 1
    page = client.get(response.url).content.decode()
    assert "排队等待后台检查" in page and 'hx-trigger="every 1s"' in page

    run_worker()
    batch.refresh_from_db()
    assert (batch.status, batch.total_rows, batch.valid_rows, batch.progress) == ("previewed", 2, 2, 100)
    entry = AuditEntry.objects.get(action="member.import.preview")
    assert (entry.username, entry.channel) == ("a_admin", "task")
    progress = client.get(f"/members/import/{batch.pk}/progress/", headers={"HX-Request": "true"})
    assert progress["HX-Refresh"] == "true"


def test_the_commit_is_queued_shown_as_running_and_written_once(world, database_tasks):
    client = world.client("a_admin")
    committed(client.post, "/members/import/", {"file": SimpleUploadedFile("r.xlsx", xlsx([person(1), person(2)]))})
    run_worker()
    batch = ImportBatch.objects.get()
    committed(client.post, f"/members/import/{batch.pk}/commit/")
    response = committed(client.post, f"/members/import/{batch.pk}/commit/", follow=True)  # pressed twice
    assert "只有预览无错误的导入才能确认" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == "committing" and not Member.objects.filter(name__startswith="刘洋").exists()
    progress = client.get(f"/members/import/{batch.pk}/progress/", headers={"HX-Request": "true"})
    assert "正在写入数据库" in progress.content.decode() and "HX-Refresh" not in progress

    run_worker()
    batch.refresh_from_db()
    assert (batch.status, batch.created_rows) == ("committed", 2)
    assert Member.objects.filter(name__startswith="刘洋").count() == 2
    assert AuditEntry.objects.filter(action="member.import").count() == 1


# --- queued by the services, once their transaction commits ---------------------------------

def _submit(world):
    return importing.batch_submit(actor=world.users["a_admin"], upload=SimpleUploadedFile("r.xlsx", xlsx([person(1)])),
                                  file_name="r.xlsx")


def test_a_submitted_roster_queues_its_check_when_its_transaction_commits(world):
    with mock.patch("members.tasks.import_check") as check, TestCase.captureOnCommitCallbacks(execute=True):
        batch = _submit(world)
        assert not check.enqueue.called  # not before the batch is committed
    check.enqueue.assert_called_once_with(batch.pk)


def test_a_submitted_roster_whose_transaction_rolls_back_queues_no_check(world):
    with mock.patch("members.tasks.import_check") as check, TestCase.captureOnCommitCallbacks(execute=True) as queued:
        with transaction.atomic():
            _submit(world)
            transaction.set_rollback(True)
    assert queued == [] and not check.enqueue.called
    assert not ImportBatch.objects.exists()


def test_a_claimed_commit_is_queued_when_its_transaction_commits_and_not_when_it_rolls_back(world):
    batch = importing.batch_preview(actor=world.users["a_admin"], batch=_submit(world))
    with mock.patch("members.tasks.import_commit") as commit, TestCase.captureOnCommitCallbacks(execute=True):
        with transaction.atomic():
            importing.batch_commit_queue(actor=world.users["a_admin"], batch=batch)
            transaction.set_rollback(True)
    assert not commit.enqueue.called
    assert ImportBatch.objects.get(pk=batch.pk).status == "previewed"
    with mock.patch("members.tasks.import_commit") as commit, TestCase.captureOnCommitCallbacks(execute=True):
        importing.batch_commit_queue(actor=world.users["a_admin"], batch=batch)
    commit.enqueue.assert_called_once_with(batch.pk)
    assert ImportBatch.objects.get(pk=batch.pk).status == "committing"


# --- a file that stopped every import (issue 21, item 1) --------------------------------------

def far_cell_xlsx(*, dimension: bool) -> bytes:
    """About 1.7 KB: the roster template's header row and one cell at XFD1048576, the sheet's last.
    A reader that holds the sheet's rectangle would allocate 16,384 × 1,048,576 cells (512 GB).
    With ``dimension`` the sheet declares that range, as Excel and openpyxl write it."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{title}</t></is></c>'
                     for i, (_, title, _) in enumerate(LAYOUT[:26]))
    declared = '<dimension ref="A1:XFD1048576"/>' if dimension else ""
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       f'<Relationship Id="rId1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook {ns} xmlns:r="{rels}"><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/>'
                           "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                                      f'<Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/>'
                                      "</Relationships>",
        "xl/worksheets/sheet1.xml": f'<worksheet {ns}>{declared}<sheetData><row r="1">{header}</row>'
                                    '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def run_real_worker(tmp_path) -> subprocess.CompletedProcess:
    """`dangjian db_worker --batch` as a process of its own (as `make run` starts it), on this
    test's database. SQLite's test database lives in memory: it is copied to a file for the
    worker and back afterwards."""
    connection.ensure_connection()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DANGJIAN_", "DJANGO_", "DATABASE_URL", "PYTEST"))}
    env.update(DJANGO_SETTINGS_MODULE="dangjian.settings", DANGJIAN_DEMO="1", DANGJIAN_VAR_DIR=str(tmp_path),
               DANGJIAN_KEY_FILE=str(django_settings.KEY_FILE), DANGJIAN_FILES_ROOT=str(files.root()))
    if connection.vendor == "sqlite":
        copy = tmp_path / "worker.sqlite3"
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
        env["DATABASE_URL"] = f"sqlite:///{copy}"
    else:
        db = connection.settings_dict
        env["DATABASE_URL"] = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    result = subprocess.run([sys.executable, "-m", "django", "db_worker", "--batch", "--no-startup-delay"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if connection.vendor == "sqlite":
        with sqlite3.connect(copy) as source:
            source.backup(connection.connection)
    return result


@pytest.mark.usefixtures("transactional_db")
def test_a_far_off_cell_fails_its_own_batch_and_the_real_worker_goes_on(world, database_tasks, tmp_path):
    actor = world.users["a_admin"]
    batches = []
    for name, content in (("declared.xlsx", far_cell_xlsx(dimension=True)),
                          ("undeclared.xlsx", far_cell_xlsx(dimension=False)),
                          ("good.xlsx", xlsx([person(1), person(2)]))):
        batches.append(importing.batch_upload(actor=actor, upload=SimpleUploadedFile(name, content), file_name=name))
        tasks.import_check.enqueue(batches[-1].pk)
    assert len(far_cell_xlsx(dimension=False)) < 2048

    result = run_real_worker(tmp_path)

    assert result.returncode == 0, result.stderr[-2000:]
    declared, undeclared, good = (ImportBatch.objects.get(pk=b.pk) for b in batches)
    assert declared.status == undeclared.status == "failed"
    assert "最多 50 列、210000 行" in declared.message and "XFD1048576" in declared.message
    assert "内存上限" in undeclared.message
    assert (good.status, good.valid_rows) == ("previewed", 2)
    assert not any(files.path_of(b.stored_name).exists() for b in batches)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def _stranded(world, name: str, status: str, *, worker: str | None) -> ImportBatch:
    """A batch a worker was running five minutes ago, and its task RUNNING on ``worker``."""
    actor = world.users["a_admin"]
    batch = importing.batch_upload(actor=actor, upload=SimpleUploadedFile(name, xlsx([person(1)])), file_name=name)
    if worker:
        tasks.import_check.enqueue(batch.pk)
        DBTaskResult.objects.filter(args_kwargs__args=[batch.pk]).update(
            status="RUNNING", worker_ids=[worker], started_at=timezone.now() - timedelta(minutes=5))
    ImportBatch.objects.filter(pk=batch.pk).update(status=status, updated=timezone.now() - timedelta(minutes=5))
    return batch


def test_a_starting_worker_fails_the_batches_and_tasks_a_dead_worker_left(world, database_tasks):
    ended = subprocess.Popen(["true"])
    ended.wait()
    host = socket.gethostname()[:40]
    dead = _stranded(world, "dead.xlsx", "parsing", worker=f"{host}:{ended.pid}:x")
    untasked = _stranded(world, "untasked.xlsx", "committing", worker=None)
    alive = _stranded(world, "alive.xlsx", "parsing", worker=f"{host}:{os.getppid()}:x")
    elsewhere = _stranded(world, "elsewhere.xlsx", "parsing", worker=f"other-host:{ended.pid}:x")

    run_worker()

    for batch in (dead, untasked):
        batch.refresh_from_db()
        assert batch.status == "failed" and "后台任务中断" in batch.message
        assert not files.path_of(batch.stored_name).exists()
    assert DBTaskResult.objects.get(args_kwargs__args=[dead.pk]).status == "FAILED"
    for batch in (alive, elsewhere):
        batch.refresh_from_db()
        assert batch.status == "parsing" and files.path_of(batch.stored_name).exists()
    assert AuditEntry.objects.filter(action="member.import.interrupted", result="failure").count() == 2
