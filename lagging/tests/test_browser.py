"""Headless Chromium: the district admin opens the suggestions, lists branch A1 as lagging, writes
its plan (一支一策) with two tasks; the branch secretary marks both tasks done on a 375-px phone;
the admin closes the case with the acceptance material and the grade moves up. Screenshots go to
/tmp/shots/lagging-*.png (desktop and phone)."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, phone_page, shot, signed_in
from lagging.models import CaseState, Grade, GradeChange, LaggingCase, LaggingTask

pytestmark = BROWSER_MARKS


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]


def test_a_branch_is_listed_planned_rectified_on_a_phone_and_closed_with_the_grade_up(
        live_server, browser_world, browser):
    world, base, outside = browser_world, live_server.url, []
    today = timezone.localdate()

    # The district admin opens the suggestions from the oversight home and lists branch A1.
    context, desk, _ = signed_in(browser, base, "a_admin", elsewhere=outside)
    desk.goto(f"{base}/oversight/")
    desk.click("text=后进整顿")
    desk.click("#suggestions")
    expect(desk.locator(f"#org-{world.branch_a1.code}")).to_contain_text("三会一课连续3个月红灯")
    shot(desk, "lagging-suggestions-desktop")
    desk.click(f"#open-{world.branch_a1.code}")
    expect(desk.locator("main")).to_contain_text("系统记录提示")
    desk.click("main button[type=submit]")
    expect(desk.locator(".messages")).to_contain_text("已列为后进党组织")
    case = LaggingCase.objects.get(org=world.branch_a1)

    # Its plan, then two tasks.
    desk.click("#plan-edit")
    desk.fill("input[name=responsible]", "李建国")
    desk.fill("input[name=contact]", "王区长")
    desk.fill("textarea[name=measures]", "区委组织部包保，党建指导员驻点，三个月内配齐班子、规范组织生活")
    desk.fill("input[name=deadline]", (today + timedelta(days=90)).isoformat())
    desk.click("main button[type=submit]")
    expect(desk.locator("#state")).to_contain_text("整顿中")
    for text, days in (("召开党员大会补选支部书记", 30), ("每月按时开展主题党日", 60)):
        desk.click("#task-add")
        desk.fill("input[name=text]", text)
        desk.fill("input[name=responsible]", "李建国")
        desk.fill("input[name=due]", (today + timedelta(days=days)).isoformat())
        desk.click("main button[type=submit]")
        expect(desk.locator("#tasks")).to_contain_text(text)
    expect(desk.locator("#progress")).to_contain_text("0/2")
    shot(desk, "lagging-case-desktop")

    # The branch secretary marks both tasks done on a phone.
    phone = phone_page(browser, base, outside, "secretary")
    for number, note in ((1, "已于本月召开党员大会，补选李建国为书记"), (2, "本月主题党日已开展，记录已归档")):
        phone.goto(f"{base}{case.get_absolute_url()}")
        fits(phone)
        phone.click(f"#done-{number}")
        phone.fill("textarea[name=note]", note)
        fits(phone)
        if number == 1:
            shot(phone, "lagging-task-done-phone")
        phone.click("main button[type=submit]")
        expect(phone.locator(".messages")).to_contain_text("已标记完成")
    expect(phone.locator("#progress")).to_contain_text("2/2（100%）")
    assert phone.locator("#close").count() == 0  # the branch does not close its own case
    shot(phone, "lagging-case-phone")
    assert LaggingTask.objects.filter(plan__case=case, done_on__isnull=True).count() == 0

    # The admin closes it with the acceptance material: the grade moves up.
    desk.goto(f"{base}{case.get_absolute_url()}")
    desk.click("#close")
    desk.select_option("select[name=grade_after]", Grade.GOOD)
    desk.fill("textarea[name=text]", "班子配齐，三会一课规范，党员评议满意，经区委组织部验收合格")
    desk.click("main button[type=submit]")
    expect(desk.locator("#state")).to_contain_text("已销号")
    expect(desk.locator("#grade-after")).to_contain_text("较好")
    shot(desk, "lagging-closed-desktop")
    case.refresh_from_db()
    assert (case.state, case.grade_after) == (CaseState.CLOSED, Grade.GOOD)
    assert list(GradeChange.objects.filter(org=world.branch_a1).order_by("pk").values_list("grade_to", flat=True)) \
        == [Grade.LAGGING, Grade.GOOD]
    desk.goto(f"{base}/lagging/orgs/{world.branch_a1.pk}/grades/")
    expect(desk.locator("#grades")).to_contain_text("较好")
    assert outside == []
