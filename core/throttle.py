"""Fixed-window counters in the cache, for public forms (portal comments, ordered services):
``exceeded(prefix, keys, limits)`` counts one attempt for each key in each window and says whether
any count is over its limit. Refused attempts count too, so a flood stays refused. The cache is
shared by every app server (files on one machine, Redis beyond), so the limits hold across them."""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


def exceeded(prefix: str, keys: list[str], limits) -> bool:
    """``limits``: ((seconds, attempts), …). True if any key made more attempts than allowed."""
    now = int(timezone.now().timestamp())
    over = False
    for seconds, limit in limits:
        for key in keys:
            bucket = f"{prefix}:{key}:{seconds}:{now // seconds}"
            cache.add(bucket, 0, timeout=seconds + 5)
            try:
                count = cache.incr(bucket)
            except ValueError:  # expired between add and incr
                cache.set(bucket, 1, timeout=seconds + 5)
                count = 1
            over = over or count > limit
    return over


def source_hash(ip: str) -> str:
    """A keyed hash of a client address: floods can be counted and seen, the address is not kept."""
    return hmac.new(settings.SECRET_KEY.encode(), (ip or "").encode(), hashlib.sha256).hexdigest()
