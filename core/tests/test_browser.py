"""Headless Chromium (Debian's, driven by Playwright): the main flow of the platform core.

Screenshots land in test-artifacts/ (git-ignored) for a person to look at, desktop and phone.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dangjian.testing import PASSWORD, make_world

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason="Debian chromium is not installed (scripts/ensure-browser.sh installs it)",
    ),
]

VIEWPORTS = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 375, "height": 740}}


@pytest.fixture
def browser_world(transactional_db):
    return make_world()


@pytest.fixture
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield instance
        instance.close()


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def watched_context(browser, base, viewport="desktop", **options):
    """A Chinese-locale context of the viewport's size and the list its requests to anywhere but
    ``base`` (or data: URLs) are put on: a test asserts it stays empty (no CDN, no phone-home)."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN", **options)
    elsewhere: list[str] = []
    context.on("request", lambda r: r.url.startswith(base) or r.url.startswith("data:") or elsewhere.append(r.url))
    return context, elsewhere


def signed_in(browser, base, username, viewport="desktop", **options):
    """``watched_context``, a page, and ``username`` logged in on it (at the home page)."""
    context, elsewhere = watched_context(browser, base, viewport, **options)
    page = context.new_page()
    _login(page, base, username)
    return context, page, elsewhere


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_district_admin_walks_the_tree_to_a_member(live_server, browser_world, browser, viewport):
    ARTIFACTS.mkdir(exist_ok=True)
    world = browser_world
    base = live_server.url
    context, page, requests_elsewhere = signed_in(browser, base, "a_admin", viewport)
    page.screenshot(path=ARTIFACTS / f"home-{viewport}.png", full_page=True)

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
    page.screenshot(path=ARTIFACTS / f"tree-{viewport}.png", full_page=True)

    branch.locator(f"a:text-is('{world.branch_a1.name}')").click()
    page.wait_for_url(f"{base}/orgs/{world.branch_a1.pk}/")
    assert page.locator("h1").inner_text().startswith(world.branch_a1.name)
    page.screenshot(path=ARTIFACTS / f"branch-{viewport}.png", full_page=True)

    member = world.members["a1_member"]
    page.click(f"a:text-is('{member.name}')")
    page.wait_for_url(f"{base}/members/{member.pk}/")
    assert member.id_number_masked in page.locator("#id-number").inner_text()
    page.click("text=查看完整号码")
    page.wait_for_selector("#id-number .mono")
    assert page.locator("#id-number .mono").inner_text() == member.get_id_number()
    page.screenshot(path=ARTIFACTS / f"member-{viewport}.png", full_page=True)

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
    page.screenshot(path=ARTIFACTS / "login-phone.png", full_page=True)
    # No horizontal scrolling on a 375-px-wide phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    _login(page, base, "city_admin")
    page.goto(f"{base}/members/")
    page.click("details.filter-panel summary")  # closed on a phone until opened
    page.fill("input[name=q]", "赵志强")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#list-body")).to_contain_text("共 1 人")
    assert "赵志强" in page.locator("#list-body").inner_text()
    page.screenshot(path=ARTIFACTS / "members-phone.png", full_page=True)
    context.close()
