"""`dangjian bench insights` on the test world: the workbench, warnings, health index and annual
report of the city admin and of the largest district's admin, each answered and timed cold (the
compliance roll-up counted, with the cache on) and warm, with its SQL time and memory peak."""

import json
from io import StringIO

from django.core.management import call_command

from insights.tests.test_report import meetings, year  # noqa: F401 (fixtures)


def test_every_insights_page_of_both_admins_answers_and_is_timed(world, settings, meetings):  # noqa: F811
    settings.ROLLUP_CACHE_SECONDS = 60  # as in production: cold counts, warm reads the cache
    out = StringIO()
    call_command("bench", "insights", repeat=2, json=True, stdout=out, stderr=StringIO())
    report = json.loads(out.getvalue())
    pages = report["pages"]
    assert {p["role"] for p in pages} == {"city_admin", "district_admin"}
    assert {p["label"] for p in pages if p["role"] == "district_admin"} == {
        "工作台（首页）", "数据看板", "大屏数据", "预警", "健康指数", "年度统计报告", "年度统计报告 .docx"}
    for page in pages:
        assert page["status"] == 200, page
        assert page["cold_ms"] > 0 and page["warm_ms"] > 0
        assert 0 < page["sql_ms"] <= page["cold_ms"]
        assert page["queries"] > 0 and page["peak_mb"] > 0


def test_the_table_says_what_each_column_is(world):
    out = StringIO()
    call_command("bench", "insights", repeat=1, stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "首次 ms" in text and "峰值MB" in text and "年度统计报告 .docx" in text
