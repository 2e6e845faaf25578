"""Headless Chromium (Debian's, driven by Playwright): one person walked through the pages from
the written application to full member and the archived record, on a desktop and on a 375-px
phone. Dates are entered in the past so the waiting periods have passed.

Screenshots land in /tmp/shots/recruit-*.png for a person to look at."""

import pytest

from core.holidays import load_official
from dangjian.browser_testing import BROWSER_MARKS, VIEWPORTS, shot, signed_in
from dangjian.testing import make_world
from members.models import Member
from recruitment.models import Case
from recruitment.tests.helpers import grow_branches, id_number

pytestmark = BROWSER_MARKS


# (step, fields) in order; notices are (kind, start, end). Every date keeps every rule.
WALK = [
    (2, {"done_on": "2024-01-15", "responsible": "李建国"}),
    ("notice", 3, "2024-07-10", "2024-07-16"),
    (3, {"done_on": "2024-07-20", "documents": "支委会会议记录"}),
    (4, {"done_on": "2024-07-25"}),
    (5, {"done_on": "2024-07-26", "people": ["a1_member"]}),
    (6, {"done_on": "2025-01-10", "note": "上半年考察"}),
    (6, {"done_on": "2025-07-10", "note": "下半年考察"}),
    ("notice", 7, "2025-07-21", "2025-07-25"),
    (7, {"done_on": "2025-07-28"}),
    (8, {"done_on": "2025-07-30"}),
    (9, {"done_on": "2025-08-01", "people": ["a1_member", "a1_secretary"]}),
    (10, {"concluded_on": "2025-08-10", "methods": ["同本人谈话", "函调或外调"], "findings": "政治历史清楚",
          "conclusion": "passed"}),
    (11, {"done_on": "2025-08-15", "training_days": "3", "training_hours": "24"}),
    (12, {"done_on": "2025-08-20"}),
    (13, {"received_on": "2025-08-20", "reviewed_on": "2025-08-25", "result": "passed", "opinion": "同意发放入党志愿书"}),
    (14, {"done_on": "2025-08-28"}),
    (15, {"held_on": "2025-09-05", "entitled": "9", "present": "8", "written_opinions": "1", "ballots_issued": "8",
          "ballots_returned": "8", "yes": "8", "no": "1", "abstain": "0", "result": "passed"}),
    ("notice", 17, "2025-09-08", "2025-09-12"),
    (16, {"done_on": "2025-09-15"}),
    (17, {"done_on": "2025-09-20"}),
    (18, {"done_on": "2025-09-22"}),
    (19, {"done_on": "2025-09-25", "group": "group"}),
    (20, {"done_on": "2025-10-09"}),
    (21, {"done_on": "2026-03-01"}),
    (22, {"done_on": "2026-08-20"}),
    (23, {"held_on": "2026-09-07", "entitled": "9", "present": "8", "written_opinions": "1", "ballots_issued": "8",
          "ballots_returned": "8", "yes": "8", "no": "1", "abstain": "0", "result": "passed"}),
    ("notice", 24, "2026-09-08", "2026-09-14"),
    (24, {"done_on": "2026-09-20"}),
    (25, {"done_on": "2026-09-25"}),
]


@pytest.fixture
def browser_world(transactional_db):
    load_official()  # a transactional test's flush emptied the calendar the migration filled
    world = make_world()
    grow_branches(world)
    return world


def _fill(page, world, fields: dict) -> None:
    for name, value in fields.items():
        if name in ("people",):
            for key in value:
                page.check(f"input[name=people][value='{world.members[key].pk}']")
        elif name == "methods":
            for method in value:
                page.check(f"input[name=methods][value='{method}']")
        elif name in ("conclusion", "result"):
            page.check(f"input[name={name}][value='{value}']")
        elif name == "group":
            page.select_option("select[name=group]", str(world.group_a1.pk))
        elif name in ("findings", "opinion", "note"):
            page.fill(f"textarea[name={name}]", value)
        else:
            page.fill(f"input[name={name}]", value)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_one_person_from_application_to_full_member(live_server, browser_world, browser, viewport):
    world, base = browser_world, live_server.url
    context, page, elsewhere = signed_in(browser, base, "a_admin", viewport)

    if viewport == "phone":
        page.click("nav.sidenav summary")  # the menu starts closed on a phone
    page.click("text=发展党员")
    page.wait_for_url(f"{base}/recruitment/")
    page.click("text=登记入党申请")
    page.select_option("select[name=org]", str(world.branch_a1.pk))
    _fill(page, world, {"name": "孙晓明", "id_number": id_number(seq=55), "applied": "2024-01-08",
                        "phone": "13912345678", "occupation": "社区工作者"})
    page.select_option("select[name=education]", "bachelor")
    page.select_option("select[name=category]", "educated")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("h1:has-text('孙晓明')")
    case = Case.objects.get(name="孙晓明")
    assert page.locator("#step-1 .badge-green").count() == 1
    assert page.locator("#step-2 a:has-text('登记')").count() == 1  # what comes next

    for item in WALK:
        if item[0] == "notice":
            _, kind, start, end = item
            page.goto(f"{base}/recruitment/{case.pk}/notices/new/")
            page.select_option("select[name=kind]", str(kind))
            _fill(page, world, {"starts_on": start, "ends_on": end})
        else:
            number, fields = item
            page.goto(f"{base}/recruitment/{case.pk}/steps/{number}/")
            _fill(page, world, fields)
        page.click("form.card button[type=submit]")
        page.wait_for_url(f"{base}/recruitment/{case.pk}/")
        assert page.locator(".msg-success").count() == 1, (item, page.locator(".errorlist, .msg-error").all_inner_texts())
        if item[0] == 17:
            shot(page, f"recruit-approved-{viewport}")
        if item[0] == 12:
            # a refused step shows the rule and writes nothing: the form before the pre-review
            page.goto(f"{base}/recruitment/{case.pk}/steps/14/")
            _fill(page, world, {"done_on": "2025-08-21"})
            page.click("form.card button[type=submit]")
            assert "预审合格后发放" in page.locator(".msg-error").inner_text()
            shot(page, f"recruit-refused-{viewport}")

    case.refresh_from_db()
    member = Member.objects.get(pk=case.member_id)
    assert case.status == "archived" and member.status == "full"
    assert str(member.joined) == "2025-09-05" and str(member.converted) == "2026-09-05"
    assert member.group == world.group_a1
    page.goto(f"{base}/recruitment/{case.pk}/")
    assert page.locator(".tl-done").count() == 25
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    shot(page, f"recruit-case-{viewport}")
    page.goto(f"{base}/members/{member.pk}/?tab=timeline")
    shot(page, f"recruit-member-{viewport}")
    page.goto(f"{base}/recruitment/{case.pk}/print/")
    assert case.id_number_masked in page.content()
    shot(page, f"recruit-print-{viewport}")
    for name in ("plans", "warnings"):
        page.goto(f"{base}/recruitment/{name}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
        shot(page, f"recruit-{name}-{viewport}")
    page.goto(f"{base}/recruitment/")
    shot(page, f"recruit-list-{viewport}")
    assert elsewhere == []  # every asset is served by the platform
    context.close()
