"""Headless Chromium (Debian's, driven by Playwright): the branch secretary's workbench lists the
crafted due items, and a link lands on the page where the work is done; on a desktop and on a
375-px phone, with no request leaving the site.

Screenshots land in /tmp/shots/workbench-*.png for a person to look at."""

import pytest

from core.holidays import load_official
from dangjian.browser_testing import (
    BROWSER_MARKS,
    VIEWPORTS,
    login,
    shot,
    signed_in,
    watched_context,
)
from dangjian.testing import make_world
from insights.tests.test_workbench import craft

pytestmark = BROWSER_MARKS


@pytest.fixture
def crafted(transactional_db):
    load_official()  # a transactional test's flush emptied the calendar the migration filled
    world = make_world()
    return world, craft(world)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_secretarys_workbench_lists_the_due_items_and_a_link_lands_where_the_work_is_done(
        live_server, crafted, browser, viewport):
    world, found = crafted
    base = live_server.url
    context, page, elsewhere = signed_in(browser, base, "secretary", viewport)
    shot(page, f"workbench-secretary-{viewport}")
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
    shot(page, f"workbench-case-{viewport}")
    page.goto(f"{base}/insights/warnings/?org={world.branch_a1.pk}")
    shot(page, f"warnings-{viewport}")
    assert page.locator("#warnings tbody tr").count() >= 2
    assert elsewhere == []
    context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_district_admins_workbench_and_health_page(live_server, crafted, browser, viewport):
    world, _found = crafted
    base = live_server.url
    context, page, _elsewhere = signed_in(browser, base, "a_admin", viewport)
    shot(page, f"workbench-admin-{viewport}")
    assert "概况" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    page.goto(f"{base}/insights/health/?org={world.street_a.pk}")
    shot(page, f"health-{viewport}")
    assert page.locator("#health tbody tr").count() == 2
    context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_district_admin_opens_the_annual_report_and_downloads_it(live_server, crafted, browser, viewport):
    world, _found = crafted
    base = live_server.url
    context, page, elsewhere = signed_in(browser, base, "a_admin", viewport, accept_downloads=True)
    page.locator("a", has_text="年度统计报告").first.click()
    page.wait_for_url(f"{base}/insights/report/**")
    assert "年度党建工作统计报告" in page.inner_text("h1")
    assert "统计口径" in page.inner_text("main")
    shot(page, f"report-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    with page.expect_download() as download:
        page.click("text=下载 Word（.docx）")
    assert download.value.suggested_filename.endswith(".docx")
    assert elsewhere == []
def watch_console(page) -> list[str]:
    """Errors and warnings on the console (a CSP violation is reported there) and script errors;
    htmx's indicator <style> on every signed-in page is another issue's (portal's editor test)."""
    problems: list[str] = []
    page.on("console", lambda m: m.type in ("error", "warning")
            and not ("inline style" in m.text and "/django_htmx/" in m.location["url"])
            and problems.append(f"{m.text} {m.location['url']}"))
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def click_bar(page, card: str, index: int) -> None:
    """Click the ``index``-th bar of the chart in ``card`` where ECharts drew it (its middle)."""
    box = page.locator(f"{card} .dash-chart").bounding_box()
    x, y = page.evaluate(
        """([card, index]) => {
             const el = document.querySelector(card + ' .dash-chart');
             const chart = echarts.getInstanceByDom(el);
             const value = chart.getOption().series[0].data[index];
             return chart.convertToPixel({seriesIndex: 0}, [Math.max(value, 0) / 2, index]);
           }""", [card, index])
    page.mouse.click(box["x"] + x, box["y"] + y)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_city_admin_drills_from_the_city_dashboard_down_to_a_branchs_records(
        live_server, crafted, browser, viewport):
    world, _found = crafted
    base = live_server.url
    context, elsewhere = watched_context(browser, base, viewport)
    page = context.new_page()
    problems = watch_console(page)
    login(page, base, "city_admin")
    page.goto(f"{base}/insights/dashboard/?org={world.city.pk}")
    page.wait_for_selector("#chart-children .dash-chart canvas")
    page.wait_for_selector("#chart-heat .dash-chart canvas", state="attached")  # hidden on a phone: the table holds it
    shot(page, f"dashboard-city-{viewport}")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    # The district's bar opens the district's dashboard (district A is the first child by path).
    names = page.locator("#chart-children tbody th").all_inner_texts()
    click_bar(page, "#chart-children", names.index(world.district_a.name))
    page.wait_for_url(f"{base}/insights/dashboard/?org={world.district_a.pk}")
    # Then the street's, then the branch's (by the table's links: the same addresses as the bars).
    page.click(f"#chart-children a.drill:text-is('{world.street_a.name}')")
    page.wait_for_url(f"{base}/insights/dashboard/?org={world.street_a.pk}")
    page.click(f"#chart-children a.drill:text-is('{world.branch_a1.name}')")
    page.wait_for_url(f"{base}/insights/dashboard/?org={world.branch_a1.pk}")
    page.wait_for_selector("#chart-gender .dash-chart canvas")
    shot(page, f"dashboard-branch-{viewport}")
    # A figure opens the list of the records it counts: the branch's men.
    men = int(page.locator("#chart-gender tbody tr").first.get_attribute("data-value"))
    page.locator("#chart-gender tbody tr").first.locator("a.figure").click()
    page.wait_for_url(f"{base}/members/?org={world.branch_a1.pk}&gender=male")
    rows = page.locator("main table tbody tr")
    assert rows.count() == men >= 1
    assert elsewhere == [] and problems == []
    context.close()


def test_the_big_screen_renders_at_1920_by_1080_with_its_tiles_and_charts(live_server, crafted, browser):
    world, _found = crafted
    base = live_server.url
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    elsewhere: list[str] = []
    context.on("request", lambda r: r.url.startswith(base) or r.url.startswith("data:") or elsewhere.append(r.url))
    page = context.new_page()
    problems = watch_console(page)
    login(page, base, "city_admin")
    page.goto(f"{base}/insights/screen/?org={world.city.pk}&indicator=compliance")
    page.wait_for_selector("body[data-loaded='1']")
    page.wait_for_selector(".screen-chart[data-key='funnel'] canvas")
    shot(page, "screen-1920", full_page=False)
    assert page.locator("#tiles .tile").count() == 2  # the world's two districts
    assert "和平区" in page.inner_text("#tiles")
    for key in ("age", "education", "gender", "funnel"):
        assert page.locator(f".screen-chart[data-key='{key}'] canvas").count() == 1, key
    # Everything fits the screen: no scrolling in a command centre.
    assert page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]") == [1920, 1080]
    assert elsewhere == [] and problems == []
    context.close()
