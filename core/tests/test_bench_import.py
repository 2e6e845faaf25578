"""`dangjian bench import` on a small roster: it imports, re-imports, exports, prints the figures
and leaves no benchmark data behind."""

import json
from io import StringIO

from django.core.management import call_command

from members.models import ImportBatch, Member
from orgs.models import Org


def test_it_imports_reimports_exports_and_cleans_up(db):
    out = StringIO()
    call_command("bench", "import", rows=300, json=True, stdout=out, stderr=StringIO())
    report = json.loads(out.getvalue())
    assert (report["created"], report["updated"], report["exported"]) == (300, 300, 300)
    assert report["peak_rss_mb"] > 0 and report["import_s"] >= 0
    assert not Org.objects.exists() and not Member.objects.exists() and not ImportBatch.objects.exists()


def test_it_prints_the_figures(db):
    out = StringIO()
    call_command("bench", "import", rows=50, stdout=out, stderr=StringIO())
    for label in ("首次导入", "再次导入", "导出 Excel", "峰值内存"):
        assert label in out.getvalue()
