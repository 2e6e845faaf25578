"""Roll-ups of the city and of a district kept for a minute, as orglife's compliance roll-up is
(settings.ROLLUP_CACHE_SECONDS, ROLLUP_CACHE_DEPTH): figures that no summary row can hold because
they depend on the day (who is due care, which deadlines have passed) and that cost a few hundred
milliseconds over a city. A street's and below are always counted now. The key holds the user's
grants of the permission the figures are read under (what the user may see) and the day."""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core.access import get_scope
from orgs.models import Org

T = TypeVar("T")


def for_a_minute(name: str, root: Org, user, perm: str, compute: Callable[[], T]) -> T:
    seconds = settings.ROLLUP_CACHE_SECONDS
    if not seconds or root.depth > settings.ROLLUP_CACHE_DEPTH:
        return compute()
    grants = hashlib.sha256("|".join(sorted(get_scope(user).paths_for(perm))).encode()).hexdigest()[:16]
    key = f"insights.{name}:{root.pk}:{root.path}:{timezone.localdate()}:{grants}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return found
