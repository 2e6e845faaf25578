"""Headless Chromium on a 375-px phone: the district admin sets up a channel under the city's,
drafts a course in it, adds an article and publishes it; the member finds it under the channel
and opens it. Screenshots go to /tmp/shots/library-*.png."""


from playwright.sync_api import expect

from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, phone_page, shot
from learning import services
from learning.models import Course

pytestmark = BROWSER_MARKS


def test_a_course_is_published_and_found_by_channel_on_phones(live_server, browser_world, browser):
    world, base, outside = browser_world, live_server.url, []
    theory = services.channel_create(actor=world.users["city_admin"], org=world.city, name="理论学习")
    admin = phone_page(browser, base, outside, "a_admin")
    admin.goto(f"{base}/learning/library/")
    admin.click("text=新建栏目")
    admin.fill("input[name=name]", "党史学习")
    admin.select_option("select[name=parent]", str(theory.pk))
    admin.click("main button[type=submit]")
    expect(admin.locator("main")).to_contain_text("已新建栏目")
    admin.goto(f"{base}/learning/courses/new/")
    admin.fill("input[name=title]", "和平区红色故事")
    admin.select_option("select[name=channel]", label="理论学习 › 党史学习（中共天津市和平区委员会）")
    admin.click("main button[type=submit]")
    expect(admin.locator("#course-state")).to_contain_text("草稿")
    admin.click("main .actions a:has-text(\"添加学习内容\")")
    admin.select_option("select[name=kind]", "article")
    admin.fill("input[name=title]", "第一讲 觉悟社")
    admin.fill("input[name=minutes]", "10")
    admin.fill("textarea[name=body]", "觉悟社是周恩来等人在天津创办的进步团体。")
    admin.click("main button[type=submit]")
    expect(admin.locator("#items")).to_contain_text("第一讲 觉悟社")
    admin.click("main button:has-text(\"发布\")")
    expect(admin.locator("#course-state")).to_contain_text("已发布")
    shot(admin, "library-course-phone")
    assert admin.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    assert Course.objects.get().published

    member = phone_page(browser, base, outside, "member")
    member.goto(f"{base}/learning/")
    member.click("#channels >> text=理论学习 › 党史学习")
    expect(member.locator("main")).to_contain_text("和平区红色故事")
    shot(member, "library-channel-phone")
    member.click("text=第一讲 觉悟社")
    expect(member.locator("main")).to_contain_text("觉悟社是周恩来等人在天津创办的进步团体")
    assert outside == []
