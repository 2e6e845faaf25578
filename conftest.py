"""Fixtures shared by every app's tests.

The test database carries the audit trail's append-only triggers, as production does (migration
core 0002/0005). A transactional test (``transactional_db``, ``live_server``) ends with Django
emptying every table, which those triggers rightly refuse: for such a test they are taken off
before it and put back after the flush, and its audit checkpoints go to a file of its own (the
flush removes the entries they vouch for).

The headless-Chromium fixtures (``browser``, ``browser_world``) are dangjian/browser_testing.py's.

Shared data sets (``small_demo``, test_demo_city's ``city``: dangjian.testing.SharedData) are loaded
once per run of consecutive tests that ask for them: their tests are put together after the others,
and the data is rolled back when the next test does not ask for it.
"""

import pytest
from django.db import connection

from core import audit_guard
from dangjian.browser_testing import browser, browser_world  # noqa: F401 (fixtures for every app)
from dangjian.testing import SHARED_DATA, make_world, small_demo  # noqa: F401 (small_demo: a fixture)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the portal's shared pages, the comment limits)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def flushable_audit_trail(django_db_setup, django_db_blocker, settings, tmp_path):
    """The audit triggers off for one transactional test and its flush, then back on."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    with django_db_blocker.unblock():
        audit_guard.uninstall(connection)
    yield
    with django_db_blocker.unblock():
        audit_guard.install(connection)


@pytest.fixture
def transactional_db(flushable_audit_trail, transactional_db):
    """pytest-django's ``transactional_db``, set up after (so torn down and flushed before) the
    audit triggers come back. ``live_server`` asks for it by this name too."""
    return transactional_db


def pytest_itemcollected(item):
    # The django_db(transaction=True) mark reaches the database before any fixture of ours could
    # take the triggers off, so its flush would fail on them: ask for the fixture instead.
    marker = item.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        raise pytest.UsageError(
            f"{item.nodeid}: use pytest.mark.usefixtures('transactional_db') instead of "
            "django_db(transaction=True), so that the audit triggers are off for the flush")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The tests of each shared data set together, after the others (after pytest-randomly's
    shuffle: the same order in every xdist worker), so that each worker loads each set once."""
    def shared_of(item) -> str:
        return next((name for name in SHARED_DATA if name in getattr(item, "fixturenames", ())), "")
    items.sort(key=lambda item: (shared_of(item) != "", shared_of(item)))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    for name, shared in SHARED_DATA.items():
        if name in item.fixturenames and (nextitem is None or name not in nextitem.fixturenames):
            shared.leave()
