import pytest

# The headless-Chromium fixture of the platform's own browser tests, shared rather than copied.
from core.tests.test_browser import browser  # noqa: F401
from recruitment.tests.helpers import grow_branches


@pytest.fixture
def world(world):
    """The shared world with branches big enough to vote on an admission (helpers.grow_branches)."""
    grow_branches(world)
    return world
