# The headless-Chromium fixtures of core/tests/test_browser.py, shared with core's other browser tests.
from core.tests.test_browser import browser, browser_world  # noqa: F401
