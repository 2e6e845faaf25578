"""Headless Chromium (Debian's, driven by Playwright): the main flow of the platform core.

Screenshots land in test-artifacts/ (git-ignored) for a person to look at, desktop and phone.
"""

import pytest
from playwright.sync_api import expect

from dangjian import browser_testing
from dangjian.browser_testing import ARTIFACTS, BROWSER_MARKS, VIEWPORTS, login, shot, signed_in

pytestmark = BROWSER_MARKS

# orders/tests/test_browser.py imports the fixtures from here (the root conftest.py provides them).
browser, browser_world = browser_testing.browser, browser_testing.browser_world


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_district_admin_walks_the_tree_to_a_member(live_server, browser_world, browser, viewport):
    world = browser_world
    base = live_server.url
    context, page, requests_elsewhere = signed_in(browser, base, "a_admin", viewport)
    shot(page, f"home-{viewport}", folder=ARTIFACTS)

    page.goto(f"{base}/orgs/")
    district = page.locator(f"li[data-org='{world.district_a.code}']")
    assert "党员（含预备） 3" in district.locator(".counts").first.inner_text()
    # the admin's one top org is shown open: its streets are there without a click
    assert district.locator(".tree-toggle").first.get_attribute("aria-expanded") == "true"
    street = page.locator(f"li[data-org='{world.street_a.code}']")
    street.wait_for()
    street.locator(".tree-toggle").first.click()
    branch = page.locator(f"li[data-org='{world.branch_a1.code}']")
    branch.wait_for()
    # htmx swapped the nodes in place: the toggle now offers to collapse.
    assert street.locator(".tree-toggle").first.get_attribute("aria-expanded") == "true"
    shot(page, f"tree-{viewport}", folder=ARTIFACTS)

    branch.locator(f"a:text-is('{world.branch_a1.name}')").click()
    page.wait_for_url(f"{base}/orgs/{world.branch_a1.pk}/")
    assert page.locator("h1").inner_text().startswith(world.branch_a1.name)
    shot(page, f"branch-{viewport}", folder=ARTIFACTS)

    member = world.members["a1_member"]
    page.click(f"a:text-is('{member.name}')")
    page.wait_for_url(f"{base}/members/{member.pk}/")
    assert member.id_number_masked in page.locator("#id-number").inner_text()
    page.click("text=查看完整号码")
    page.wait_for_selector("#id-number .mono")
    assert page.locator("#id-number .mono").inner_text() == member.get_id_number()
    shot(page, f"member-{viewport}", folder=ARTIFACTS)

    # The other district does not exist for this user.
    response = page.goto(f"{base}/orgs/{world.district_b.pk}/")
    assert response.status == 404
    assert requests_elsewhere == []  # every asset is served by the platform
    context.close()


def test_the_member_list_filters_with_htmx_and_the_login_page_fits_a_phone(live_server, browser_world, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN")
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    shot(page, "login-phone", folder=ARTIFACTS)
    # No horizontal scrolling on a 375-px-wide phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    login(page, base, "city_admin")
    page.goto(f"{base}/members/")
    page.click("details.filter-panel summary")  # closed on a phone until opened
    page.fill("input[name=q]", "赵志强")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#list-body")).to_contain_text("共 1 人")
    assert "赵志强" in page.locator("#list-body").inner_text()
    shot(page, "members-phone", folder=ARTIFACTS)
    context.close()
