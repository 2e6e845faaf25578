"""Headless Chromium: the district registers a unit with no members in a building, assigns it an
instructor, and reads the coverage of the district, street and building on a desktop and on a
375-px phone window. Screenshots go to /tmp/shots/regional-*.png."""

from datetime import date

from playwright.sync_api import expect

from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, login, shot
from orgs import services as org_services
from orgs.models import OrgKind, Sector
from regional import selectors, services
from regional.models import BuildingUnit

pytestmark = BROWSER_MARKS


def test_a_unit_gets_an_instructor_and_the_coverage_reads_on_desktop_and_phone(live_server, browser_world, browser):
    world, base = browser_world, live_server.url
    admin = world.users["city_admin"]
    committee = org_services.org_create(actor=admin, parent=world.street_a, name="测试大厦党委", code="HP01CX",
                                        kind=OrgKind.COMMITTEE, founded=date(2015, 6, 1), sector=Sector.BUILDING)
    org_services.org_create(actor=admin, parent=committee, name="测试大厦第一联合党支部", code="HP01CXJ01",
                            kind=OrgKind.JOINT_BRANCH, founded=date(2016, 1, 1), sector=Sector.NON_PUBLIC)
    committee.refresh_from_db()
    building = services.building_create(actor=admin, committee=committee, name="测试大厦")
    outside = []
    desk = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN")
    desk.on("request", lambda r: r.url.startswith(base) or r.url.startswith("data:") or outside.append(r.url))
    page = desk.new_page()
    login(page, base, "a_admin")

    page.goto(f"{base}/regional/buildings/{building.pk}/")
    page.click("text=登记单位")
    page.fill("input[name=name]", "丙公司")
    page.fill("input[name=members]", "0")
    page.fill("input[name=joint_branch_code]", "HP01CXJ01")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/regional/buildings/{building.pk}/")
    unit = BuildingUnit.objects.get()
    page.click(f"a[href='/regional/units/{unit.pk}/instructors/add/']")
    page.fill("input[name=member_id]", str(world.members["a2_member"].pk))
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("已派驻党建指导员王芳")
    shot(page, "regional-building-desktop")
    page.goto(f"{base}/regional/orgs/{world.district_a.pk}/coverage/")
    expect(page.locator("main")).to_contain_text("小白楼街道党工委")
    expect(page.locator("main")).to_contain_text("100%")
    shot(page, "regional-coverage-desktop")
    figures = selectors.coverage(world.district_a)
    assert (figures.units, figures.org_covered, figures.work_covered, figures.instructors) == (1, 1, 1, 1)

    phone = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN").new_page()
    login(phone, base, "a_admin")
    phone.goto(f"{base}/regional/buildings/{building.pk}/")
    expect(phone.locator("main")).to_contain_text("王芳")
    width = phone.evaluate("document.documentElement.scrollWidth")
    shot(phone, "regional-building-phone")
    assert width <= 375, width
    phone.goto(f"{base}/regional/orgs/{world.district_a.pk}/coverage/")
    shot(phone, "regional-coverage-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert outside == []


def test_a_progress_report_with_a_photo_on_a_phone(live_server, browser_world, browser, tmp_path):
    from orglife.tests.test_attachments import png_bytes
    from regional import villages
    from regional.models import ProgressReport

    world, base = browser_world, live_server.url
    admin = world.users["city_admin"]
    org = org_services.org_create(actor=admin, parent=world.street_a, name="测试村党支部", code="HP01V01",
                                  kind=OrgKind.BRANCH, founded=date(2000, 1, 1), sector=Sector.RURAL)
    village = villages.village_mark(actor=admin, org=org, difficulty="weak_economy", marked_on=date(2023, 3, 1))
    villages.task_add(actor=admin, village=village, title="建设蔬菜大棚", owner="第一书记", deadline=date(2030, 6, 30))
    photo = tmp_path / "大棚.png"
    photo.write_bytes(png_bytes())
    phone = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN").new_page()
    login(phone, base, "a_admin")
    phone.goto(f"{base}/regional/villages/{village.pk}/")
    phone.click("text=报告进展")
    phone.fill("textarea[name=text]", "大棚已建成投产")
    phone.select_option("select[name=task]", label="建设蔬菜大棚")
    phone.check("input[name=done]")
    phone.set_input_files("input[name=file]", str(photo))
    shot(phone, "regional-report-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.click("main button[type=submit]")
    expect(phone.locator("main")).to_contain_text("已报告帮扶进展")
    expect(phone.locator("main")).to_contain_text("附佐证材料")
    shot(phone, "regional-village-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    report = ProgressReport.objects.get()
    assert report.evidence.endswith(".png") and report.task.done_on is not None
