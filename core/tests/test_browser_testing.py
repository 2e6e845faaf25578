"""dangjian.browser_testing.shot never fails a test: a capture Chromium refuses ("Unable to capture
screenshot", seen once in CI) is retried after a pause, then taken of the window only, then left
out with a warning. A fake page stands in for Playwright's (no browser needed)."""

import warnings

import pytest
from playwright.sync_api import Error

from dangjian.browser_testing import ScreenshotWarning, shot

REFUSED = "Protocol error (Page.captureScreenshot): Unable to capture screenshot"


class FakePage:
    """Fails the first ``failures`` screenshots with Playwright's Error, then writes the file."""

    def __init__(self, failures):
        self.failures = failures
        self.calls = []  # ("screenshot", full_page) and ("wait", ms), in order

    def wait_for_timeout(self, ms):
        self.calls.append(("wait", ms))

    def screenshot(self, *, path, full_page=False):
        self.calls.append(("screenshot", full_page))
        if self.failures:
            self.failures -= 1
            raise Error(REFUSED)
        path.write_bytes(b"\x89PNG")


def test_a_refused_screenshot_is_retried_after_a_pause(tmp_path):
    page = FakePage(failures=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning when the retry worked
        path = shot(page, "orglife-create-desktop", folder=tmp_path)
    assert path == tmp_path / "orglife-create-desktop.png" and path.read_bytes() == b"\x89PNG"
    assert [call[0] for call in page.calls] == ["screenshot", "wait", "screenshot"]
    assert page.calls[0] == page.calls[2] == ("screenshot", True)


def test_refused_twice_the_window_alone_is_taken(tmp_path):
    page = FakePage(failures=2)
    path = shot(page, "shot", folder=tmp_path)
    assert path.exists()
    assert [c for c in page.calls if c[0] == "screenshot"] == [("screenshot", True), ("screenshot", True),
                                                                ("screenshot", False)]


def test_refused_every_time_nothing_is_written_and_the_test_goes_on_with_a_warning(tmp_path):
    page = FakePage(failures=99)
    with pytest.warns(ScreenshotWarning, match="Unable to capture screenshot"):
        assert shot(page, "shot", folder=tmp_path) is None
    assert list(tmp_path.iterdir()) == []
    assert [c[1] for c in page.calls if c[0] == "screenshot"] == [True, True, False]


def test_a_window_screenshot_is_retried_once_and_never_raises_even_with_warnings_as_errors(tmp_path):
    page = FakePage(failures=99)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert shot(page, "shot", full_page=False, folder=tmp_path) is None
    assert [c[1] for c in page.calls if c[0] == "screenshot"] == [False, False]


def test_a_folder_that_cannot_be_made_is_a_warning_too(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.warns(ScreenshotWarning):
        assert shot(FakePage(failures=0), "shot", folder=blocker / "shots") is None
