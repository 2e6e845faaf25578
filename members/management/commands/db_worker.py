"""`dangjian db_worker`: django-tasks-db's worker, which at its start first cleans up after a
worker that died mid-task (members.tasks.recover_interrupted) and names itself host:pid so the
next one can tell."""

from django_tasks_db.management.commands import db_worker

from members import tasks


class Command(db_worker.Command):
    help = "运行后台任务（花名册检查与写入）；启动时把中断的任务和导入标为失败"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=tasks.worker_id())

    def handle(self, *args, **options):
        for batch in tasks.recover_interrupted():
            self.stderr.write(f"导入 {batch.pk}（{batch.file_name}）的后台任务已中断，标为失败")
        super().handle(*args, **options)
