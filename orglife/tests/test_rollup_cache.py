"""The city's and a district's compliance roll-up are kept in the cache for
ROLLUP_CACHE_SECONDS (orglife.selectors.rollups): a meeting recorded meanwhile shows there
after the cache expires, at once for a street and below; the page says when it was counted."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from orglife import selectors
from orglife.models import MeetingKind
from orglife.tests.helpers import counted


def _figures(root, today):
    result = selectors.rollups(root, months=[today.replace(day=1)], today=today)[0]
    return result, dict(result.total.counts)


@pytest.fixture
def today():
    return timezone.localdate()


def _meeting(world, today):
    # A theme day of branch A1 this month: one of its items turns green.
    counted(world.branch_a1, MeetingKind.THEME_DAY, today - timedelta(days=0 if today.day == 1 else 1))


def test_without_the_cache_a_meeting_changes_the_citys_figures_at_once(world, settings, today):
    settings.ROLLUP_CACHE_SECONDS = 0
    result, before = _figures(world.city, today)
    _meeting(world, today)
    after = _figures(world.city, today)[1]
    assert after != before
    assert result.counted is None


@pytest.mark.parametrize("root", ["city", "district_a"])
def test_the_city_and_a_district_are_counted_once_a_minute(world, settings, today, root):
    settings.ROLLUP_CACHE_SECONDS = 60
    org = getattr(world, root)
    result, before = _figures(org, today)
    assert result.counted is not None
    _meeting(world, today)
    assert _figures(org, today)[1] == before  # still the counted figures
    cache.clear()  # the minute is up
    assert _figures(org, today)[1] != before


@pytest.mark.parametrize("root", ["street_a", "branch_a1"])
def test_a_street_and_a_branch_are_always_counted_now(world, settings, today, root):
    settings.ROLLUP_CACHE_SECONDS = 60
    org = getattr(world, root)
    result, before = _figures(org, today)
    assert result.counted is None
    _meeting(world, today)
    assert _figures(org, today)[1] != before


def test_the_page_says_when_the_citys_figures_were_counted(world, settings):
    settings.ROLLUP_CACHE_SECONDS = 60
    page = world.client("city_admin").get(reverse("orglife:compliance")).content.decode()
    assert "统计于" in page and "每 60 秒重新统计一次" in page
    street = world.client("city_admin").get(reverse("orglife:compliance"), {"org": world.street_a.pk})
    assert "统计于" not in street.content.decode()
