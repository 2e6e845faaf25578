"""Headless Chromium: a district divides an SOE party-building task among two SOE party
committees on a desktop; one committee's admin, on a 375-px phone, finds the share waiting on the
ledger's page and reports it done; the district sees the quarter's progress in the task's ledger.
Screenshots go to /tmp/shots/soe-*.png (phone and desktop)."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from core.access import Role
from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, phone_page, shot, signed_in
from dangjian.testing import make_user
from soe.models import Progress, SoeTask
from soe.tests.test_soe import make_committees

pytestmark = BROWSER_MARKS


def test_a_task_is_divided_and_a_committee_reports_it_done_on_a_phone(live_server, browser_world, browser):
    world, base, outside = browser_world, live_server.url, []
    committees = make_committees(world)
    make_user("jcjt_admin", role=Role.ORG_ADMIN, org=committees["a1"], full_name="津城建设党委组织委员")
    due = timezone.localdate() + timedelta(days=45)

    # The district divides the task on a desktop.
    context, desk, _ = signed_in(browser, base, "a_admin", elsewhere=outside)
    desk.goto(f"{base}/soe/")
    expect(desk.locator("main")).to_contain_text("还没有国企党建工作任务")
    desk.click("text=分解任务")
    desk.fill("input[name=title]", "规范党建工作台账和三会一课记录")
    desk.fill("input[name=due_on]", due.isoformat())
    desk.fill("textarea[name=shares]", "HPGZ01\nHPGZ02")
    desk.click("main button[type=submit]")
    expect(desk.locator(".messages")).to_contain_text("已保存任务分工")
    expect(desk.locator("#ledger")).to_contain_text("津城水务集团有限公司党委")
    task = SoeTask.objects.get()

    # The committee's admin reports on a phone.
    phone = phone_page(browser, base, outside, "jcjt_admin")
    phone.goto(f"{base}/soe/")
    expect(phone.locator("#to-report")).to_contain_text("规范党建工作台账")
    expect(phone.locator("#to-report")).not_to_contain_text("津城水务")  # the other committee's
    phone.click("#to-report a")
    phone.check("input[name=progress][value=done]")
    phone.fill("textarea[name=text]", "台账已按要求建立，三会一课记录已归档")
    phone.fill("input[name=lead]", "王建华")
    assert phone.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    shot(phone, "soe-report-phone")
    phone.click("main button[type=submit]")
    expect(phone.locator("#progress")).to_contain_text("已完成")
    share = task.shares.get(org=committees["a1"])
    assert (share.progress, share.lead) == (Progress.DONE, "王建华")

    # The district's ledger shows the quarter's report.
    desk.goto(f"{base}/soe/tasks/{task.pk}/")
    expect(desk.locator("#ledger")).to_contain_text("已完成")
    shot(desk, "soe-task-desktop")
    assert outside == []
