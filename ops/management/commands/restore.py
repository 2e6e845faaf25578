"""`dangjian restore FILE`: a backup into the empty database and uploads folder, then checked."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import audit
from core.context import acting_as
from ops import services
from ops.sealed import BackupRefused


class Command(BaseCommand):
    help = "把备份恢复到空数据库和空的上传文件目录，再逐表、逐文件对照清单并校验审计链"
    # The target is empty: the checks would read tables that are not there yet.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="dangjian backup 写出的备份文件")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到备份文件 {path}")
        try:
            report = services.backup_restore(path=path)
        except BackupRefused as exc:
            raise CommandError(f"拒绝恢复：{exc}") from exc
        self.stdout.write(f"已恢复 {report.tables} 张表 {report.rows} 行、{report.files} 个上传文件；"
                          f"备份时间 {report.manifest['created']}")
        self.stdout.write(report.audit)
        if not report.ok:
            for line in report.differences:
                self.stderr.write(line)
            raise CommandError("恢复后的数据与备份清单不一致", returncode=1)
        # Written after the comparison (the manifest describes the chain without it); it names the
        # file, so the trail says where its older part came from.
        with acting_as(None, channel="cli"):
            audit.record("backup.restore", object_type="backup", object_repr=path.name[:200],
                         changes={"created": report.manifest["created"], "tables": report.tables,
                                  "rows": report.rows, "files": report.files})
        self.stdout.write("清单一致，审计链完整。若本版本有新的数据库迁移，请接着运行 dangjian migrate")
