"""Headless Chromium: the signed-in pages under the strict CSP, and their layout on a phone.

Screenshots land in test-artifacts/ (desktop 1280 px, phone 375 px) for a person to look at.
"""

from datetime import date

from django.utils import timezone

from dangjian.browser_testing import ARTIFACTS, BROWSER_MARKS, VIEWPORTS, login, shot

pytestmark = BROWSER_MARKS


def _watch_csp(context):
    """Every CSP violation the page reports, from the page's own event (not the console's wording)."""
    context.add_init_script("""
        window.__csp = [];
        document.addEventListener("securitypolicyviolation",
            e => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
    """)


def _signed_in(browser, live_server, viewport: str, username: str):
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
    page = context.new_page()
    login(page, live_server.url, username)
    return context, page, live_server.url


def _violations(page) -> list:
    return page.evaluate("window.__csp")


def test_signed_in_pages_break_no_csp_rule(live_server, browser_world, browser):
    world = browser_world
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN")
    _watch_csp(context)
    console = []
    page = context.new_page()
    page.on("console", lambda m: "Content Security Policy" in m.text and console.append(m.text))
    base = live_server.url
    login(page, base, "a_admin")
    found = {}
    for path in ["/", "/orgs/", f"/orgs/{world.branch_a1.pk}/", f"/orgs/{world.branch_a1.pk}/edit/",
                 "/members/", f"/members/{world.members['a1_member'].pk}/", "/orgs/?q=朝阳里"]:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        found[path] = _violations(page)
    assert {path: v for path, v in found.items() if v} == {}
    assert console == []
    # The stylesheet does what the style attributes did: the home page's cards are not underlined links.
    page.goto(base + "/")
    card = page.locator("a.stat").first
    assert card.evaluate("e => getComputedStyle(e).textDecorationLine") == "none"
    page.goto(f"{base}/orgs/{world.branch_a1.pk}/edit/")
    assert page.locator(".req").first.evaluate("e => getComputedStyle(e).color") == "rgb(183, 28, 28)"
    context.close()


def _first_record_top(page) -> float:
    return page.locator("#list-body table tbody tr, #list-body .empty").first.bounding_box()["y"]


def test_on_a_phone_the_menu_and_the_filters_start_closed_and_the_first_record_is_near_the_top(
        live_server, browser_world, browser):
    context, page, base = _signed_in(browser, live_server, "phone", "city_admin")
    page.goto(f"{base}/members/")
    assert page.locator("nav.sidenav details").get_attribute("open") is None
    assert page.locator("details.filter-panel").get_attribute("open") is None
    shot(page, "members-phone-collapsed", folder=ARTIFACTS)
    assert _first_record_top(page) < 400  # was about 650 with both open
    page.click("nav.sidenav summary")
    assert page.locator("nav.sidenav a:text-is('党组织')").is_visible()
    page.click("details.filter-panel summary")
    page.fill("input[name=q]", "赵志强")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#list-body :text('共 1 人')")
    context.close()


def test_on_a_desktop_the_menu_and_the_filters_stay_open(live_server, browser_world, browser):
    context, page, base = _signed_in(browser, live_server, "desktop", "city_admin")
    page.goto(f"{base}/members/")
    assert page.locator("nav.sidenav a:text-is('党组织')").is_visible()
    assert page.locator("input[name=q]").is_visible()
    context.close()


def test_the_archive_tabs_on_a_phone_wrap_instead_of_hiding_off_screen(live_server, browser_world, browser):
    world = browser_world
    context, page, base = _signed_in(browser, live_server, "phone", "city_admin")
    page.goto(f"{base}/members/{world.members['a1_member'].pk}/")
    tabs = page.locator(".tabs").first
    assert tabs.evaluate("e => e.scrollWidth <= e.clientWidth")
    links = tabs.locator("a")
    assert links.count() == 11
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    shot(page, "archive-phone", full_page=False, folder=ARTIFACTS)
    context.close()


def test_the_rules_page_fits_a_phone_and_a_desktop(live_server, browser_world, browser):
    world = browser_world
    for viewport in ("phone", "desktop"):
        context, page, base = _signed_in(browser, live_server, viewport, "a_admin")
        page.goto(f"{base}/orgs/{world.branch_a1.pk}/rules/")
        assert page.locator("tr[id^=rule-]").count() >= 50
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, f"rules-{viewport}", full_page=viewport == "desktop", folder=ARTIFACTS)
        context.close()


def test_a_meeting_form_shows_the_lecture_fields_for_a_lecture_only_and_selects_all_attendees(
        live_server, browser_world, browser):
    world = browser_world
    context, page, base = _signed_in(browser, live_server, "desktop", "secretary")
    page.goto(f"{base}/orglife/new/?org={world.branch_a1.pk}")
    lecturer = page.locator("input[name=lecturer]")
    page.select_option("select[name=kind]", "branch_assembly")
    assert not lecturer.is_visible() and lecturer.is_disabled()
    page.select_option("select[name=kind]", "lecture")
    assert lecturer.is_visible() and not lecturer.is_disabled()
    boxes = page.locator("input[name=attendees]")
    page.click("button:text-is('全选')")
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.click("button:text-is('全不选')")
    assert not any(boxes.nth(i).is_checked() for i in range(boxes.count()))
    shot(page, "meeting-form-desktop", folder=ARTIFACTS)
    # A lecture's fields typed, then another kind chosen: nothing hidden is sent, the record saves.
    page.fill("input[name=lecturer]", "王老师")
    page.select_option("select[name=kind]", "branch_assembly")
    for name, value in {"place": "党员活动室", "host": "李建国", "recorder": "张秀英", "topic": "学习"}.items():
        page.fill(f"input[name={name}]", value)
    page.fill("input[name=held_on]", timezone.localdate().isoformat())
    page.click("form.meeting-form button[type=submit]")
    page.wait_for_url(lambda url: "/orglife/new/" not in url)
    from orglife.models import Meeting

    assert Meeting.objects.get(topic="学习").lecturer == ""
    context.close()


def test_the_recruitment_list_at_1280_keeps_names_and_dates_on_one_line_and_marks_overdue_red(
        live_server, browser_world, browser):
    from recruitment.models import Case as RecruitmentCase
    from recruitment.tests.helpers import id_number, open_case

    world = browser_world
    long_ago = date(2025, 1, 6)  # the talk (②) was due a month after: overdue
    for seq, name in enumerate(["欧阳建国", "司马晓明", "诸葛文静"], start=50):
        open_case(world, actor="a_admin", number=id_number(seq=seq), name=name, applied=long_ago,
                  org=world.branch_a1 if seq % 2 else world.branch_a2)
    assert RecruitmentCase.objects.filter(due_on__lt=timezone.localdate()).count() == 3
    context, page, base = _signed_in(browser, live_server, "desktop", "a_admin")
    page.goto(f"{base}/recruitment/")
    shot(page, "recruitment-list-desktop", folder=ARTIFACTS)
    one_line = "e => e.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(e).lineHeight) + 16"
    for label in ("姓名", "申请日期", "预警"):
        cells = page.locator(f"#list-body td[data-label='{label}']")
        assert cells.count() == 3
        assert all(cells.nth(i).evaluate(one_line) for i in range(3)), label
    overdue = page.locator("#list-body td[data-label='预警'] .badge-red")
    assert overdue.count() == 3 and overdue.first.inner_text() == "已逾期"
    assert overdue.first.evaluate("e => getComputedStyle(e).color") == "rgb(138, 28, 28)"
    context.close()


def test_on_a_phone_a_card_hides_a_field_with_nothing_in_it(live_server, browser_world, browser):
    from recruitment.tests.helpers import id_number, open_case

    world = browser_world
    open_case(world, actor="a_admin", number=id_number(seq=60), name="欧阳新苗", applied=timezone.localdate(),
              org=world.branch_a1)
    context, page, base = _signed_in(browser, live_server, "phone", "a_admin")
    page.goto(f"{base}/recruitment/")
    warning = page.locator("#list-body td[data-label='预警']")
    assert warning.count() == 1 and warning.inner_text() == ""
    assert not warning.is_visible()  # no bare "预警：" line on the card
    assert page.locator("#list-body td[data-label='姓名']").is_visible()
    context.close()
