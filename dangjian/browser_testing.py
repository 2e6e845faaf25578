"""What every headless-Chromium test shares (Debian's chromium driven by Playwright): where the
browser is, the two window sizes, the marks that skip a browser test where chromium is missing,
the ``browser`` and ``browser_world`` fixtures (made visible to every test by the root
conftest.py), signing in, and ``shot``, which saves a screenshot for a person to look at and
never fails a test: a capture that fails is retried, then taken of the window only, then left out
with a warning.

Playwright (and Django's models) are imported only when they are used, so importing this module
costs next to nothing.
"""

import os
import warnings
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path("/tmp/shots")
# The platform core's screenshots (and the printed roster), git-ignored.
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
VIEWPORTS = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 375, "height": 740}}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

NEEDS_CHROMIUM = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
    reason="Debian chromium is not installed (scripts/ensure-browser.sh installs it)")
# A browser test module's ``pytestmark``.
BROWSER_MARKS = [pytest.mark.browser, NEEDS_CHROMIUM]

RETRY_AFTER_MS = 500  # before the one retry of a failed screenshot


class ScreenshotWarning(UserWarning):
    """A screenshot could not be taken (the test goes on)."""


@pytest.fixture
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def browser_world(transactional_db):
    """The personas' world (``dangjian.testing.make_world``) in a database the live server sees."""
    from dangjian.testing import make_world

    return make_world()


def login(page, base, username, *, expect_url=None):
    """Sign ``username`` in on ``page`` and wait to land on ``expect_url`` (the home page). A page
    already on the login form (sent there with ``?next=``) is signed in where it is."""
    from dangjian.testing import PASSWORD

    if "/accounts/login/" not in page.url:
        page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(expect_url or f"{base}/")


def watched_context(browser, base, viewport="desktop", *, elsewhere=None, **options):
    """A Chinese-locale context of the viewport's size and the list (``elsewhere``, or a new one)
    its requests to anywhere but ``base`` (or data: URLs) are put on: a test asserts it stays empty
    (no CDN, no phone-home)."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN", **options)
    elsewhere = [] if elsewhere is None else elsewhere
    context.on("request", lambda r: r.url.startswith(base) or r.url.startswith("data:") or elsewhere.append(r.url))
    return context, elsewhere


def signed_in(browser, base, username, viewport="desktop", **options):
    """``watched_context``, a page, and ``username`` logged in on it (at the home page)."""
    context, elsewhere = watched_context(browser, base, viewport, **options)
    page = context.new_page()
    login(page, base, username)
    return context, page, elsewhere


def phone_page(browser, base, outside, username):
    """A page of its own phone-sized watched context (requests elsewhere go on ``outside``), with
    ``username`` signed in (none: anonymous)."""
    context, _ = watched_context(browser, base, "phone", elsewhere=outside)
    page = context.new_page()
    if username:
        login(page, base, username)
    return page


def shot(page, name, *, full_page=True, folder=SHOTS):
    """Save ``page`` as ``folder/name.png`` for a person to look at; the path, or None.

    Never fails the test: Chromium now and then refuses a capture ("Unable to capture
    screenshot"), so a failed one is tried again after a moment, then (if it was of the whole
    page) of the window only; if that fails too, nothing is written and a ScreenshotWarning says
    why."""
    from playwright.sync_api import Error

    path = folder / f"{name}.png"
    attempts = [full_page, full_page] + ([False] if full_page else [])
    failure: Exception | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        attempts, failure = [], error
    for number, whole in enumerate(attempts):
        if number == 1:
            try:
                page.wait_for_timeout(RETRY_AFTER_MS)
            except Error:
                pass
        try:
            page.screenshot(path=path, full_page=whole)
            return path
        except (Error, OSError) as error:
            failure = error
    try:
        warnings.warn(f"no screenshot {path}: {failure}", ScreenshotWarning, stacklevel=2)
    except Warning:
        pass  # warnings turned into errors (-W error): still not the test's failure
    return None
