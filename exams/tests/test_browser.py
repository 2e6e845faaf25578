"""Headless Chromium: the manager enters questions and sets an exam on a desktop; the member takes
it on a 375-px phone window — the countdown runs, the sheet is submitted, the marked result shows —
and the manager sees the branch's result. Screenshots go to /tmp/shots/exams-*.png."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, login, shot
from exams.models import Attempt, Exam

pytestmark = BROWSER_MARKS


def test_the_manager_sets_an_exam_and_the_member_takes_it_on_a_phone(live_server, browser_world, browser):
    world, base = browser_world, live_server.url
    today = timezone.localdate()
    outside = []
    desk = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN")
    desk.on("request", lambda r: r.url.startswith(base) or r.url.startswith("data:") or outside.append(r.url))
    page = desk.new_page()
    login(page, base, "a_admin")
    for i, (kind, options, answer) in enumerate([("single", "甲\n乙\n丙", "B"), ("multiple", "甲\n乙\n丙", "AC"),
                                                 ("truefalse", "", "T")]):
        page.goto(f"{base}/exams/questions/new/")
        page.fill("input[name=topic]", "党章党规")
        page.select_option("select[name=kind]", kind)
        page.fill("textarea[name=text]", f"第{i + 1}道题")
        page.fill("textarea[name=options]", options)
        page.fill("input[name=answer]", answer)
        page.click("main button[type=submit]")
        expect(page.locator("main")).to_contain_text("已录入试题")
    page.goto(f"{base}/exams/questions/")
    shot(page, "exams-bank-desktop")
    page.goto(f"{base}/exams/new/")
    page.fill("input[name=title]", "党章党规测试")
    page.fill("input[name=questions]", "3")
    page.fill("input[name=minutes]", "5")
    page.fill("input[name=opens]", f"{today:%Y-%m-%d}")
    page.fill("input[name=closes]", f"{today + timedelta(days=7):%Y-%m-%d}")
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("已发布考试")
    exam = Exam.objects.get()

    phone = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN")
    phone.on("request", lambda r: r.url.startswith(base) or r.url.startswith("data:") or outside.append(r.url))
    mobile = phone.new_page()
    login(mobile, base, "member")
    mobile.goto(f"{base}/exams/")
    mobile.click("text=党章党规测试")
    mobile.click("text=开始答题")
    expect(mobile.locator("#countdown")).to_contain_text("分")
    first = mobile.locator("#countdown strong").inner_text()
    mobile.wait_for_timeout(1500)
    assert mobile.locator("#countdown strong").inner_text() != first  # it counts down
    attempt = Attempt.objects.get()
    for item in attempt.items.select_related("question"):
        for letter in item.question.answer:
            mobile.check(f"input[name=q{item.position}][value={letter}]")
    shot(mobile, "exams-sheet-phone")
    width = mobile.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["phone"]["width"], width
    mobile.click("#answer-sheet button[type=submit]")
    expect(mobile.locator("#result")).to_contain_text("得分：100")
    shot(mobile, "exams-result-phone")

    page.goto(f"{base}/exams/{exam.pk}/?org={world.branch_a1.pk}")
    expect(page.locator("main")).to_contain_text("张秀英")
    shot(page, "exams-results-desktop")
    assert outside == []
