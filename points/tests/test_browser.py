"""Headless Chromium on a 375-px phone: after a group study the member sees their points beside
the class hours and on the points page (against the day's caps), and their branch's ranking; the
secretary switches the ranking off and the member's ranking page says so. Screenshots go to
/tmp/shots/points-*.png."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, phone_page, shot
from points import selectors
from training import services as training_services

pytestmark = BROWSER_MARKS


def test_points_and_the_ranking_switch_on_phones(live_server, browser_world, browser):
    world, base, outside = browser_world, live_server.url, []
    today = timezone.localdate()
    training_services.group_study_record(
        actor=world.users["secretary"], org=world.branch_a1, kind="branch", held_on=today, topic="学习党章",
        hours=Decimal("2"), attendees=[world.members["a1_member"], world.members["a1_secretary"]])
    training_services.group_study_record(
        actor=world.users["secretary"], org=world.branch_a1, kind="branch",
        held_on=max(today - timedelta(days=1), today.replace(month=1, day=1)), topic="学习党规",
        hours=Decimal("1"), attendees=[world.members["a1_member"]])

    member = phone_page(browser, base, outside, "member")
    member.goto(f"{base}/learning/")
    expect(member.locator("#my-points")).to_contain_text("学习积分 6 分")
    member.click("#my-points >> text=积分明细与规则")
    expect(member.locator("#mine")).to_contain_text("6")
    expect(member.locator("#rules")).to_contain_text("每次出席得3分")
    shot(member, "points-mine-phone")
    assert member.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    member.click("#mine >> text=积分排名")
    expect(member.locator("#ranking tbody tr").first).to_contain_text("张秀英")
    expect(member.locator("#ranking tbody tr").nth(1)).to_contain_text("李建国")
    expect(member.locator("text=关闭积分排名")).to_have_count(0)  # a member switches nothing
    shot(member, "points-ranking-phone")

    secretary = phone_page(browser, base, outside, "secretary")
    secretary.goto(f"{base}/points/orgs/{world.branch_a1.pk}/")
    secretary.click("main button:has-text(\"关闭积分排名\")")
    expect(secretary.locator("main")).to_contain_text("已关闭积分排名")
    assert not selectors.ranking_enabled(world.branch_a1)
    shot(secretary, "points-switched-off-phone")
    member.reload()
    expect(member.locator("#off")).to_contain_text("本组织已关闭积分排名")
    expect(member.locator("#ranking")).to_have_count(0)
    assert outside == []
