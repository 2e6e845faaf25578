"""The public pages anonymous readers share: rendered once, kept in the cache until the portal
changes (any service that changes what readers see calls ``public_changed``) or for
``PAGE_SECONDS`` at most (which bounds how late a scheduled article, the end of a notice's window
and a new 点击排行 show). Signed-in users, requests with a message to show and anything but GET
are rendered fresh. The cache is shared by the server processes (settings.CACHES)."""

import time

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token

GENERATION_KEY = "portal:generation"
PAGE_SECONDS = 60
CSRF_MARK = "csrfmiddlewaretoken\" value=\""


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), None)
        value = cache.get(GENERATION_KEY, 0)
    return value


def _bump() -> None:
    cache.set(GENERATION_KEY, time.time_ns(), None)


def public_changed() -> None:
    """What readers see has changed: now (so the writer's next page is fresh) and again once the
    transaction commits (so a page rendered from the old data in between is not kept)."""
    _bump()
    transaction.on_commit(_bump)


def _shareable(request) -> bool:
    from django.contrib.messages import get_messages

    return (request.method == "GET" and not request.user.is_authenticated
            and not len(get_messages(request)))


def _key(request, name: str) -> str:
    htmx = "h" if request.headers.get("HX-Request") else "p"
    return f"portal:page:{generation()}:{name}:{htmx}:{request.GET.urlencode()}"


def shared_page(request, name: str, render) -> HttpResponse:
    """``render()``'s response, or the copy anonymous readers share. A form's CSRF token is the
    one part of a page that belongs to one reader: the copy carries this reader's own."""
    if not _shareable(request):
        return render()
    key = _key(request, name)
    kept = cache.get(key)
    if kept is not None:
        content, token = kept
        if token:
            content = content.replace(token, get_token(request).encode())
        return HttpResponse(content)
    response = render()
    if response.status_code == 200 and not response.cookies:
        cache.set(key, (response.content, _token_in(response.content)), PAGE_SECONDS)
    return response


def _token_in(content: bytes) -> bytes:
    at = content.find(CSRF_MARK.encode())
    if at < 0:
        return b""
    start = at + len(CSRF_MARK)
    return content[start:content.find(b'"', start)]
