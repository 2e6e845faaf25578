"""Error pages in Chinese, with the platform's look; and the domain error services raise for
what the user may not reach."""

import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import render

# Seconds a client is asked to wait when the database cannot be reached (503 Retry-After).
RETRY_AFTER = 5


class NotFound(Exception):  # noqa: N818 (it names the answer the user gets, as Http404 does)
    """What a service raises for an object or org outside the actor's scope (or one that does not
    exist): the user must not learn that it exists. Services stay free of HTTP; pages answer 404
    (``core.middleware.NotFoundMiddleware``), the API answers its 404 (``dangjian.api``)."""


def _page(request, status, title, message):
    try:
        return render(request, "core/error.html", {"title": title, "message": message}, status=status)
    except Exception:  # the error page must never fail itself

        text = f"{title}（请求编号 {getattr(request, 'request_id', '')}）"
        return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def bad_request(request, exception=None):
    return _page(request, 400, "请求有误", "请求格式不正确，请返回重试。")


def refusal_text(exc: Exception) -> str:
    """A refusal (a service's ValidationError or PermissionDenied) as one line: its reasons joined.
    The one place they are joined, for messages, filter errors and error pages."""
    messages = getattr(exc, "messages", None)
    if messages is not None:
        return "；".join(messages)
    return str(exc) or "您无权办理该事项"


def invalid_parameter(request, exception):
    """A page's parameter that can be nothing it names (an org that is neither an id nor a code):
    400 with the reason, never a 500."""
    return _page(request, 400, "请求有误", refusal_text(exception))


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else "您无权执行此操作。"
    return _page(request, 403, "无权操作", message)


def page_not_found(request, exception=None):
    return _page(request, 404, "页面不存在", "页面不存在，或不在您的管理范围内。")


def database_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached or is busy past its timeout: a PostgreSQL server that is
    down or restarting (any OperationalError there is about the connection or the server, not the
    SQL), a lost connection (InterfaceError), SQLite locked past busy_timeout. Anything else is a
    server error."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    if connection.vendor == "postgresql":
        return True
    text = str(exc).lower()
    return "locked" in text or "unable to open" in text


def server_error(request):
    """Django's handler500, called while the exception is being handled: a database that cannot
    be reached is 503 with Retry-After (a load balancer and the clients try again; the drill F2 in
    docs/benchmarks.md), anything else 500."""
    if database_unavailable(sys.exc_info()[1]):
        response = _page(request, 503, "服务暂时不可用", "数据库暂时无法访问，请稍后再试；已提交的数据不会丢失。")
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return _page(request, 500, "服务器错误", "服务器处理请求时出错，已记录，请稍后再试。")
