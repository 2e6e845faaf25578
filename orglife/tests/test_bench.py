"""`dangjian bench orglife` on a small corpus: it indexes, checks, rolls up, prints the figures and
leaves no benchmark data behind."""

import json
from io import StringIO

from django.core.management import call_command

from orglife.models import Meeting, MinutesBand, MinutesFingerprint
from orgs.models import Org


def test_it_measures_and_cleans_up(db):
    out = StringIO()
    call_command("bench", "orglife", minutes=1500, json=True, stdout=out, stderr=StringIO())
    report = json.loads(out.getvalue())
    assert report["minutes"] == 1500 and report["band_rows"] == 1500 * 16
    assert report["copies_above_threshold_caught"] == report["copies_above_threshold"]
    assert report["originals_flagged"] == 0
    assert report["check_median_ms"] > 0 and report["rollup_holders"] == 2 * report["branches"]
    assert not (Org.objects.exists() or Meeting.objects.exists() or MinutesBand.objects.exists()
                or MinutesFingerprint.objects.exists())


def test_it_prints_the_figures(db):
    out = StringIO()
    call_command("bench", "orglife", minutes=300, stdout=out, stderr=StringIO())
    for label in ("建索引", "单份检查", "全市完成情况汇总", "峰值内存"):
        assert label in out.getvalue()
