"""Headless Chromium (Debian's, driven by Playwright): the branch secretary's workbench lists the
crafted due items, and a link lands on the page where the work is done; on a desktop and on a
375-px phone, with no request leaving the site.

Screenshots land in /tmp/shots/workbench-*.png for a person to look at."""

import os
from pathlib import Path

import pytest

from core.holidays import load_official
from core.tests.test_browser import CHROMIUM, VIEWPORTS, browser, signed_in  # noqa: F401
from dangjian.testing import make_world
from insights.tests.test_workbench import craft

SHOTS = Path("/tmp/shots")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                       reason="Debian chromium is not installed (scripts/ensure-browser.sh installs it)"),
]


@pytest.fixture
def crafted(transactional_db):
    load_official()  # a transactional test's flush emptied the calendar the migration filled
    world = make_world()
    return world, craft(world)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_secretarys_workbench_lists_the_due_items_and_a_link_lands_where_the_work_is_done(
        live_server, crafted, browser, viewport):  # noqa: F811
    SHOTS.mkdir(exist_ok=True)
    world, found = crafted
    base = live_server.url
    context, page, elsewhere = signed_in(browser, base, "secretary", viewport)
    page.screenshot(path=SHOTS / f"workbench-secretary-{viewport}.png", full_page=True)
    panel = page.locator(f"#bench-branch-{world.branch_a1.pk}")
    assert "逾期谈话" in panel.locator(f"#panel-recruitment-{world.branch_a1.pk}").inner_text()
    assert "请补充" not in panel.inner_text()  # the review comment is on the record's page
    assert found["letter"].number in panel.locator(f"#panel-transfers-{world.branch_a1.pk}").inner_text()
    assert "李建国" in panel.locator(f"#panel-visits-{world.branch_a1.pk}").inner_text()
    # Nothing wider than the screen on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    # The returned record: one click to the meeting's page, where it is corrected and resubmitted.
    panel.locator(f"#panel-returned-{world.branch_a1.pk} a").first.click()
    page.wait_for_url(f"{base}{found['returned'].get_absolute_url()}")
    assert "已退回" in page.inner_text("main")
    page.go_back()
    # The overdue talk: one click to the case, where the step is recorded.
    page.locator(f"#panel-recruitment-{world.branch_a1.pk} a").first.click()
    page.wait_for_url(f"{base}/recruitment/{found['case'].pk}/")
    assert "逾期谈话" in page.inner_text("main")
    page.screenshot(path=SHOTS / f"workbench-case-{viewport}.png", full_page=True)
    page.goto(f"{base}/insights/warnings/?org={world.branch_a1.pk}")
    page.screenshot(path=SHOTS / f"warnings-{viewport}.png", full_page=True)
    assert page.locator("#warnings tbody tr").count() >= 2
    assert elsewhere == []
    context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_district_admins_workbench_and_health_page(live_server, crafted, browser, viewport):  # noqa: F811
    world, _found = crafted
    base = live_server.url
    context, page, _elsewhere = signed_in(browser, base, "a_admin", viewport)
    page.screenshot(path=SHOTS / f"workbench-admin-{viewport}.png", full_page=True)
    assert "概况" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    page.goto(f"{base}/insights/health/?org={world.street_a.pk}")
    page.screenshot(path=SHOTS / f"health-{viewport}.png", full_page=True)
    assert page.locator("#health tbody tr").count() == 2
    context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_district_admin_opens_the_annual_report_and_downloads_it(live_server, crafted, browser, viewport):  # noqa: F811
    SHOTS.mkdir(exist_ok=True)
    world, _found = crafted
    base = live_server.url
    context, page, elsewhere = signed_in(browser, base, "a_admin", viewport, accept_downloads=True)
    page.locator("a", has_text="年度统计报告").first.click()
    page.wait_for_url(f"{base}/insights/report/**")
    assert "年度党建工作统计报告" in page.inner_text("h1")
    assert "统计口径" in page.inner_text("main")
    page.screenshot(path=SHOTS / f"report-{viewport}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    with page.expect_download() as download:
        page.click("text=下载 Word（.docx）")
    assert download.value.suggested_filename.endswith(".docx")
    assert elsewhere == []
    context.close()
