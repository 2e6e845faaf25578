"""Login lockout: 5 failures in 15 minutes lock the account for 15 minutes; an address is locked
only after many more failures across accounts (LOGIN_ADDRESS_FAILURE_LIMIT, 50), since an office
behind one address must not lose every login to one person's wrong passwords.

So that an attacker cannot keep a real user locked out, a browser that has logged in to the
account before carries a signed device cookie; it bypasses the account and address locks and is
counted (and locked) on its own (OWASP's "device cookies").
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import LoginThrottle

DEVICE_COOKIE = "dj_device"
DEVICE_COOKIE_AGE = 180 * 24 * 3600
_SALT = "accounts.device"


@dataclass
class Locked:
    until: object

    def message(self) -> str:
        minutes = max(1, int((self.until - timezone.now()).total_seconds() // 60) + 1)
        return f"登录失败次数过多，已被锁定，请 {minutes} 分钟后再试"


def keys_for(username: str, ip: str, device: str | None) -> list[str]:
    if device:
        return [f"dev:{device}"]
    return [f"acct:{username.strip().lower()}", f"ip:{ip}"]


def device_for(request, username: str) -> str | None:
    """The device nonce if the request carries this account's valid device cookie."""
    raw = request.COOKIES.get(DEVICE_COOKIE) if request is not None else None
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=_SALT, max_age=DEVICE_COOKIE_AGE)
    except signing.BadSignature:
        return None
    if data.get("u") != username.strip().lower():
        return None
    return data.get("n")


def issue_device_cookie(response, username: str) -> None:
    value = signing.dumps({"u": username.strip().lower(), "n": secrets.token_hex(12)}, salt=_SALT)
    response.set_cookie(
        DEVICE_COOKIE, value, max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def limit_for(key: str) -> int:
    if key.startswith("ip:"):
        return settings.LOGIN_ADDRESS_FAILURE_LIMIT
    return settings.LOGIN_FAILURE_LIMIT


def wrong_password_message(tries_left: int) -> str:
    return f"用户名或密码错误，还可尝试 {tries_left} 次"


def locked(keys: list[str]) -> Locked | None:
    now = timezone.now()
    until = (
        LoginThrottle.objects.filter(key__in=keys, locked_until__gt=now)
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )
    return Locked(until) if until else None


def register_failure(keys: list[str]) -> int:
    """Count one failure on each key and lock those that reach their limit. Returns the tries
    left before the nearest lock: 0 when this failure locked one of the keys."""
    now = timezone.now()
    window = timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    tries_left = []
    with transaction.atomic():
        for key in keys:
            throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(key=key)
            if now - throttle.window_start > window:
                # Failures older than the window are forgotten: start counting afresh. (An F()
                # expression here would add to the stale count still stored in the row.)
                throttle.failures = 1
                throttle.window_start = now
            else:
                throttle.failures = F("failures") + 1
            throttle.save(update_fields=["failures", "window_start"])
            throttle.refresh_from_db(fields=["failures"])
            tries_left.append(max(0, limit_for(key) - throttle.failures))
            if throttle.failures >= limit_for(key):
                throttle.locked_until = now + window
                throttle.failures = 0
                throttle.window_start = now
                throttle.save(update_fields=["locked_until", "failures", "window_start"])
    return min(tries_left)


def register_success(username: str, device: str | None) -> None:
    keys = [f"acct:{username.strip().lower()}"]
    if device:
        keys.append(f"dev:{device}")
    LoginThrottle.objects.filter(key__in=keys, locked_until__isnull=True).delete()
    LoginThrottle.objects.filter(key__in=keys, locked_until__lte=timezone.now()).delete()
