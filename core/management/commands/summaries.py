"""`dangjian summaries [--check | --rebuild] [NAME …]`: recompute the summary tables from the
records (core.summaries) and report the rows that differ; --rebuild corrects them in one
transaction. --check (the default) exits with status 1 when any differs."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import audit, summaries


class Command(BaseCommand):
    help = "汇总表：由业务记录重新计算，报告与汇总表不符的行（--check，有差异时退出码为 1）或予以更正（--rebuild）"

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--check", action="store_true", help="只核对，不写入（默认）")
        mode.add_argument("--rebuild", action="store_true", help="按业务记录更正汇总表（一个事务）")
        parser.add_argument("names", nargs="*", metavar="NAME", help="汇总表名称，默认全部")

    def handle(self, *args, check, rebuild, names, **options):
        try:
            chosen = [s.name for s in summaries.registered(names or None)]
        except KeyError as exc:
            raise CommandError(exc.args[0]) from exc
        if rebuild:
            with transaction.atomic():
                found = summaries.rebuild(chosen)
                audit.record("summaries.rebuild", changes={d.summary.name: {
                    "missing": len(d.missing), "extra": len(d.extra), "wrong": len(d.wrong)} for d in found})
        else:
            found = summaries.check(chosen)
        for difference in found:
            self.stdout.write("\n".join(difference.describe()))
        differing = [d.summary.name for d in found if d]
        if not differing:
            self.stdout.write("汇总表与业务记录一致")
        elif rebuild:
            self.stdout.write(f"已更正：{'、'.join(differing)}")
        else:
            raise CommandError(f"汇总表与业务记录不符：{'、'.join(differing)}（dangjian summaries --rebuild 更正）",
                               returncode=1)
