# The headless-Chromium fixture of the platform's own browser tests, shared rather than copied.
from core.tests.test_browser import browser  # noqa: F401
