"""Headless Chromium: a reviewer without an oversight role (the member) finds the subject to rate
on the 述职评议 page on a 375-px phone and rates it; the city admin closes the round and sees the
result. Screenshots go to /tmp/shots/reviews-*.png (phone and desktop)."""

from playwright.sync_api import expect

from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, phone_page, shot, signed_in
from reviews import services
from reviews.models import Rating, ReportSubject
from reviews.tests.test_reviews import make_round, rate

pytestmark = BROWSER_MARKS


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]


def test_a_reviewer_rates_on_a_phone_and_the_admin_closes_the_round(live_server, browser_world, browser):
    world, base, outside = browser_world, live_server.url, []
    round = make_round(world)
    services.group_save(actor=world.users["city_admin"], round=round, name="市委常委", weight=60,
                        reviewers=["city_admin"])
    services.group_save(actor=world.users["city_admin"], round=round, name="党员代表", weight=40, reviewers=["member"])
    services.subject_report(actor=world.users["city_admin"], subject=round.subjects.get(org=world.district_b),
                            report="一、存在的问题：暗访发现党群服务中心开放不规范。\n二、整改措施：建立问题台账。")
    services.round_open(actor=world.users["city_admin"], round=round)
    hp, hx = round.subjects.get(org=world.district_a), round.subjects.get(org=world.district_b)
    rate(world, hp, "city_admin", "good")
    rate(world, hx, "city_admin", "fair")
    rate(world, hp, "member", "fair")

    # The member, on a phone: the menu leads to 述职评议, which lists 河西区 to rate.
    reviewer = phone_page(browser, base, outside, "member")
    reviewer.goto(f"{base}/reviews/")
    expect(reviewer.locator("#to-rate")).to_contain_text("已评议")
    reviewer.click(f"#to-rate a[href='/reviews/subjects/{hx.pk}/rate/']")
    fits(reviewer)
    reviewer.check("input[name=grade][value=good]")
    reviewer.fill("textarea[name=comment]", "问题找得准，措施要具体")
    shot(reviewer, "reviews-rate-phone")
    reviewer.click("main button[type=submit]")
    expect(reviewer.locator(".messages")).to_contain_text("已提交评议")
    assert Rating.objects.get(subject=hx, reviewer__user=world.users["member"]).grade == "good"
    fits(reviewer)
    shot(reviewer, "reviews-home-phone")

    # The city admin closes the round and sees each result: 河西区 60% × 80 + 40% × 100 = 88.00 较好.
    context, desk, _ = signed_in(browser, base, "city_admin", elsewhere=outside)
    desk.goto(f"{base}{round.get_absolute_url()}")
    expect(desk.locator("#progress")).to_contain_text("已评 4 / 应评 4")
    desk.click("#close")
    desk.click("main button[type=submit]")
    expect(desk.locator(".messages")).to_contain_text("已计算评议结果")
    expect(desk.locator("#state")).to_contain_text("已完成")
    expect(desk.locator("#subjects")).to_contain_text("88.00")
    shot(desk, "reviews-round-desktop")
    assert ReportSubject.objects.get(pk=hx.pk).grade == "fair"
    desk.goto(f"{base}{hx.get_absolute_url()}")
    expect(desk.locator("#grade")).to_contain_text("较好")
    expect(desk.locator("#ratings")).to_contain_text("党员代表")
    assert outside == []
