"""Headless Chromium: a branch secretary starts and fills the self-assessment on a 375-px phone,
item by item, and submits it; the district admin assesses it on a phone; the grade shows on the
assessment and the district's counts. Screenshots go to /tmp/shots/fivegood-*.png."""

from playwright.sync_api import expect

from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, phone_page, shot, signed_in
from fivegood.models import Assessment, AssessmentState, Grade
from fivegood.tests.test_fivegood import make_standard

pytestmark = BROWSER_MARKS


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]


def test_a_secretary_self_assesses_on_a_phone_and_the_district_assesses(live_server, browser_world, browser):
    from django.utils import timezone

    world, base, outside = browser_world, live_server.url, []
    make_standard(world, year=timezone.localdate().year)

    # The secretary starts this year's self-assessment from the home page …
    secretary = phone_page(browser, base, outside, "secretary")
    secretary.goto(f"{base}/fivegood/")
    fits(secretary)
    secretary.click("#start-self")
    secretary.click("main button[type=submit]")
    expect(secretary.locator(".messages")).to_contain_text("已开始自评")
    # … fills every item on the phone: a score and a line of evidence …
    scores = secretary.locator("input[name^=score_]")
    assert scores.count() == 10
    for i in range(scores.count()):
        scores.nth(i).fill("10")
    secretary.locator("textarea[name^=evidence_]").first.fill("支委会每月召开，记录齐全")
    fits(secretary)
    shot(secretary, "fivegood-self-phone")
    secretary.click("main button[type=submit]")
    expect(secretary.locator("#self-total")).to_contain_text("100")
    # … and submits it.
    secretary.click("#submit")
    secretary.click("main button[type=submit]")
    expect(secretary.locator("#state")).to_contain_text("待上级考评")
    assessment = Assessment.objects.get()
    assert assessment.state == AssessmentState.SUBMITTED and assessment.org == world.branch_a1

    # The district admin finds it to assess, scores each item on a phone (one item lower), and the
    # grade follows.
    admin = phone_page(browser, base, outside, "a_admin")
    admin.goto(f"{base}/fivegood/")
    expect(admin.locator("#to-assess")).to_contain_text(world.branch_a1.name)
    admin.click("#to-assess a")
    admin.click("#assess")
    upper = admin.locator("input[name^=score_]")
    for i in range(upper.count()):
        upper.nth(i).fill("9")
    admin.locator("input[name^=note_]").first.fill("会议记录个别缺签到")
    fits(admin)
    shot(admin, "fivegood-assess-phone")
    admin.click("main button[type=submit]")
    expect(admin.locator("#grade")).to_contain_text("五好党支部")
    expect(admin.locator("#upper-total")).to_contain_text("90")
    fits(admin)
    shot(admin, "fivegood-graded-phone")
    assessment.refresh_from_db()
    assert (assessment.state, assessment.grade) == (AssessmentState.ASSESSED, Grade.FIVE_GOOD)

    # On the desktop the district's counts show it.
    context, desk, _ = signed_in(browser, base, "a_admin", elsewhere=outside)
    desk.goto(f"{base}/fivegood/")
    expect(desk.locator("#total-five-good")).to_have_text("1")
    shot(desk, "fivegood-home-desktop")
    assert outside == []
