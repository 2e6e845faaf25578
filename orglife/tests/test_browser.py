"""Headless Chromium (Debian's, driven by Playwright): a secretary records a meeting, a member signs
in through the QR link on a phone-sized window, the secretary submits, the reviewer returns it, it
is resubmitted and approved. Screenshots go to /tmp/shots/orglife-*.png."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

# CHROMIUM and SHOTS: orders/tests/test_browser.py imports them from here.
from dangjian.browser_testing import BROWSER_MARKS, CHROMIUM, SHOTS, VIEWPORTS, login, shot  # noqa: F401
from orglife.models import Attendance, Meeting, MeetingState, SignInHow

pytestmark = BROWSER_MARKS


def review(page, base, meeting, decision, comment, viewport, name):
    page.goto(f"{base}/orglife/reviews/")
    page.click(f"a[href='/orglife/{meeting.pk}/review/']")
    page.check(f"input[name=decision][value={decision}]")
    page.fill("textarea[name=comment]", comment)
    shot(page, f"orglife-{name}-{viewport}")
    page.click("#review-submit")
    page.wait_for_url(f"{base}/orglife/{meeting.pk}/")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_record_sign_in_submit_return_resubmit_approve(live_server, browser_world, browser, viewport):
    world, base = browser_world, live_server.url
    outside = []

    def context(size):
        made = browser.new_context(viewport=VIEWPORTS[size], locale="zh-CN")
        made.on("request", lambda r: r.url.startswith(base) or r.url.startswith("data:") or outside.append(r.url))
        return made

    # The secretary records the meeting.
    secretary = context(viewport).new_page()
    login(secretary, base, "secretary")
    secretary.goto(f"{base}/orglife/new/")
    secretary.select_option("select[name=org]", str(world.branch_a1.pk))
    secretary.click("button:text('下一步')")
    now = timezone.localtime()
    secretary.select_option("select[name=kind]", "theme_day")
    secretary.fill("input[name=held_on]", now.date().isoformat())
    secretary.fill("input[name=start_time]", now.strftime("%H:%M"))
    secretary.fill("input[name=place]", "党员活动室")
    secretary.fill("input[name=host]", "李建国")
    secretary.fill("input[name=recorder]", "张秀英")
    secretary.fill("input[name=topic]", "学习党章 重温入党誓词")
    secretary.check(f"input[name=attendees][value='{world.members['a1_secretary'].pk}']")
    secretary.fill("textarea[name=minutes]", "会议由李建国主持，集中学习了党章总纲，全体党员重温入党誓词，并交流了学习体会。")
    shot(secretary, f"orglife-create-{viewport}")
    secretary.click("button:text('保存')")
    expect(secretary.locator("#meeting-state")).to_have_text("草稿")
    meeting = Meeting.objects.get()
    # The SVG QR code, rendered by the platform, loaded.
    secretary.wait_for_function("() => { const i = document.querySelector('img.qr'); return i.complete && i.naturalWidth > 0; }",
                                timeout=10_000)
    sign_in_url = secretary.locator("#sign-in-link").get_attribute("href")
    assert sign_in_url == f"{base}/orglife/sign-in/{meeting.signin_token}/"
    shot(secretary, f"orglife-detail-qr-{viewport}")

    # The member scans it on a phone: login first, then back to the sign-in page.
    phone = context("phone").new_page()
    phone.goto(sign_in_url)
    login(phone, base, "member", expect_url=sign_in_url)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.click("#signin-button")
    expect(phone.locator("#signin-result")).to_contain_text("签到成功")
    shot(phone, f"orglife-sign-in-{viewport}")
    row = Attendance.objects.get(member=world.members["a1_member"])
    assert row.how == SignInHow.QR and row.signed_in_at

    # The secretary submits.
    secretary.goto(f"{base}/orglife/{meeting.pk}/")
    expect(secretary.locator("main")).to_contain_text("扫码签到")
    secretary.click("#submit-link")
    secretary.check("input[name=confirm]")
    secretary.click("#confirm-submit")
    expect(secretary.locator("#meeting-state")).to_have_text("已提交，待审核")

    # The district reviewer returns it with a comment.
    reviewer = context(viewport).new_page()
    login(reviewer, base, "a_admin")
    review(reviewer, base, meeting, "return", "请补充决定事项", viewport, "review-return")
    expect(reviewer.locator("#meeting-state")).to_have_text("已退回，待修改")

    # Corrected and resubmitted.
    secretary.goto(f"{base}/orglife/{meeting.pk}/edit/")
    secretary.fill("textarea[name=decisions]", "每月第二个周六开展志愿服务")
    secretary.click("button:text('保存')")
    secretary.click("#submit-link")
    secretary.check("input[name=confirm]")
    secretary.click("#confirm-submit")
    expect(secretary.locator("#meeting-state")).to_have_text("已提交，待审核")

    review(reviewer, base, meeting, "approve", "同意", viewport, "review-approve")
    expect(reviewer.locator("#meeting-state")).to_have_text("审核通过")
    expect(reviewer.locator("ol.rounds")).to_contain_text("第2轮")
    shot(reviewer, f"orglife-approved-{viewport}")
    assert Meeting.objects.get().state == MeetingState.APPROVED
    assert list(meeting.review_rounds.values_list("decision", flat=True)) == ["returned", "approved"]

    reviewer.goto(f"{base}/orglife/compliance/?org={world.branch_a1.pk}")
    expect(reviewer.locator("main")).to_contain_text("主题党日")
    shot(reviewer, f"orglife-compliance-{viewport}")
    reviewer.goto(f"{base}/orglife/calendar/")
    shot(reviewer, f"orglife-calendar-{viewport}")
    assert outside == []  # every asset is served by the platform
