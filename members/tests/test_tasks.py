"""Roster imports on the task worker (django-tasks' database backend, as `make run` runs it): the
upload only queues the check; the batch page shows it waiting, then the worker's progress; the
commit is queued the same way and written once however often it is pressed."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from core.models import AuditEntry
from members.models import ImportBatch, Member
from members.tests.test_import import person, xlsx

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
    response = client.post("/members/import/", {"file": SimpleUploadedFile("r.xlsx", xlsx([person(1), person(2)]))})
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
    client.post("/members/import/", {"file": SimpleUploadedFile("r.xlsx", xlsx([person(1), person(2)]))})
    run_worker()
    batch = ImportBatch.objects.get()
    client.post(f"/members/import/{batch.pk}/commit/")
    response = client.post(f"/members/import/{batch.pk}/commit/", follow=True)  # pressed twice
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
