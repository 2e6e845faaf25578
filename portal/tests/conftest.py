import pytest

from core.tests.test_browser import browser  # noqa: F401  (Debian's chromium, shared with core's test)
from portal.tests.helpers import make_portal


@pytest.fixture
def portal(world):
    return make_portal(world)


@pytest.fixture(autouse=True)
def _empty_cache():
    """The comment limits live in the cache: each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
