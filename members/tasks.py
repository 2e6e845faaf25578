"""Background work of the member archives: the two long phases of a roster import.

Each task acts as the batch's uploader (their scope, their name in the audit trail), on the
``task`` channel."""

from django.core.exceptions import ValidationError
from django_tasks import task

from core.context import acting_as
from members import importing
from members.models import ImportBatch


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
