"""`dangjian bench tree` on a tiny tree: it builds the data, measures, prints every figure, and
keeps away from databases holding other data."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dangjian import bench
from orgs.models import Org


def run_bench(**options) -> str:
    out = StringIO()
    call_command("bench", "tree", orgs=200, members=2000, repeat=1, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def test_it_prints_the_figures(db):
    text = run_bench()
    assert "2000 名党员" in text
    for label in ("子树党员数（区）", "子树党员数（市）", "党员列表第1页+总数（区管理员）",
                  "16个区的子树计数（市管理员）", "峰值内存"):
        assert label in text


def test_it_reuses_the_data_set_and_prints_json_with_plans(db):
    run_bench()
    orgs = Org.objects.count()
    report = json.loads(run_bench(json=True, explain=True))
    assert Org.objects.count() == orgs
    assert report["build_seconds"] == {}
    assert report["data"]["members"] == 2000
    assert report["figures"]["page_district"]["queries"] == 4
    assert report["explain"]["page_district_rows"]


def test_it_drops_the_data_set_when_asked(db):
    run_bench(drop=True)
    assert not Org.objects.exists()


def test_it_refuses_a_database_with_other_orgs(world):
    with pytest.raises(CommandError):
        run_bench()
    assert not bench.bench_orgs().exists()


def test_id_numbers_are_valid_and_distinct():
    from core import idcard

    numbers = {bench.id_number("120101", serial) for serial in range(1, 20_001)}
    assert len(numbers) == 20_000
    assert all(idcard.validate(n) == n for n in list(numbers)[:500])
