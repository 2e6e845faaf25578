"""Background work of the member archives: the two long phases of a roster import.

Each task acts as the batch's uploader (their scope, their name in the audit trail), on the
``task`` channel. A worker that dies mid-task (killed, out of memory) leaves its task RUNNING and
its batch parsing or committing; the next worker to start on the host cleans up after it
(``recover_interrupted``, called by ``dangjian db_worker``)."""

import os
import socket
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from core.context import acting_as
from members import importing
from members.models import ImportBatch

# A commit is claimed by the page a moment before its task is queued: a batch younger than this
# is left alone even without a task.
RECOVERY_GRACE = timedelta(minutes=1)


def _batch(batch_id: int) -> ImportBatch:
    return ImportBatch.objects.select_related("uploaded_by", "org").get(pk=batch_id)


@task()
def import_check(batch_id: int) -> str:
    batch = _batch(batch_id)
    with acting_as(batch.uploaded_by, channel="task"):
        return importing.batch_preview(actor=batch.uploaded_by, batch=batch).status


@task()
def import_commit(batch_id: int) -> str:
    batch = _batch(batch_id)
    with acting_as(batch.uploaded_by, channel="task"):
        try:
            return importing.batch_commit_run(actor=batch.uploaded_by, batch=batch).status
        except ValidationError:  # already committed or discarded: a repeated task does nothing
            return batch.status


class WorkerGone(Exception):
    """The worker running this task ended before it finished."""


def _host() -> str:
    return socket.gethostname()[:40]


def worker_id() -> str:
    """``host:pid:random``: a worker starting later on the same host can tell whether the worker
    that claimed a task is still running."""
    return f"{_host()}:{os.getpid()}:{get_random_string(8)}"


def worker_gone(worker: str) -> bool:
    """True for a worker of this host whose process has ended. A worker elsewhere, or one named
    by hand (``--worker-id``), counts as alive."""
    host, _, rest = worker.partition(":")
    pid = rest.partition(":")[0]
    if host != _host() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return True  # this process is starting now: the pid was a dead worker's (a restarted container)
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover_interrupted() -> list[ImportBatch]:
    """At a worker's start: tasks left RUNNING by a dead worker of this host are marked failed;
    import batches left parsing or committing with no task that could still finish them are
    failed, their file deleted. The failed batches are returned."""
    for result in DBTaskResult.objects.filter(status="RUNNING"):
        if result.worker_ids and worker_gone(result.worker_ids[-1]):
            result.set_failed(WorkerGone(f"任务执行进程 {result.worker_ids[-1]} 已退出"))
    live = set()
    for args_kwargs in DBTaskResult.objects.filter(
            status__in=["READY", "RUNNING"], task_path__in=[import_check.module_path, import_commit.module_path],
    ).values_list("args_kwargs", flat=True):
        live.update(args_kwargs.get("args", [])[:1] or [args_kwargs.get("kwargs", {}).get("batch_id")])
    stranded = ImportBatch.objects.filter(
        status__in=[ImportBatch.Status.PARSING, ImportBatch.Status.COMMITTING],
        updated__lt=timezone.now() - RECOVERY_GRACE,
    ).exclude(pk__in=live).select_related("uploaded_by", "org")
    return [batch for batch in stranded if importing.batch_fail_interrupted(batch=batch)]
