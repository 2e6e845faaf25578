"""Headless Chromium: the district's inspector records a finding on a 375-px phone, the branch
secretary submits evidence, the inspector returns it once and then accepts it, and the district
admin sees it leave the open ledger. Screenshots go to /tmp/shots/oversight-*.png (phone and desktop)."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, phone_page, shot, signed_in
from oversight.models import Evidence, ItemState, RectificationItem
from oversight.tests.test_oversight import start_inspection

pytestmark = BROWSER_MARKS


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]


def test_a_finding_is_rectified_returned_once_and_accepted(live_server, browser_world, browser):
    world, base, outside = browser_world, live_server.url, []
    inspection = start_inspection(world)
    deadline = timezone.localdate() + timedelta(days=30)

    # The inspector, on site with a phone, records the problem found at branch A1.
    inspector = phone_page(browser, base, outside, "a_admin")
    inspector.goto(f"{base}/oversight/inspections/{inspection.pk}/")
    fits(inspector)
    inspector.click("text=记录问题")
    inspector.select_option("select[name=org]", str(world.branch_a1.pk))
    inspector.fill("textarea[name=problem]", "9月支委会未召开，会议记录缺签到页")
    inspector.fill("input[name=owner]", "李建国")
    inspector.fill("input[name=deadline]", deadline.isoformat())
    inspector.fill("input[name=evidence_required]", "补开支委会的会议记录和签到页照片")
    fits(inspector)
    shot(inspector, "oversight-finding-phone")
    inspector.click("main button[type=submit]")
    expect(inspector.locator(".messages")).to_contain_text("已记录问题")
    item = RectificationItem.objects.get()
    assert item.org == world.branch_a1 and item.state == ItemState.OPEN

    # The branch secretary sees it on the oversight home page and submits evidence.
    secretary = phone_page(browser, base, outside, "secretary")
    secretary.goto(f"{base}/oversight/")
    expect(secretary.locator("#to-rectify")).to_contain_text("9月支委会未召开")
    secretary.click("#to-rectify a")
    secretary.click("#submit-evidence")
    secretary.fill("textarea[name=text]", "已于10月8日补开支委会")
    fits(secretary)
    shot(secretary, "oversight-evidence-phone")
    secretary.click("main button[type=submit]")
    expect(secretary.locator("#state")).to_contain_text("待验收")

    # The inspector returns it once …
    inspector.goto(f"{base}/oversight/items/{item.pk}/")
    inspector.click("#return")
    inspector.fill("input[name=comment]", "缺少签到页，请补充")
    inspector.click("main button[type=submit]")
    expect(inspector.locator("#state")).to_contain_text("已退回")
    expect(inspector.locator("#round-1")).to_contain_text("缺少签到页")

    # … the secretary submits again …
    secretary.goto(f"{base}/oversight/items/{item.pk}/")
    secretary.click("#submit-evidence")
    secretary.fill("textarea[name=text]", "补充了签到页照片")
    secretary.click("main button[type=submit]")
    expect(secretary.locator("#round-2")).to_contain_text("补充了签到页照片")

    # … and the inspector accepts it: the item is closed, both rounds kept.
    inspector.goto(f"{base}/oversight/items/{item.pk}/")
    inspector.click("#accept")
    inspector.fill("input[name=comment]", "整改到位")
    inspector.click("main button[type=submit]")
    expect(inspector.locator("#state")).to_contain_text("已销号")
    shot(inspector, "oversight-closed-phone")
    assert list(Evidence.objects.filter(item=item).values_list("round", "decision")) == [
        (1, "returned"), (2, "accepted")]

    # The district admin's open ledger no longer lists it; the closed ledger does.
    context, desk, _ = signed_in(browser, base, "a_admin", elsewhere=outside)
    desk.goto(f"{base}/oversight/items/?open=yes")
    expect(desk.locator("#list-body")).not_to_contain_text("9月支委会未召开")
    desk.goto(f"{base}/oversight/items/?open=no")
    expect(desk.locator("#list-body")).to_contain_text("9月支委会未召开")
    desk.goto(f"{base}/oversight/")
    shot(desk, "oversight-home-desktop")
    assert outside == []


def test_a_district_generates_edits_and_publishes_its_quarterly_bulletin(live_server, browser_world, browser):
    from oversight.models import Bulletin, BulletinState

    world, base, outside = browser_world, live_server.url, []
    start_inspection(world, targets=[world.branch_a1])
    context, desk, _ = signed_in(browser, base, "a_admin", elsewhere=outside)
    desk.goto(f"{base}/oversight/")
    desk.click("text=季度通报")
    expect(desk.locator("main")).to_contain_text("还没有季度通报")
    desk.click("text=生成季度通报")
    desk.select_option("select[name=quarter]", str((timezone.localdate().month - 1) // 3 + 1))
    desk.fill("input[name=year]", str(timezone.localdate().year))
    desk.click("main button[type=submit]")
    expect(desk.locator(".messages")).to_contain_text("已生成通报草稿")
    expect(desk.locator("#table-orglife")).to_contain_text(world.street_a.name)
    shot(desk, "oversight-bulletin-desktop")
    desk.click("#edit-bulletin")
    desk.fill("textarea[name=text_oversight]", "本季度巡查整改工作有序推进。")
    desk.click("main button[type=submit]")
    expect(desk.locator("#text-oversight")).to_contain_text("本季度巡查整改工作有序推进。")
    desk.click("#publish-bulletin")
    desk.click("main button[type=submit]")
    expect(desk.locator("#bulletin-state")).to_contain_text("已印发")
    bulletin = Bulletin.objects.get()
    assert bulletin.state == BulletinState.PUBLISHED and bulletin.org == world.district_a

    # On a phone the tables read as labelled lines, nothing wider than the screen.
    phone = phone_page(browser, base, outside, "a_admin")
    phone.goto(f"{base}/oversight/bulletins/{bulletin.pk}/")
    fits(phone)
    shot(phone, "oversight-bulletin-phone")
    with phone.expect_download() as download:
        phone.click("text=下载 Word（.docx）")
    assert download.value.suggested_filename.endswith(".docx")
    assert outside == []
