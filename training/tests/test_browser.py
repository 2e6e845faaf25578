"""Headless Chromium: the branch secretary records a group study on a 375-px phone (members
ticked, the hours); the district admin opens a rotation class on a desktop, enrols a secretary
from the list still to train, records a session and closes the class; the rotation page then
counts the secretary as trained and the member sees the study in their class hours. Screenshots go
to /tmp/shots/training-*.png."""

from datetime import date

from django.utils import timezone
from playwright.sync_api import expect

from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, login, shot
from orgs.models import LeadershipMember, LeadershipTerm, Post
from training.models import Enrolment, GroupStudy

pytestmark = BROWSER_MARKS


def test_group_study_on_a_phone_and_a_rotation_class_on_a_desktop(live_server, browser_world, browser):
    world, base = browser_world, live_server.url
    today = timezone.localdate()
    for org, key in ((world.branch_a1, "a1_secretary"), (world.branch_a2, "a2_member")):
        term = LeadershipTerm.objects.create(org=org, started=date(2024, 1, 1), ends=date(2029, 1, 1))
        LeadershipMember.objects.create(term=term, post=Post.SECRETARY, name=world.members[key].name,
                                        member=world.members[key])
    outside = []

    phone = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN")
    phone.on("request", lambda r: r.url.startswith(base) or r.url.startswith("data:") or outside.append(r.url))
    mobile = phone.new_page()
    login(mobile, base, "secretary")
    mobile.goto(f"{base}/training/group/new/")
    mobile.fill("input[name=topic]", "学习党的二十届三中全会精神")
    mobile.fill("input[name=hours]", "2.5")
    mobile.check(f"input[name=attendees][value='{world.members['a1_member'].pk}']")
    mobile.check(f"input[name=attendees][value='{world.members['a1_secretary'].pk}']")
    shot(mobile, "training-group-study-form-phone")
    width = mobile.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["phone"]["width"], width
    mobile.click("main button[type=submit]")
    expect(mobile.locator("main")).to_contain_text("已记录集中学习")
    assert GroupStudy.objects.get().attendances.count() == 2
    shot(mobile, "training-group-study-phone")

    desk = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN")
    desk.on("request", lambda r: r.url.startswith(base) or r.url.startswith("data:") or outside.append(r.url))
    page = desk.new_page()
    login(page, base, "a_admin")
    page.goto(f"{base}/training/classes/new/")
    page.fill("input[name=title]", "党支部书记轮训班")
    page.fill("input[name=starts]", f"{date(today.year, 1, 1):%Y-%m-%d}")
    page.fill("input[name=ends]", f"{date(today.year, 12, 31):%Y-%m-%d}")
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("已开班")
    page.click("text=报名")
    page.check(f"input[name=members][value='{world.members['a1_secretary'].pk}']")
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("已报名 1 人")
    page.click("text=记录课次")
    page.fill("input[name=topic]", "党支部工作条例解读")
    page.check(f"input[name=present][value='{world.members['a1_secretary'].pk}']")
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("已记录课次")
    page.click(".actions >> text=结业")
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("1 人结业")
    assert Enrolment.objects.get().completed
    shot(page, "training-class-desktop")
    page.goto(f"{base}/training/rotation/?org=HP")
    expect(page.locator("#coverage")).to_contain_text("已轮训 1 人")
    expect(page.locator("#to-train")).to_contain_text("王芳")
    shot(page, "training-rotation-desktop")

    mobile = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN").new_page()
    login(mobile, base, "member")
    mobile.goto(f"{base}/learning/")
    expect(mobile.locator("#my-hours")).to_contain_text("2.5 学时")
    shot(mobile, "training-hours-phone")
    assert outside == []
