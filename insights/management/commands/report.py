"""`dangjian report annual --org CODE --year YYYY`: the annual report as .docx, .pdf and .xlsx
(insights/report.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.context import acting_as
from insights import report
from orgs.models import Org


class Command(BaseCommand):
    help = "根据系统记录生成年度党建工作统计报告（.docx、.pdf 和 .xlsx，含各项数字的统计口径）"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["annual"], help="annual：年度统计报告")
        parser.add_argument("--org", required=True, help="党组织代码（如 TJ）")
        parser.add_argument("--year", type=int, default=None, help="年度（默认今年）")
        parser.add_argument("--out", default=".", help="输出目录（默认当前目录）")

    def handle(self, *args, kind, org, year, out, **options):
        root = Org.objects.filter(code=org.strip().upper()).first()
        if root is None:
            raise CommandError(f"没有代码为 {org} 的党组织")
        year = year or timezone.localdate().year
        if not 2000 <= year <= timezone.localdate().year:
            raise CommandError(f"年度须在 2000 年至今年之间：{year}")
        directory = Path(out)
        if not directory.is_dir():
            raise CommandError(f"输出目录不存在：{directory}")
        made = report.annual(root, year)
        stem = directory / f"annual-{root.code}-{year}"
        Path(f"{stem}.docx").write_bytes(report.docx_bytes(made))
        Path(f"{stem}.pdf").write_bytes(report.pdf_bytes(made))
        Path(f"{stem}.xlsx").write_bytes(report.xlsx_bytes(made))
        with acting_as(None, channel="cli"), transaction.atomic():
            audit.record("export", obj=root, changes={"report": "annual", "year": year})
        for title, text in made.paragraphs:
            self.stdout.write(f"【{title}】{text}")
        self.stdout.write(self.style.SUCCESS(f"已生成：{stem}.docx、{stem}.pdf、{stem}.xlsx"))
