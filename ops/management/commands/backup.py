"""`dangjian backup`: one encrypted, compressed snapshot of the database and the uploads."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.context import acting_as
from ops import services
from ops.sealed import BackupRefused


class Command(BaseCommand):
    help = "备份数据库和上传文件（压缩、SM4 加密，含逐表校验清单），并按保留规则删除旧备份"

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, metavar="DIR",
                            help="备份目录，默认为 DANGJIAN_BACKUP_DIR（var/backups/）")
        parser.add_argument("--no-prune", action="store_true", help="不删除旧备份")
        parser.add_argument("--check", default=None, metavar="FILE",
                            help="不备份：解密并校验一个备份文件（清单、逐表与逐文件校验值）")

    def handle(self, *args, dir=None, no_prune=False, check=None, **options):
        if check:
            try:
                manifest = services.backup_check(path=Path(check))
            except (BackupRefused, OSError) as exc:
                raise CommandError(f"备份文件不可用：{exc}") from exc
            rows = sum(t["rows"] for t in manifest["tables"].values())
            self.stdout.write(f"备份完好：{manifest['created']}，{manifest['vendor']}，"
                              f"{len(manifest['tables'])} 张表 {rows} 行，{len(manifest['files'])} 个上传文件")
            return
        with acting_as(None, channel="cli"):
            try:
                backup = services.backup_create(directory=Path(dir) if dir else None, prune=not no_prune)
            except (BackupRefused, OSError) as exc:
                raise CommandError(f"备份失败：{exc}") from exc
        self.stdout.write(f"已备份：{backup.file_name}（{backup.size} 字节，{backup.tables} 张表 "
                          f"{backup.rows} 行，{backup.files} 个上传文件）")
