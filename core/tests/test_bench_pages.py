"""`dangjian bench pages` on the test world: every main page of the city admin, a district admin
and an anonymous reader is asked for and timed, with its share of SQL."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.tests.helpers import make_portal, publish


def run_pages(*args, **options) -> str:
    out = StringIO()
    call_command("bench", "pages", *args, repeat=2, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def test_every_page_of_each_role_answers_and_is_timed(world):
    publish(make_portal(world), title="一篇资讯")
    report = json.loads(run_pages("--no-load", json=True))
    pages = report["pages"]
    assert {p["role"] for p in pages} == {"city_admin", "district_admin", "anonymous"}
    labels = {p["label"] for p in pages if p["role"] == "district_admin"}
    assert {"首页", "组织树", "党员列表", "党员档案", "发展党员", "年度计划", "组织生活", "完成情况",
            "党员接口（20条）", "会议接口（20条）", "督导考核", "整改台账（未销号）", "整改清单", "后进提示",
            "国企党建任务", "国企工作台账", "群众点单"} <= labels
    assert {p["label"] for p in pages if p["role"] == "anonymous"} == {"资讯首页", "文章"}
    for page in pages:
        assert page["status"] == 200, page
        assert 0 < page["p50_ms"] <= page["p95_ms"]
        assert 0 <= page["sql_share"] <= 1
    assert all(p["queries"] > 0 for p in pages if p["role"] != "anonymous")
    assert all(p["rps"] is None for p in pages)


def test_the_table_names_each_page_and_says_when_the_floor_is_not_up(world):
    text = run_pages("--no-load", floor="http://127.0.0.1:9")
    assert "框架基线未在线" in text and "完成情况 /orglife/compliance/" in text


def test_it_refuses_outside_the_demo_mode(world, settings):
    settings.INVENTED_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="演示模式"):
        run_pages("--no-load")


def test_the_district_admin_measured_is_the_largest_districts(world):
    from dangjian.bench_pages import admins
    from orglife.tests.helpers import add_full_members

    assert admins()["district_admin"] == world.users["a_admin"]  # 和平区: three members to one
    add_full_members(world.branch_b1, 5)
    assert admins()["district_admin"] == world.users["b_admin"]
