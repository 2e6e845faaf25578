"""`dangjian bench oversight` on the test world with records in every module (the bulletin tests'
``records``): the city's bulletin computed, not stored; its rectification and order totals equal to
the recount from the rows; every section timed; the files written; a malformed quarter refused."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oversight.models import Bulletin
from oversight.tests.test_bulletins import records  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_it_computes_the_city_bulletin_as_the_recount_does(records):  # noqa: F811
    out = StringIO()
    call_command("bench", "oversight", repeat=1, json=True, stdout=out, stderr=StringIO())
    report = json.loads(out.getvalue())
    recount = report["recount"]
    assert recount["agrees"] is True and recount["rows"]["opened"] >= 1 and recount["rows"]["ordered"] == 1
    assert report["city"]["orders"]["ordered"] == 1 and report["city"]["oversight"]["closed"] == 1
    labels = [read["label"] for read in report["reads"]]
    assert labels[0].startswith("全市季度通报") and any("巡查整改" in label for label in labels)
    assert report["files"]["docx_bytes"] > 0 and report["files"]["pdf_bytes"] > 0
    assert report["size"]["items"] == 2 and not Bulletin.objects.exists()


@pytest.mark.parametrize("quarter", ["2026", "2026-5", "abc", "2999-1"])
def test_a_malformed_or_future_quarter_is_refused(world, quarter):
    with pytest.raises(CommandError):
        call_command("bench", "oversight", quarter=quarter, stdout=StringIO(), stderr=StringIO())
