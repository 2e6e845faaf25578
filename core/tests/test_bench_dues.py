"""`dangjian bench dues` on the test world: next year's amounts computed for every member with this
year's base and rolled back (the data left as it was), the arrears roll-up from the summary rows
agreeing with the member-by-member recount, the money reads and the city admin's dues page timed."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from dues import rules, services
from dues.models import DuesYear
from dues.rules import Category

TODAY = timezone.localdate()


@pytest.fixture
def dues(world):
    secretary, now = world.users["secretary"], rules.month_index(TODAY)
    for key, behind in (("a1_member", 6), ("a1_secretary", 3)):
        member = world.members[key]
        services.year_set(actor=secretary, member=member, year=TODAY.year, category=Category.EMPLOYED, base_fen=540_000)
        services.standing_open(actor=secretary, member=member, paid_up_to=now - 1 - behind)


def test_it_computes_next_year_rolls_back_and_counts_the_arrears(world, dues):
    out = StringIO()
    call_command("bench", "dues", repeat=2, json=True, stdout=out, stderr=StringIO())
    report = json.loads(out.getvalue())
    assert report["carry"]["members"] == 2 and report["carry"]["seconds"] >= 0 and report["carry"]["peak_mb"] > 0
    assert not DuesYear.objects.filter(year=TODAY.year + 1).exists()  # rolled back
    assert report["city_counts"] == {"yellow": 1, "red": 1} and report["recount_agrees"] is True
    assert {row["label"] for row in report["reads"]} >= {"全市欠缴人数（汇总表）", "全市对账（汇总表和上缴记录）"}
    assert report["page"]["status"] == 200


def test_the_table_names_its_columns(world, dues):
    out = StringIO()
    call_command("bench", "dues", repeat=1, stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "下一年度月缴纳额" in text and "峰值MB" in text and "汇总表与逐人重算一致：是" in text


def test_an_empty_database_is_refused_clearly(db, settings):
    settings.INVENTED_DATA_ALLOWED = True
    with pytest.raises(CommandError, match="城市规模演示数据"):
        call_command("bench", "dues", stdout=StringIO(), stderr=StringIO())
