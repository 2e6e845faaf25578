"""Headless Chromium on a 375-px phone: the member makes a pledge; the secretary returns it with
a reason, the member rewrites it, the secretary approves; the member records what they did and
the secretary accepts it; the district admin sets a duty post and its badge page (no login) shows
the post with the name masked. Screenshots go to /tmp/shots/pledges-*.png."""

import os

import pytest
from playwright.sync_api import expect

from core.tests.test_browser import browser, browser_world  # noqa: F401 (fixtures)
from orglife.tests.test_browser import CHROMIUM, SHOTS, VIEWPORTS, login
from pledges.models import DutyPost, Pledge, PledgeRecord, ReviewState

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                       reason="Debian chromium is not installed (scripts/ensure-browser.sh installs it)"),
]


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"pledges-{name}.png", full_page=True)


def phone_page(browser, base, outside, username):  # noqa: F811
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN")
    context.on("request", lambda r: r.url.startswith(base) or r.url.startswith("data:") or outside.append(r.url))
    page = context.new_page()
    if username:
        login(page, base, username)
    return page


def test_pledge_review_and_badge_on_phones(live_server, browser_world, browser):  # noqa: F811
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
    shot(member, "mine-phone")
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
    shot(admin, "post-phone")

    post = DutyPost.objects.get()
    anonymous = phone_page(browser, base, outside, None)
    anonymous.goto(f"{base}{post.get_badge_url()}")
    expect(anonymous.locator("#holder")).to_have_text("张**")
    expect(anonymous.locator("#badge")).to_contain_text("每月参加社区志愿服务不少于1次")
    shot(anonymous, "badge-phone")
    assert outside == []
