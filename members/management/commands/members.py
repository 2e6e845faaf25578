"""`dangjian members import FILE [--org CODE] [--dry-run] --as USERNAME`: the roster import of the
web pages (members.importing) from the command line, under the named user's scope.

Exit status: 0 imported (or, with --dry-run, every row valid); 2 some rows rejected (nothing
written); 1 the file or the arguments are unusable."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from core.context import acting_as
from members import importing
from members.models import ImportBatch
from orgs.models import Org

LABELS = {"create": "新建", "update": "更新", "error": "错误"}


class Command(BaseCommand):
    help = "党员花名册导入：检查每一行，全部无误才在一个事务中写入"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        imp = actions.add_parser("import", help="导入 .xlsx 或 .csv 花名册")
        imp.add_argument("file", help="花名册文件路径")
        imp.add_argument("--org", help="默认党组织代码（文件中没有“所在党组织”列时使用）")
        imp.add_argument("--dry-run", action="store_true", help="只检查并输出结果，不写入")
        imp.add_argument("--as", dest="username", required=True, help="以此用户的身份和管理范围导入")

    def handle(self, *args, action, file, org, dry_run, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在或已停用")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        with acting_as(user, channel="cli"):
            default_org = None
            if org:
                default_org = Org.objects.visible_to(user).filter(code=org.strip().upper()).first()
                if default_org is None:
                    raise CommandError(f"组织 {org} 不存在或不在 {username} 的管理范围内")
            try:
                with path.open("rb") as upload:
                    batch = importing.batch_upload(actor=user, upload=upload, file_name=path.name,
                                                   default_org=default_org)
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from exc
            batch = importing.batch_preview(actor=user, batch=batch)
            if batch.status == ImportBatch.Status.FAILED:
                raise CommandError(batch.message)
            self.print_rows(batch)
            if batch.error_rows:
                importing.batch_discard(actor=user, batch=batch)
                raise CommandError(f"{batch.error_rows} 行有错误，未导入任何数据", returncode=2)
            if dry_run:
                importing.batch_discard(actor=user, batch=batch)
                self.stdout.write(f"试运行：{batch.total_rows} 行均可导入，未写入任何数据")
                return
            batch = importing.batch_commit(actor=user, batch=batch)
            if batch.status != ImportBatch.Status.COMMITTED:
                raise CommandError(batch.message, returncode=2)
            self.stdout.write(f"导入完成：新建 {batch.created_rows} 名，更新 {batch.updated_rows} 名党员（批次 {batch.pk}）")

    def print_rows(self, batch) -> None:
        for row in batch.rows.order_by("number").iterator(chunk_size=2000):
            line = f"第{row.number}行 {row.name} {LABELS[row.action]}"
            if row.errors:
                line += "：" + "；".join(row.error_list())
            self.stdout.write(line)
        self.stdout.write(f"共 {batch.total_rows} 行：可导入 {batch.valid_rows} 行，有错误 {batch.error_rows} 行")
