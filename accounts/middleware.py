"""Idle timeout, forced password change, the administrators' areas, and the acting user in the
request context."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from accounts.services import password_expired
from core import audit, context
from core.access import Role, get_scope

SESSION_LAST_SEEN = "last_seen"
# A signed-in request writes its session (last_seen, and so the session's expiry) at most once a
# minute: the idle timeout is then counted to the minute (never later), and a busy user's pages
# do not each wait for a write to the session table.
SESSION_TOUCH_SECONDS = 60

# 三员分立: each administrator reaches only the pages of its own function, plus the home page and
# its own account pages. Everything else (every business page, even an empty list) is 404, so a
# business page added later is closed to the administrators without anyone remembering to.
ADMIN_AREAS = {
    Role.SYSADMIN: ("/system/",),
    Role.SECADMIN: ("/accounts/users/", "/accounts/grants/"),
    Role.AUDITOR: ("/audit/",),
}
# The probes (ops.views) answer the same whoever asks: they show nothing of anyone's area.
PROBES = ("/healthz", "/readyz", "/metrics")
ADMIN_COMMON_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/accounts/login/", "/accounts/totp/", "/static/",
                         "/api/", *PROBES)


def admin_may_reach(user, path: str) -> bool:
    roles = get_scope(user).roles() & set(ADMIN_AREAS)
    if not roles or path == "/" or path.startswith(ADMIN_COMMON_PREFIXES):
        return True
    return any(path.startswith(prefix) for role in roles for prefix in ADMIN_AREAS[role])


class AccountPolicyMiddleware:
    # Paths a user who must change their password can still reach.
    exempt_prefixes = ("/accounts/password/", "/accounts/logout/", "/static/", *PROBES)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            if now - last_seen > settings.IDLE_TIMEOUT_SECONDS:
                context.current().user = user
                audit.record("logout.idle", obj=user, user=user)
                logout(request)
                messages.info(request, "由于长时间未操作，会话已超时，请重新登录")
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if SESSION_LAST_SEEN not in request.session or now - last_seen >= SESSION_TOUCH_SECONDS:
                request.session[SESSION_LAST_SEEN] = now
            context.current().user = user
            if not request.path.startswith(self.exempt_prefixes) and not request.path.startswith("/api/"):
                if user.must_change_password or password_expired(user):
                    return redirect("accounts:password_change")
            if not admin_may_reach(user, request.path):
                raise Http404
        return self.get_response(request)
