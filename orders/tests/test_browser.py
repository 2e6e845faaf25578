"""Headless Chromium on 375-px phones: a resident orders a service from the community's menu
(captcha included), the community dispatches it to a checked-in member, the member accepts and
completes it on a phone, the resident rates it. Screenshots go to /tmp/shots/orders-*.png."""

from django.core.cache import cache
from playwright.sync_api import expect

from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, phone_page
from dangjian.browser_testing import shot as save_shot
from orders.models import OrderState, ServiceOrder
from orders.tests.test_orders import make_setup

pytestmark = BROWSER_MARKS


def shot(page, name):
    save_shot(page, f"orders-{name}")


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]


def test_order_dispatch_accept_complete_and_rate_on_phones(live_server, browser_world, browser):
    world, base, outside = browser_world, live_server.url, []
    setup = make_setup(world)
    resident = phone_page(browser, base, outside, None)
    resident.goto(f"{base}/service/")
    resident.fill("input[name=q]", "朝阳里")
    resident.click("form[role=search] button")
    resident.click(f"#communities >> text={setup['community'].name}")
    expect(resident.locator("#menu")).to_contain_text("助老陪诊")
    expect(resident.locator("#menu")).not_to_contain_text("家电维修")  # paused
    resident.select_option("select[name=item]", str(setup["item"].pk))
    resident.fill("input[name=name]", "王大妈")
    resident.fill("input[name=phone]", "138 1234 5678")
    resident.fill("input[name=address]", "朝阳里5号楼1门101")
    resident.fill("textarea[name=need]", "周三上午陪同去医院复查")
    key = resident.locator("input[name=captcha_key]").input_value()
    assert resident.locator("#captcha-image").evaluate("img => img.naturalWidth") == 160
    resident.fill("input[name=captcha]", cache.get(f"captcha:{key}"))
    shot(resident, "order-phone")
    fits(resident)
    resident.click("#order-form button[type=submit]")
    expect(resident.locator("#state")).to_contain_text("待派单")
    track = resident.url
    order = ServiceOrder.objects.get()
    expect(resident.locator("#number")).to_contain_text(order.number)
    assert "13812345678" not in resident.content()

    admin = phone_page(browser, base, outside, "a_admin")
    admin.goto(f"{base}/orders/")
    expect(admin.locator("#counts")).to_contain_text("1")
    admin.goto(f"{base}/orders/{order.pk}/")
    admin.click("main .actions >> text=派单")
    admin.select_option("select[name=checkin]", str(setup["checkin"].pk))
    admin.click("main button[type=submit]")
    expect(admin.locator("#state")).to_contain_text("已派单")
    fits(admin)

    cadre = phone_page(browser, base, outside, "cadre")
    cadre.goto(f"{base}/orders/")
    cadre.click(f"#offered >> text={order.number}")
    cadre.click("main .actions button:has-text('接单')")
    expect(cadre.locator("#state")).to_contain_text("已接单")
    cadre.click("#phone button")  # the member who took it may read the whole number
    expect(cadre.locator("#phone")).to_contain_text("13812345678")
    cadre.click("main .actions >> text=办结")
    cadre.fill("input[name=hours]", "1.5")
    cadre.fill("textarea[name=result]", "已陪同复查，结果正常")
    cadre.click("main button[type=submit]")
    expect(cadre.locator("#state")).to_contain_text("已办结")
    shot(cadre, "member-phone")
    fits(cadre)

    resident.goto(track)
    resident.check("input[name=stars][value='5']")
    resident.fill("#rate-form input[name=comment]", "很耐心")
    shot(resident, "rate-phone")
    resident.click("#rate-form button[type=submit]")
    expect(resident.locator("#state")).to_contain_text("已评价")
    shot(resident, "track-phone")
    fits(resident)
    assert ServiceOrder.objects.get().state == OrderState.RATED and outside == []
