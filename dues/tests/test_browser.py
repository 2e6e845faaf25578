"""Headless Chromium: a secretary imports the bases, confirms the amounts, records a month's
payment, and the member sees "paid up to" on a 375-px phone window. Screenshots go to
/tmp/shots/dues-*.png."""


from django.utils import timezone
from playwright.sync_api import expect

from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, login, shot
from dangjian.testing import ID_NUMBERS
from dues import rules
from dues.models import DuesPayment, DuesYear
from members.tests.test_import import xlsx

pytestmark = BROWSER_MARKS


def test_import_confirm_pay_and_the_member_sees_paid_up_to_on_a_phone(live_server, browser_world, browser, tmp_path):
    world, base = browser_world, live_server.url
    today = timezone.localdate()
    now = rules.month_index(today)
    branch, member = world.branch_a1, world.members["a1_member"]
    bases = tmp_path / "bases.xlsx"
    bases.write_bytes(xlsx([
        {"姓名": "张秀英", "身份证号": ID_NUMBERS["a1_member"], "人员类别": "在职", "缴费基数": 5400},
        {"姓名": "李建国", "身份证号": ID_NUMBERS["a1_secretary"], "人员类别": "在职", "缴费基数": 11500},
    ]))
    outside = []
    desk = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN")
    desk.on("request", lambda r: r.url.startswith(base) or r.url.startswith("data:") or outside.append(r.url))
    page = desk.new_page()
    login(page, base, "secretary")

    page.goto(f"{base}/dues/orgs/{branch.pk}/import/")
    page.set_input_files("input[name=file]", str(bases))
    page.click("button[name=preview]")
    expect(page.locator("main")).to_contain_text("230.00")
    shot(page, "dues-import-preview-desktop")
    page.click("button[name=commit]")
    page.wait_for_url(f"{base}/dues/orgs/{branch.pk}/?year={today.year}")
    page.click("text=确认本年度党费")
    expect(page.locator("main")).to_contain_text("已确认 2 名党员")
    assert DuesYear.objects.filter(confirmed_on=today).count() == 2

    page.click(f"a[href='/dues/members/{member.pk}/open/']")
    page.fill("input[name=month]", f"{rules.month_date(now - 1):%Y-%m}")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/dues/orgs/{branch.pk}/")
    page.click(f"a[href='/dues/members/{member.pk}/pay/']")
    expect(page.locator("input[name=month]")).to_have_value(f"{today:%Y-%m}")  # the next month owed
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("收据号")
    shot(page, "dues-branch-desktop")
    assert DuesPayment.objects.get().amount_fen == 8100

    phone = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN").new_page()
    login(phone, base, "member")
    phone.goto(f"{base}/dues/mine/")
    expect(phone.locator("#paid-up-to")).to_have_text(rules.month_label(now))
    expect(phone.locator("main")).to_contain_text("81.00")
    width = phone.evaluate("document.documentElement.scrollWidth")
    shot(phone, "dues-mine-phone")
    assert width <= 375, width  # nothing wider than the phone
    assert outside == []
