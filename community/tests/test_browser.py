"""Headless Chromium on a 375-px phone: an in-service member checks in with the community where
they live; the community's admin confirms, records a service and rates the year; the member's own
branch sees the hours and the rating. Screenshots go to /tmp/shots/community-*.png."""


from django.utils import timezone
from playwright.sync_api import expect

from community.models import CheckIn, CheckInState
from community.tests.test_checkin import make_places
from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, phone_page, shot

pytestmark = BROWSER_MARKS


def test_check_in_confirm_serve_and_rate_on_phones(live_server, browser_world, browser):
    world, base, outside = browser_world, live_server.url, []
    places = make_places(world)
    cadre = phone_page(browser, base, outside, "cadre")
    cadre.goto(f"{base}/community/")
    cadre.click("text=到居住地社区报到")
    cadre.select_option("select[name=community]", str(places["community"].pk))
    cadre.fill("input[name=address]", "朝阳里3号楼2门201")
    cadre.click("main button[type=submit]")
    expect(cadre.locator("main")).to_contain_text("等待社区党组织确认")
    checkin = CheckIn.objects.get()

    admin = phone_page(browser, base, outside, "a_admin")
    admin.goto(f"{base}/community/checkins/{checkin.pk}/")
    admin.click("main .actions >> text=确认报到")
    admin.check("input[name=decision][value=confirm]")
    admin.click("main button[type=submit]")
    expect(admin.locator("#state")).to_contain_text("已报到")
    admin.click("main .actions >> text=记录服务")
    admin.fill("input[name=hours]", "2")
    admin.fill("input[name=content]", "陪同老人就医")
    admin.click("main button[type=submit]")
    expect(admin.locator("#records")).to_contain_text("陪同老人就医")
    admin.click("main .actions >> text=年度评价")
    admin.check("input[name=grade][value=excellent]")
    admin.click("main button[type=submit]")
    expect(admin.locator("main")).to_contain_text("优秀")
    shot(admin, "community-checkin-phone")
    assert admin.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    assert CheckIn.objects.get().state == CheckInState.CONFIRMED

    unit = phone_page(browser, base, outside, "office_admin")
    unit.goto(f"{base}/community/units/{places['office'].pk}/")
    row = unit.locator("#feedback tbody tr").first
    expect(row).to_contain_text("周建华")
    expect(row).to_contain_text("2.0")
    expect(row).to_contain_text("优秀")
    shot(unit, "community-unit-phone")
    assert timezone.localdate() and outside == []
