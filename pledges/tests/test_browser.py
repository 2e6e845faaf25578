"""Headless Chromium on a 375-px phone: the member makes a pledge; the secretary returns it with
a reason, the member rewrites it, the secretary approves; the member records what they did and
the secretary accepts it; the district admin sets a duty post and its badge page (no login) shows
the post with the name masked. Screenshots go to /tmp/shots/pledges-*.png."""

from playwright.sync_api import expect

# orders/tests/test_browser.py imports phone_page from here.
from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, phone_page, shot
from pledges.models import DutyPost, Pledge, PledgeRecord, ReviewState

pytestmark = BROWSER_MARKS


def test_pledge_review_and_badge_on_phones(live_server, browser_world, browser):
    world, base, outside = browser_world, live_server.url, []
    member = phone_page(browser, base, outside, "member")
    member.goto(f"{base}/pledges/")
    member.click("a.btn:has-text(\"作出承诺\")")
    member.fill("textarea[name=text]", "多参加活动")
    member.click("main button[type=submit]")
    expect(member.locator("main")).to_contain_text("承诺已提交")

    secretary = phone_page(browser, base, outside, "secretary")
    secretary.goto(f"{base}/pledges/queue/")
    secretary.click("#pledge-queue >> text=审核")
    secretary.check("input[name=decision][value=return]")
    secretary.fill("input[name=note]", "请写明具体次数")
    secretary.click("main button[type=submit]")
    assert Pledge.objects.get().state == ReviewState.RETURNED

    pledge = Pledge.objects.get()
    member.goto(f"{base}/pledges/{pledge.pk}/")
    expect(member.locator("main")).to_contain_text("请写明具体次数")
    member.click(".actions >> text=修改")
    member.fill("textarea[name=text]", "每月参加社区志愿服务不少于1次")
    member.click("main button[type=submit]")
    secretary.goto(f"{base}/pledges/{pledge.pk}/review/")
    secretary.check("input[name=decision][value=approve]")
    secretary.click("main button[type=submit]")
    assert Pledge.objects.get().state == ReviewState.APPROVED

    member.goto(f"{base}/pledges/{pledge.pk}/")
    member.click(".actions >> text=记录践诺")
    member.fill("textarea[name=text]", "参加了小区环境整治志愿服务")
    member.click("main button[type=submit]")
    secretary.goto(f"{base}/pledges/queue/")
    secretary.click("#record-queue >> text=审核")
    secretary.check("input[name=decision][value=approve]")
    secretary.click("main button[type=submit]")
    assert PledgeRecord.objects.get().state == ReviewState.APPROVED
    member.goto(f"{base}/pledges/")
    expect(member.locator("#mine")).to_contain_text("参加了小区环境整治志愿服务")
    shot(member, "pledges-mine-phone")
    width = member.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["phone"]["width"], width

    admin = phone_page(browser, base, outside, "a_admin")
    admin.goto(f"{base}/pledges/posts/new/?org={world.branch_a1.pk}")
    admin.select_option("select[name=kind]", "vanguard")
    admin.fill("input[name=name]", "环境整治先锋岗")
    admin.fill("textarea[name=duties]", "组织党员参加小区环境整治")
    admin.select_option("select[name=holder]", str(world.members["a1_member"].pk))
    admin.click("main button[type=submit]")
    expect(admin.locator("main")).to_contain_text("已设岗")
    expect(admin.locator("main img[alt=岗位公开页二维码]")).to_be_visible()
    shot(admin, "pledges-post-phone")

    post = DutyPost.objects.get()
    anonymous = phone_page(browser, base, outside, None)
    anonymous.goto(f"{base}{post.get_badge_url()}")
    expect(anonymous.locator("#holder")).to_have_text("张**")
    expect(anonymous.locator("#badge")).to_contain_text("每月参加社区志愿服务不少于1次")
    shot(anonymous, "pledges-badge-phone")
    assert outside == []
