import pytest

from core.tests.test_browser import browser  # noqa: F401  (Debian's chromium, shared with core's test)
from portal.tests.helpers import make_portal


@pytest.fixture
def portal(world):
    return make_portal(world)
